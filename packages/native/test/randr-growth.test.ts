import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Desktop, openDisplay, type Rect, type Size } from '../src/index.js';

// Xvfb's framebuffer can never exceed the size it started with, so the server starts at the largest size,
// is shrunk before the desktop under test opens, and then grows back under it.
const MAX = { width: 480, height: 320 };
const OPENED = { width: 320, height: 200 };

let x: XvfbDisplay;
let dir: string;

beforeAll(async () => {
  x = await startXvfb(MAX);
  dir = mkdtempSync(join(tmpdir(), 'rdshare-randr-'));
  // A rich pattern on the root background, so that every pixel of a grown area is worth checking.
  const image = join(dir, 'plasma.png');
  execFileSync('convert', ['-size', `${MAX.width}x${MAX.height}`, '-seed', '11', 'plasma:', image]);
  await x.exec('display', ['-window', 'root', image]).catch(() => undefined); // exits non-zero once set
});

afterAll(async () => {
  await x?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `xrandr --fb`; Xvfb makes xrandr report an error about its one output even when the size changed. */
async function setScreenSize(size: Size): Promise<void> {
  await x.exec('xrandr', ['--fb', `${size.width}x${size.height}`]).catch(() => undefined);
}

/** Captures the whole screen into a fresh frame and checks every pixel against ImageMagick's `import`. */
async function expectFullCaptureExact(desktop: Desktop, size: Size): Promise<void> {
  const frame = desktop.source.allocateFrame();
  expect([frame.width, frame.height]).toEqual([size.width, size.height]);
  await desktop.source.capture({ x: 0, y: 0, width: size.width, height: size.height }, frame);
  const truth = await x.screenshot();
  expect(truth.length).toBe(size.width * size.height * 4);
  let mismatches = 0;
  const colours = new Set<number>();
  for (let i = 0; i < size.width * size.height; i++) {
    const [r, g, b] = [truth[i * 4], truth[i * 4 + 1], truth[i * 4 + 2]];
    if (frame.data[i * 4 + 2] !== r || frame.data[i * 4 + 1] !== g || frame.data[i * 4] !== b) mismatches++;
    colours.add((r << 16) | (g << 8) | b);
  }
  expect(mismatches).toBe(0);
  expect(colours.size).toBeGreaterThan(1000);
}

describe('a display that changes size after it was opened (RandR)', () => {
  it('follows growth and shrinking: size, frames, full-screen captures and damage in the grown area', async () => {
    // Shrinking Xvfb only takes while a RandR-aware client is connected, so one holds the display meanwhile.
    const holder = openDisplay(x.display);
    await setScreenSize(OPENED);
    await waitFor(() => holder.source.width === OPENED.width, 5000, 'the shrink before opening');
    const desktop = openDisplay(x.display);
    holder.close();
    try {
      expect([desktop.source.width, desktop.source.height]).toEqual([OPENED.width, OPENED.height]);
      await expectFullCaptureExact(desktop, OPENED);
      const sizes: Size[] = [];
      desktop.source.onResize((size) => sizes.push(size));
      const damage: Rect[] = [];
      desktop.source.onDamage((rects) => damage.push(...rects));

      await setScreenSize(MAX);
      await waitFor(() => sizes.length === 1, 5000, 'the resize event after growing');
      expect(sizes[0]).toEqual(MAX);
      expect([desktop.source.width, desktop.source.height]).toEqual([MAX.width, MAX.height]);
      // The MIT-SHM segment was sized for the smaller screen: the full capture needs it to grow.
      await expectFullCaptureExact(desktop, MAX);

      // Drawing entirely inside the grown area is reported as damage there.
      damage.length = 0;
      const logo = x.spawn('xlogo', ['-geometry', '60x50+400+250', '-bw', '0']);
      try {
        await waitFor(() => damage.some((r) => r.x >= OPENED.width && r.y >= OPENED.height), 10_000, 'damage');
      } finally {
        logo.kill('SIGKILL');
      }
      await waitFor(async () => (await x.exec('xwininfo', ['-root', '-children'])).includes('0 children'), 5000);

      for (const size of [{ width: 400, height: 240 }, OPENED, MAX]) {
        await setScreenSize(size);
        await waitFor(() => desktop.source.width === size.width, 5000, `resize to ${size.width}x${size.height}`);
        expect(desktop.source.height).toBe(size.height);
        await expectFullCaptureExact(desktop, size);
      }
      expect(sizes).toEqual([MAX, { width: 400, height: 240 }, OPENED, MAX]);
    } finally {
      desktop.close();
    }
  });
});
