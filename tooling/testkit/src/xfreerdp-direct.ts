import { spawnFreerdp } from './freerdp-process.js';
import type { XfreerdpViewer } from './xfreerdp.js';
import type { XvfbDisplay } from './xvfb.js';

/**
 * Runs `xfreerdp /v:<host>:<port> /cert:ignore` against a plain RDP server (freerdp-shadow-cli, say), with a
 * private HOME so that it neither reads nor writes the user's FreeRDP settings.
 */
export function startXfreerdpDirect(
  display: XvfbDisplay,
  host: string,
  port: number,
  args: string[] = [],
): XfreerdpViewer {
  const { process, output, exited, stop } = spawnFreerdp(display, 'xfreerdp', [
    `/v:${host}:${port}`,
    '/cert:ignore',
    '/u:viewer',
    '/p:',
    ...args,
  ]);
  return { process, output, exited, stop };
}
