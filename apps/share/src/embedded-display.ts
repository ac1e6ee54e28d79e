import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CliError } from './cli-error.js';
import type { Size } from './share-options.js';

export interface EmbeddedDisplay {
  display: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Display numbers tried; high enough to stay clear of a desktop's :0 and of ssh's forwarded :10. */
const FIRST_DISPLAY = 91;
const LAST_DISPLAY = 599;

const isFree = (n: number) => !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`);

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/**
 * Starts Xvfb on the first free display number with a few X clients on it (a terminal running `top`, a clock
 * ticking every second), so a headless machine has a desktop to share that visibly changes. Without
 * `demoWindows` it is a bare screen, e.g. for a viewer's window.
 */
export async function startEmbeddedDisplay(
  size: Size,
  options: { demoWindows?: boolean } = {},
): Promise<EmbeddedDisplay> {
  const from = FIRST_DISPLAY;
  let n = from;
  while (n <= LAST_DISPLAY && !isFree(n)) n++;
  if (n > LAST_DISPLAY) {
    throw new CliError(
      `no free X display number from :${from} to :${LAST_DISPLAY}`,
      'stop Xvfb servers you no longer need, or share one with --display :N',
    );
  }
  const display = `:${n}`;
  const children: ChildProcess[] = [];
  const server = spawn(
    'Xvfb',
    [display, '-screen', '0', `${size.width}x${size.height}x24`, '-nolisten', 'tcp', '-noreset'],
    {
      stdio: 'ignore',
    },
  );
  const failed = new Promise<never>((_, reject) =>
    server.once('error', (e) =>
      reject(
        new CliError(
          `cannot start Xvfb: ${e.message}`,
          'install it (apt-get install xvfb), or share a running display with --display :N',
        ),
      ),
    ),
  );
  children.push(server);
  const env = { ...process.env, DISPLAY: display };
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      if (server.exitCode !== null) break;
      try {
        execFileSync('xdpyinfo', { env, stdio: 'ignore' });
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new CliError(
      `Xvfb did not start on ${display}`,
      'check that Xvfb and xdpyinfo are installed (apt-get install xvfb x11-utils)',
    );
  })();
  await Promise.race([ready, failed]);
  if (options.demoWindows === false)
    return { display, stop: () => Promise.all(children.map(stopChild)).then(() => {}) };
  execFileSync('xsetroot', ['-solid', '#336699'], { env });
  const client = (cmd: string, args: string[]) => {
    const child = spawn(cmd, args, { env, stdio: 'ignore' });
    child.on('error', () => {});
    children.push(child);
  };
  const { width: w, height: h } = size;
  client('xterm', [
    '-T',
    'shared-xterm',
    '-geometry',
    `${Math.max(40, Math.floor((w * 0.6) / 6))}x${Math.max(10, Math.floor((h * 0.7) / 13))}+20+20`,
    '-e',
    'top',
  ]);
  const clock = Math.floor(Math.min(w, h) / 4);
  client('xclock', ['-update', '1', '-geometry', `${clock}x${clock}-20+20`]);
  client('xeyes', ['-geometry', `${clock}x${Math.floor(clock / 1.5)}-20-20`]);
  return {
    display,
    async stop() {
      await Promise.all(children.reverse().map(stopChild));
    },
  };
}
