import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb, type XvfbDisplay } from '@rdshare/testkit';

export const WIDTH = 640;
export const HEIGHT = 480;

/**
 * A shared display with detailed, static content: a plasma image on the root window (every pixel differs
 * from its neighbours, so any codec or offset error shows) and a solid block in a corner.
 */
export async function sharedDisplay(): Promise<XvfbDisplay> {
  const d = await startXvfb({ width: WIDTH, height: HEIGHT });
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-bg-'));
  const image = join(dir, 'bg.png');
  execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '7', image]);
  // ImageMagick's `display -window root` sets the root background and then exits with status 1.
  await d.exec('display', ['-window', 'root', image]).catch(() => undefined);
  return d;
}

/** A display for the viewer, the same size so the xfreerdp window covers it exactly. */
export function viewerDisplay(): Promise<XvfbDisplay> {
  return startXvfb({ width: WIDTH, height: HEIGHT });
}
