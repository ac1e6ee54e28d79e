import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

export interface XfreerdpOptions {
  /** Where the viewer window goes. */
  display: XvfbDisplay;
  /** The invitation's connection string (written to a `.msrcIncident` file). */
  connectionString: string;
  password: string;
  /** Viewer name (`/u:`). */
  name?: string;
  /** Extra flags, e.g. `['-gfx', '/bpp:32', '/sec:rdp']`. */
  args?: string[];
}

export interface XfreerdpViewer {
  process: ChildProcess;
  /** Everything xfreerdp printed so far (for assertions on errors and for debugging). */
  output(): string;
  /** Resolves with the exit code once xfreerdp exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Runs FreeRDP's `xfreerdp` in Windows Desktop Sharing (Remote Assistance) mode against a ticket, the way a
 * person would: `xfreerdp ticket.msrcIncident /assistance:<password> /u:<name> /cert:ignore`.
 */
export function startXfreerdp(options: XfreerdpOptions): XfreerdpViewer {
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-xfreerdp-'));
  const ticket = join(dir, 'ticket.msrcIncident');
  writeFileSync(ticket, options.connectionString);
  const child = options.display.spawn(
    'xfreerdp',
    [
      ticket,
      `/assistance:${options.password}`,
      `/u:${options.name ?? 'viewer'}`,
      '/cert:ignore',
      ...(options.args ?? []),
    ],
    { HOME: dir, XDG_CONFIG_HOME: dir },
    'pipe',
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return {
    process: child,
    output: () => out,
    exited,
    stop: () => killAndWait(child),
  };
}
