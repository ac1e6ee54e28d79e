import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnFreerdp } from './freerdp-process.js';
import type { XvfbDisplay } from './xvfb.js';

export interface XfreerdpOptions {
  /** Where the viewer window goes. */
  display: XvfbDisplay;
  /** The invitation's connection string (written to a `.msrcIncident` file). */
  connectionString: string;
  password: string;
  /** Viewer name (`/u:`). */
  name?: string;
  /** Extra flags, e.g. `['/bpp:32', '/sec:rdp']`. */
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
  const { process, output, exited, stop } = spawnFreerdp(options.display, 'xfreerdp', (dir) => {
    const ticket = join(dir, 'ticket.msrcIncident');
    writeFileSync(ticket, options.connectionString);
    return [
      ticket,
      `/assistance:${options.password}`,
      `/u:${options.name ?? 'viewer'}`,
      '/cert:ignore',
      ...(options.args ?? []),
    ];
  });
  return { process, output, exited, stop };
}
