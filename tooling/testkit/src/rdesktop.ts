import type { ChildProcess } from 'node:child_process';
import { spawnFreerdp } from './freerdp-process.js';
import type { XvfbDisplay } from './xvfb.js';

export interface RdesktopOptions {
  /** Where the viewer window goes. */
  display: XvfbDisplay;
  /** The sharer's listening port on 127.0.0.1. */
  port: number;
  /** The invitation password (rdesktop sends `-s` as Client Info AlternateShell). */
  password: string;
  /** The invitation's auth string (rdesktop sends `-c` as Client Info WorkingDir). */
  authString: string;
  /** Viewer name (`-u`). */
  name?: string;
  /** Extra flags, e.g. `['-a', '16', '-E']`. */
  args?: string[];
}

export interface RdesktopViewer {
  process: ChildProcess;
  /** Everything rdesktop printed so far (for assertions on errors and for debugging). */
  output(): string;
  /** Resolves with the exit code once rdesktop exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Runs `rdesktop` 1.9, an RDP client that knows nothing of Windows Desktop Sharing, against the sharer: the
 * invitation rides in Client Info the way WDS viewers put it there. Its window is undecorated (`-D`) and as large as
 * the viewer display, so on a bare Xvfb it covers the screen from (0,0) and a screenshot compares pixel for pixel.
 * rdesktop asks on stdin whether to trust the sharer's self-signed TLS certificate; the answer given is yes.
 */
export function startRdesktop(options: RdesktopOptions): RdesktopViewer {
  const { display } = options;
  const { process, output, exited, stop } = spawnFreerdp(
    display,
    'rdesktop',
    [
      '-u',
      options.name ?? 'viewer',
      '-s',
      options.password,
      '-c',
      options.authString,
      '-g',
      `${display.width}x${display.height}`,
      '-D',
      ...(options.args ?? []),
      `127.0.0.1:${options.port}`,
    ],
    'yes\n',
  );
  return { process, output, exited, stop };
}
