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
  /**
   * Which FreeRDP: 2 (`xfreerdp`, Debian 12's, the default) or 3 (`xfreerdp3`, from bookworm-backports: what
   * current distributions and Remmina ship).
   */
  version?: 2 | 3;
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
 * FreeRDP 3 asks on its terminal for the domain and password of a TLS connection whose credentials are
 * incomplete, Remote Assistance included (the assistance password is not one): empty ones keep it from asking.
 */
const FREERDP3_NO_PROMPT = ['/d:', '/p:'];

/**
 * Runs FreeRDP's `xfreerdp` (or `xfreerdp3`) in Windows Desktop Sharing (Remote Assistance) mode against a ticket,
 * the way a person would: `xfreerdp ticket.msrcIncident /assistance:<password> /u:<name> /cert:ignore`.
 */
export function startXfreerdp(options: XfreerdpOptions): XfreerdpViewer {
  const three = options.version === 3;
  const { process, output, exited, stop } = spawnFreerdp(options.display, three ? 'xfreerdp3' : 'xfreerdp', (dir) => {
    const ticket = join(dir, 'ticket.msrcIncident');
    writeFileSync(ticket, options.connectionString);
    return [
      ticket,
      `/assistance:${options.password}`,
      `/u:${options.name ?? 'viewer'}`,
      '/cert:ignore',
      ...(three ? FREERDP3_NO_PROMPT : []),
      ...(options.args ?? []),
    ];
  });
  return { process, output, exited, stop };
}
