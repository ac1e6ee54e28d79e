import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { spawnFreerdp } from './freerdp-process.js';
import { waitFor, type XvfbDisplay } from './xvfb.js';

const execFileAsync = promisify(execFile);

export interface FreerdpShadow {
  process: ChildProcess;
  port: number;
  /** Everything freerdp-shadow-cli printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface FreerdpShadowOptions {
  /** The port to listen on (a free one unless told). */
  port?: number;
  /** Which FreeRDP: 2 (`freerdp-shadow-cli`, Debian 12's, the default) or 3 (`freerdp-shadow-cli3`). */
  version?: 2 | 3;
}

/**
 * Shares `display` with FreeRDP's `freerdp-shadow-cli` on 127.0.0.1 without authentication, its certificate
 * kept in a private folder; resolves once it listens.
 */
export async function startFreerdpShadow(
  display: XvfbDisplay,
  options: FreerdpShadowOptions = {},
): Promise<FreerdpShadow> {
  const chosen = options.port ?? (await freePort());
  const command = options.version === 3 ? 'freerdp-shadow-cli3' : 'freerdp-shadow-cli';
  const shadow = spawnFreerdp(display, command, ['/bind-address:127.0.0.1', `/port:${chosen}`, '-auth']);
  const { process: child, stop } = shadow;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}: ${shadow.output()}`);
        const { stdout } = await execFileAsync('ss', ['-tlnH', `( sport = :${chosen} )`]);
        return stdout.trim() !== '';
      },
      10_000,
      `${command} to listen on port ${chosen}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, port: chosen, output: shadow.output, stop };
}
