import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attendee, CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { diffRgba, startXtermLineReader, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const WIDTH = 640;
const HEIGHT = 480;
/** Debian's Chromium, headless, with nothing that reaches the network or writes outside a fresh profile. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The page's canvas as tightly packed RGBA. */
async function canvasPixels(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.getElementById('desktop') as HTMLCanvasElement;
    const data =
      canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return Buffer.from(base64, 'base64');
}

describe('the web viewer in headless Chromium joins an RdpSession over its WebSocket listener', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-web-e2e-'));
  const profile = join(dir, 'chromium-profile');

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'index.html')))
      throw new Error(`the page is not built: run \`pnpm --filter @rdshare/web-viewer build\` (no ${DIST})`);
    shared = await startXvfb({ width: WIDTH, height: HEIGHT });
    // A background where every pixel differs from its neighbours, so a misplaced or missing tile shows.
    const plasma = join(dir, 'plasma.png');
    execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '5', plasma]);
    await shared.exec('display', ['-window', 'root', plasma]).catch(() => undefined);
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silent,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await session?.close();
    await shared?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins, its canvas matches the shared display, and a control request from the page is granted', async () => {
    const web = await session.listenWebSocket({ port: 0, host: '127.0.0.1', staticDir: DIST });
    const invitation = session.invitations.createInvitation({ groupName: 'web', password: 'pw-web', attendeeLimit: 1 });
    const connected = new Promise<Attendee>((resolve) =>
      session.events.attendeeConnected$.subscribe(({ attendee }) => resolve(attendee)),
    );
    await page.goto(
      `http://127.0.0.1:${web.port}/#ticket=${encodeURIComponent(invitation.connectionString)}&name=web-e2e`,
    );
    await page.fill('#password', 'pw-web');
    await page.click('#connect');
    await page.waitForSelector('body[data-state="connected"]', { timeout: 15_000 });
    const attendee = await connected;
    expect(attendee.remoteName).toBe('web-e2e');

    const expected = await shared.screenshot();
    let differing = -1;
    await waitFor(
      async () => {
        const actual = await canvasPixels(page);
        differing = actual.length === expected.length ? diffRgba(expected, actual, WIDTH, HEIGHT).differing : -1;
        return differing === 0;
      },
      15_000,
      'the canvas to equal the shared display',
    ).catch(() => {
      throw new Error(`the canvas differs from the shared display in ${differing} pixels (-1: wrong size)`);
    });

    session.events.controlLevelChangeRequest$.subscribe(({ attendee: a }) => {
      a.controlLevel = CTRL_LEVEL.INTERACTIVE;
    });
    await page.click('#request-control');
    await waitFor(() => attendee.controlLevel === CTRL_LEVEL.INTERACTIVE, 10_000, 'control to be granted');
    await page.waitForSelector('#request-control[hidden]', { state: 'attached', timeout: 10_000 });

    const xterm = await startXtermLineReader(shared, '40x5+100+100');
    try {
      const box = await page.locator('#desktop').boundingBox();
      // No click: the focus stays where the grant left it (the page must then send keys to the desktop).
      await page.mouse.move((box?.x ?? 0) + 150, (box?.y ?? 0) + 130);
      await page.keyboard.type('hi');
      await page.keyboard.press('Enter');
      expect(await xterm.line()).toBe('hi');
    } finally {
      xterm.close();
    }
  });

  it('scaled to a small window, the pointer lands where it points and buttons, wheel and keys reach an application', async () => {
    await page.setViewportSize({ width: 560, height: 420 });
    const box = await page.locator('#desktop').boundingBox();
    if (!box) throw new Error('no canvas');
    expect(box.width).toBeLessThan(WIDTH);
    const xev = shared.spawn(
      'xev',
      ['-geometry', '300x200+200+150', '-event', 'button', '-event', 'keyboard'],
      {},
      'pipe',
    );
    let seen = '';
    xev.stdout?.on('data', (d: Buffer) => {
      seen += d;
    });
    try {
      await waitFor(
        async () => (await shared.exec('xdotool', ['search', '--onlyvisible', '--name', 'Event Tester'])).trim() !== '',
        10_000,
        'the xev window',
      );
      const at = (x: number, y: number) =>
        [box.x + (x * box.width) / WIDTH, box.y + (y * box.height) / HEIGHT] as const;
      await page.mouse.move(...at(320, 240));
      const location = await waitFor(
        async () => {
          const m = /x:(\d+) y:(\d+)/.exec(await shared.exec('xdotool', ['getmouselocation']));
          const [x, y] = [Number(m?.[1]), Number(m?.[2])];
          return Math.abs(x - 320) <= 2 && Math.abs(y - 240) <= 2 ? { x, y } : undefined;
        },
        10_000,
        'the shared pointer at the scaled point',
      );
      expect(location).toBeDefined();
      await page.mouse.down();
      await page.mouse.up();
      await page.mouse.down({ button: 'right' });
      await page.mouse.up({ button: 'right' });
      await page.mouse.wheel(0, -100);
      await page.mouse.wheel(0, 100);
      await page.keyboard.press('KeyQ');
      await waitFor(
        () =>
          /ButtonPress[\s\S]*button 1,/.test(seen) &&
          /ButtonPress[\s\S]*button 3,/.test(seen) &&
          /ButtonPress[\s\S]*button 4,/.test(seen) &&
          /ButtonPress[\s\S]*button 5,/.test(seen) &&
          /KeyPress[\s\S]*keysym 0x71, q\)/.test(seen),
        10_000,
        'both buttons, the wheel both ways and a key to reach xev',
      ).catch(() => {
        throw new Error(`xev saw:\n${seen}`);
      });
    } finally {
      xev.kill();
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
