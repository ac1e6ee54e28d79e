// The two sharers the benchmark compares, started the same way for every run: rdshare's RdpSession in a
// process of its own (session-host.ts) and FreeRDP's freerdp-shadow-cli, each sharing the same display and
// joined by xfreerdp with the same flags, so the only difference between the two measurements is the sharer.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  killAndWait,
  startFreerdpShadow,
  startXfreerdp,
  startXfreerdpDirect,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';

export type SharerKind = 'rdshare' | 'shadow';

export const SHARER_NAMES: Record<SharerKind, string> = {
  rdshare: 'rdshare RdpSession',
  shadow: 'freerdp-shadow-cli',
};

export interface Sharer {
  kind: SharerKind;
  /** The process whose CPU time is the sharer's. */
  pid: number;
  /** The port viewers connect to: the kernel's counters of its connections are the bytes sent. */
  port: number;
  connectViewer(viewer: XvfbDisplay, args: string[]): XfreerdpViewer;
  /** What the sharer printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SharerOptions {
  /** How many viewers may join at once. */
  viewers: number;
  /** rdshare's `FrameCaptureIntervalInMs` (shadow has no such setting: it captures at its own ~30 Hz). */
  captureIntervalMs: number;
}

export function startSharer(kind: SharerKind, shared: XvfbDisplay, options: SharerOptions): Promise<Sharer> {
  return kind === 'rdshare' ? startRdshare(shared, options) : startShadow(shared);
}

/**
 * Our sharer in a child process of its own, so its CPU time is its own. `tsx` (a devDependency of this package)
 * runs the TypeScript sources; the `@rdshare/source` condition resolves the workspace packages to theirs too.
 */
async function startRdshare(shared: XvfbDisplay, options: SharerOptions): Promise<Sharer> {
  const tsx = createRequire(fileURLToPath(new URL('../package.json', import.meta.url))).resolve('tsx');
  const host = fileURLToPath(new URL('./session-host.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      // RDSHARE_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the session host per run, for `--cpu-prof` readers.
      ...(process.env.RDSHARE_BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RDSHARE_BENCH_CPU_PROF}`]
        : []),
      '--conditions=@rdshare/source',
      '--import',
      pathToFileURL(tsx).href,
      host,
      shared.display,
      String(options.viewers),
      String(options.captureIntervalMs),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const stop = async () => {
    child.stdin?.end();
    await killAndWait(child);
  };
  try {
    const { port, connectionString, password } = JSON.parse(await firstLine(child, 60_000)) as {
      port: number;
      connectionString: string;
      password: string;
    };
    let viewers = 0;
    return {
      kind: 'rdshare',
      pid: child.pid!,
      port,
      connectViewer: (viewer, args) =>
        startXfreerdp({ display: viewer, connectionString, password, name: `viewer${++viewers}`, args }),
      output: () => stderr,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`the session host did not start: ${(error as Error).message}\n${stderr}`);
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output in ${timeoutMs} ms`)), timeoutMs);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}`));
    });
  });
}

async function startShadow(shared: XvfbDisplay): Promise<Sharer> {
  const shadow = await startFreerdpShadow(shared);
  return {
    kind: 'shadow',
    pid: shadow.process.pid!,
    port: shadow.port,
    connectViewer: (viewer, args) => startXfreerdpDirect(viewer, '127.0.0.1', shadow.port, args),
    output: shadow.output,
    stop: shadow.stop,
  };
}
