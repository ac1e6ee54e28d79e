import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDisplay } from './embedded-display.js';
import { shareCommand } from './share-command.js';
import type { Sharing } from './sharing.js';

const execFileAsync = promisify(execFile);

export interface DemoFlags {
  view?: boolean;
  seconds?: string;
  web?: string;
  dir: string;
}

/** How long the viewers get to draw the desktop before the screenshots. */
const SETTLE_MS = 8000;

/**
 * `rdshare demo`: `rdshare share --virtual 1280x800 --control view` with its files in `dir`; `--view` also joins
 * with xfreerdp and with `rdshare view`, and saves their screenshots beside the shared screen's, labelled.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const dir = resolve(flags.dir);
  mkdirSync(dir, { recursive: true });
  await shareCommand(
    {
      virtual: '1280x800',
      control: 'view',
      ticket: join(dir, 'demo.msrcIncident'),
      seconds: flags.seconds,
      web: flags.web,
    },
    flags.view ? (sharing) => joinAndCompare(sharing, dir) : undefined,
  );
}

async function joinAndCompare(sharing: Sharing, dir: string): Promise<() => Promise<void>> {
  const issued = sharing.invitations[0];
  if (!issued) return async () => {};
  const screen = await startEmbeddedDisplay({ width: 1280, height: 800 }, { demoWindows: false });
  const xfreerdp = spawn('bash', ['-c', issued.xfreerdp], {
    env: { ...process.env, DISPLAY: screen.display, USER: 'demo-xfreerdp' },
    stdio: 'ignore',
  });
  const terminalViewer: ChildProcess = spawn(
    process.execPath,
    [
      process.argv[1] ?? '',
      'view',
      issued.ticketFile,
      '--password',
      issued.password,
      '--name',
      'demo-rdshare-view',
      '--screenshot',
      join(dir, 'rdshare-view.png'),
      '--json',
    ],
    { stdio: 'ignore' },
  );
  console.log(`joining with xfreerdp (on ${screen.display}) and rdshare view; screenshots in ${SETTLE_MS / 1000} s`);
  const timer = setTimeout(() => void screenshots(sharing.display, screen.display, dir), SETTLE_MS);
  return async () => {
    clearTimeout(timer);
    xfreerdp.kill('SIGTERM');
    terminalViewer.kill('SIGTERM');
    await screen.stop();
  };
}

/** The shared screen, what xfreerdp shows and what `rdshare view` saved, side by side with their names. */
async function screenshots(shared: string, viewer: string, dir: string): Promise<void> {
  const file = (name: string) => join(dir, name);
  try {
    await execFileAsync('import', ['-display', shared, '-window', 'root', file('shared.png')]);
    await execFileAsync('import', ['-display', viewer, '-window', 'root', file('xfreerdp.png')]);
    await execFileAsync('montage', [
      '-label',
      'shared screen',
      file('shared.png'),
      '-label',
      'xfreerdp',
      file('xfreerdp.png'),
      '-label',
      'rdshare view',
      file('rdshare-view.png'),
      '-tile',
      '3x1',
      '-geometry',
      '640x400+8+8',
      '-font',
      'DejaVu-Sans',
      '-pointsize',
      '20',
      file('side-by-side.png'),
    ]);
    console.log(`screenshots: ${file('side-by-side.png')} (shared screen | xfreerdp | rdshare view)`);
  } catch (e) {
    console.log(`screenshots failed: ${(e as Error).message}`);
  }
}
