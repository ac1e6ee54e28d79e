import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CursorImage, type Desktop, openDisplay, type Point } from '../src/index.js';
import { waitForValue } from './wait-for-value.js';

let x: XvfbDisplay;
let desktop: Desktop;

beforeAll(async () => {
  x = await startXvfb({ width: 400, height: 300, depth: 24 });
  desktop = openDisplay(x.display);
});

afterAll(async () => {
  desktop?.close();
  await x?.stop();
});

describe('CursorSource (X11, XFixes)', () => {
  it('returns the current cursor image as premultiplied ARGB with a hotspot inside it', () => {
    const image = desktop.cursor.current();
    expect(image.width).toBeGreaterThan(0);
    expect(image.height).toBeGreaterThan(0);
    expect(image.pixels.length).toBe(image.width * image.height * 4);
    expect(image.xhot).toBeLessThan(image.width);
    expect(image.yhot).toBeLessThan(image.height);
    for (let i = 0; i < image.pixels.length; i += 4) {
      const alpha = image.pixels[i + 3];
      // premultiplied: no colour channel exceeds alpha
      expect(Math.max(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])).toBeLessThanOrEqual(alpha);
    }
    expect(image.pixels.some((b) => b !== 0)).toBe(true);
  });

  it('reports a new image when the cursor changes', async () => {
    desktop.input.mouseMove(390, 290);
    const term = x.spawn('xterm', ['-T', 'cursor target', '-geometry', '20x5+10+10']);
    const window = await waitForValue(
      () => desktop.windows.list().find((w) => w.title === 'cursor target' && w.mapped),
      10_000,
      'xterm',
    );
    const before = desktop.cursor.current();
    const changes: CursorImage[] = [];
    const off = desktop.cursor.onChange((c) => changes.push(c));
    desktop.input.mouseMove(window.rect.x + 20, window.rect.y + 20); // over xterm: its I-beam cursor
    const changed = await waitForValue(() => changes.find((c) => c.serial !== before.serial), 5000, 'cursor change');
    expect([changed.width, changed.height]).not.toEqual([before.width, before.height]);
    expect(changed.pixels.length).toBe(changed.width * changed.height * 4);
    expect(desktop.cursor.current().serial).toBe(changed.serial);
    desktop.input.mouseMove(390, 290); // back over the root: its cursor again
    await waitFor(() => changes.at(-1)?.serial === before.serial, 5000, 'root cursor again');
    off();
    await killAndWait(term);
  });

  it('reports pointer movement while someone listens', async () => {
    const moves: Point[] = [];
    const off = desktop.cursor.onMove((p) => moves.push(p));
    desktop.input.mouseMove(123, 45);
    await waitFor(() => moves.some((p) => p.x === 123 && p.y === 45), 5000, 'pointer move');
    off();
    expect(await desktop.cursor.position()).toEqual({ x: 123, y: 45 });
  });
});
