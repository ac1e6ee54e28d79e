import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

/** A FreeRDP program running on a display, with its own HOME/config folder and its output collected. */
export interface FreerdpProcess {
  process: ChildProcess;
  /** A private folder (HOME and XDG_CONFIG_HOME of the process), removed when it exits. */
  dir: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code once it exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts `command` on `display` with a throwaway config folder, so certificates and known hosts never leak
 * between runs. `args` may be a function of that folder (e.g. a ticket file written into it first). `input`, when
 * given, is what the program reads on stdin (answers to its prompts).
 */
export function spawnFreerdp(
  display: XvfbDisplay,
  command: string,
  args: string[] | ((dir: string) => string[]),
  input?: string,
): FreerdpProcess {
  const dir = mkdtempSync(join(tmpdir(), `rdshare-${command}-`));
  // FreeRDP logs through stdio, which buffers a pipe in 4 kB blocks: line buffering (stdbuf execs the program,
  // so the PID stays its own) makes `output()` current, e.g. for counting what a viewer decoded so far.
  const child = display.spawn(
    'stdbuf',
    ['-oL', '-eL', command, ...(typeof args === 'function' ? args(dir) : args)],
    { HOME: dir, XDG_CONFIG_HOME: dir },
    'pipe',
    input === undefined ? 'ignore' : 'pipe',
  );
  child.stdin?.end(input);
  let out = '';
  const collect = (d: Buffer) => {
    out += d;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return { process: child, dir, output: () => out, exited, stop: () => killAndWait(child) };
}
