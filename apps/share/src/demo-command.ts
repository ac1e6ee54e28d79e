import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { type EmbeddedDisplay, startEmbeddedDisplay } from './embedded-display.js';
import { captureDisplay, montage } from './screenshots.js';
import { shareCommand } from './share-command.js';
import type { IssuedInvitation, Sharing } from './sharing.js';

export interface DemoFlags {
  view?: boolean;
  seconds?: string;
  web?: string;
  listen?: string;
  dir: string;
}

const DEMO_SIZE = { width: 1280, height: 800 };
/** How long the viewers get to draw the desktop before the screenshots. */
const SETTLE_MS = 8000;
/** Debian's Chromium (apt-get install chromium), headless, with a throwaway profile. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
/** A browser window wide enough for the page's attendee list beside the unscaled 1280x800 desktop. */
const BROWSER_VIEWPORT = { width: 1520, height: 900 };

/**
 * `rdshare demo`: `rdshare share --virtual 1280x800 --control view --web` with its files in `dir`; `--view` also
 * joins with the printed xfreerdp line and with the web viewer in headless Chromium, and saves their screenshots
 * beside the shared screen's, labelled.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const dir = resolve(flags.dir);
  mkdirSync(dir, { recursive: true });
  await shareCommand(
    {
      virtual: `${DEMO_SIZE.width}x${DEMO_SIZE.height}`,
      control: 'view',
      ticket: join(dir, 'demo.msrcIncident'),
      seconds: flags.seconds,
      web: flags.web ?? '0',
      listen: flags.listen,
    },
    flags.view ? (sharing) => joinAndCompare(sharing, dir) : undefined,
  );
}

/** What a demo viewer leaves behind to stop. */
type Stop = () => Promise<void>;

async function joinAndCompare(sharing: Sharing, dir: string): Promise<Stop> {
  const issued = sharing.invitations[0];
  if (!issued) return async () => {};
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const screen = await startEmbeddedDisplay(DEMO_SIZE, { demoWindows: false });
    stops.push(() => screen.stop());
    stops.push(startXfreerdp(issued, screen));
    const web = await startWebViewer(issued);
    stops.push(web.stop);
    console.log(
      `demo: joined with xfreerdp (on ${screen.display}) and the web viewer (headless Chromium); screenshots in ${SETTLE_MS / 1000} s`,
    );
    const timer = setTimeout(() => void screenshots(sharing.display, screen, web.screenshot, dir), SETTLE_MS);
    stops.push(async () => clearTimeout(timer));
  } catch (e) {
    await stopAll();
    throw e;
  }
  return stopAll;
}

/** The printed xfreerdp line, run as printed, showing on `screen`. */
function startXfreerdp(issued: IssuedInvitation, screen: EmbeddedDisplay): Stop {
  const xfreerdp = spawn('bash', ['-c', `exec ${issued.xfreerdp}`], {
    env: { ...process.env, DISPLAY: screen.display, USER: 'demo-xfreerdp' },
    stdio: 'ignore',
  });
  xfreerdp.on('error', () => {});
  return async () => {
    if (xfreerdp.exitCode !== null || xfreerdp.signalCode !== null) return;
    await new Promise<void>((done) => {
      xfreerdp.once('exit', () => done());
      xfreerdp.kill('SIGTERM');
    });
  };
}

/** Headless Chromium opens the printed web URL and joins as a person would: name, password, Join. */
async function startWebViewer(
  issued: IssuedInvitation,
): Promise<{ screenshot: (file: string) => Promise<void>; stop: Stop }> {
  if (!issued.webUrl) throw new CliError('the demo serves no web viewer', 'report this as a bug');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).catch((e: Error) => {
    throw new CliError(
      `cannot start Chromium for the web viewer: ${e.message.split('\n')[0]}`,
      'install it (apt-get install chromium; setup.sh does), or run the demo without --view',
    );
  });
  const page = await browser.newPage({ viewport: BROWSER_VIEWPORT });
  await page.goto(issued.webUrl);
  await page.fill('#name', 'demo-web');
  await page.fill('#password', issued.password);
  await page.click('#connect');
  return {
    screenshot: async (file) => {
      await page.screenshot({ path: file });
    },
    stop: () => browser.close(),
  };
}

/** The shared screen, what xfreerdp shows and what the web page shows, side by side with their names. */
async function screenshots(
  shared: string,
  viewer: EmbeddedDisplay,
  webScreenshot: (file: string) => Promise<void>,
  dir: string,
): Promise<void> {
  const file = (name: string) => join(dir, name);
  try {
    await captureDisplay(shared, file('shared.png'));
    await captureDisplay(viewer.display, file('xfreerdp.png'));
    await webScreenshot(file('web-viewer.png'));
    await montage(
      [
        { label: `shared screen (${shared})`, file: file('shared.png') },
        { label: 'xfreerdp (the printed line)', file: file('xfreerdp.png') },
        { label: 'web viewer (headless Chromium)', file: file('web-viewer.png') },
      ],
      file('side-by-side.png'),
    );
    console.log(`demo: screenshots saved: ${file('side-by-side.png')} (shared screen | xfreerdp | web viewer)`);
  } catch (e) {
    console.log(`demo: screenshots failed: ${(e as Error).message}`);
  }
}
