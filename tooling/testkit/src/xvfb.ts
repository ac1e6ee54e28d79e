import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface XvfbOptions {
  width?: number;
  height?: number;
  depth?: 16 | 24;
  /** First display number to try; the next free one is used. */
  from?: number;
  /** X extensions to turn off (`-extension NAME`), to see how a sharer copes with a server that lacks one. */
  withoutExtensions?: string[];
}

export interface XvfbDisplay {
  /** `:N`, ready for `DISPLAY=`. */
  display: string;
  number: number;
  width: number;
  height: number;
  process: ChildProcess;
  /** Runs an X client on this display; it is killed by `stop()`. */
  spawn(
    command: string,
    args?: string[],
    env?: NodeJS.ProcessEnv,
    stdio?: 'ignore' | 'pipe',
    stdin?: 'ignore' | 'pipe',
  ): ChildProcess;
  /** Runs an X client to completion on this display and returns its stdout. */
  exec(command: string, args?: string[]): Promise<string>;
  /** The whole screen as tightly packed RGBA, read by ImageMagick (independent of our own capture code). */
  screenshot(): Promise<Buffer>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let nextNumber = 100 + ((process.pid * 7) % 400);

function isFree(n: number): boolean {
  return !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`);
}

/** Starts a private Xvfb server on a free display number and waits until it accepts clients. */
export async function startXvfb(options: XvfbOptions = {}): Promise<XvfbDisplay> {
  const width = options.width ?? 1280;
  const height = options.height ?? 800;
  const depth = options.depth ?? 24;
  let number = options.from ?? nextNumber;
  while (!isFree(number)) number++;
  nextNumber = number + 1;
  const display = `:${number}`;
  const proc = spawn(
    'Xvfb',
    [
      display,
      '-screen',
      '0',
      `${width}x${height}x${depth}`,
      '-nolisten',
      'tcp',
      '-noreset',
      '+extension',
      'RANDR',
      ...(options.withoutExtensions ?? []).flatMap((name) => ['-extension', name]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  const children = new Set<ChildProcess>();
  const deadline = Date.now() + 10_000;
  while (!existsSync(`/tmp/.X11-unix/X${number}`)) {
    if (proc.exitCode !== null) throw new Error(`Xvfb ${display} exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`Xvfb ${display} did not start in 10 s: ${stderr}`);
    await sleep(20);
  }
  const env = (extra?: NodeJS.ProcessEnv) => ({ ...process.env, ...extra, DISPLAY: display });
  const self: XvfbDisplay = {
    display,
    number,
    width,
    height,
    process: proc,
    spawn(command, args = [], extra, stdio = 'ignore', stdin = 'ignore') {
      const child = spawn(command, args, { env: env(extra), stdio: [stdin, stdio, stdio] });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async exec(command, args = []) {
      const { stdout } = await execFileAsync(command, args, { env: env(), maxBuffer: 256 * 1024 * 1024 });
      return stdout;
    },
    async screenshot() {
      const { stdout } = await execFileAsync('import', ['-window', 'root', '-depth', '8', 'rgba:-'], {
        env: env(),
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      });
      return stdout;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      await killAndWait(proc);
    },
  };
  // Xvfb accepts connections a moment after it creates the socket.
  for (let i = 0; i < 100; i++) {
    try {
      await self.exec('xdpyinfo');
      break;
    } catch {
      await sleep(50);
    }
  }
  return self;
}

/** Kills a child and waits for it to exit (PID 1 in this sandbox does not reap, so `exit` is the signal to trust). */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(50);
  }
}
