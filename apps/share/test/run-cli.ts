import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@rdshare/testkit';

/** The built command, run as a user runs it. */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');

export interface CliRun {
  process: ChildProcess;
  /** Every JSON line printed so far. */
  events: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Waits for the first event matching. */
  event(
    name: string,
    match?: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const events: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line));
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    process: child,
    events,
    stdout: () => out,
    stderr: () => err,
    exited,
    event: async (name, match = () => true, timeoutMs = 45_000) =>
      (await waitFor(
        () => {
          if (child.exitCode !== null && !events.some((e) => e.event === name && match(e))) {
            throw new Error(`rdshare exited (${child.exitCode}) before "${name}": ${err}`);
          }
          return events.find((e) => e.event === name && match(e));
        },
        timeoutMs,
        `rdshare event ${name}`,
      )) as Record<string, unknown>,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
