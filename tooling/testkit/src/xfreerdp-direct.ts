import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XfreerdpViewer } from './xfreerdp.js';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

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
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-xfreerdp-'));
  const child = display.spawn(
    'xfreerdp',
    [`/v:${host}:${port}`, '/cert:ignore', '/u:viewer', '/p:', ...args],
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
  return { process: child, output: () => out, exited, stop: () => killAndWait(child) };
}
