import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CursorImage, type Desktop, openDisplay, type Point } from '../src/index.js';
import { loadAddon } from '../src/loader.js';
import type { RawDelivery } from '../src/native-binding.js';
import { waitForValue } from './wait-for-value.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  it('reports pointer movement by this process and by another client, both through XTest', async () => {
    const moves: Point[] = [];
    const off = desktop.cursor.onMove((p) => moves.push(p));
    desktop.input.mouseMove(123, 45);
    await waitFor(() => moves.some((p) => p.x === 123 && p.y === 45), 5000, 'pointer move by InputSink');
    await x.exec('xdotool', ['mousemove_relative', '--', '78', '106']);
    await waitFor(() => moves.some((p) => p.x === 201 && p.y === 151), 5000, 'pointer move by xdotool');
    off();
    expect(await desktop.cursor.position()).toEqual({ x: 201, y: 151 });
  });

  it('reports a warp by another client (xdotool mousemove) with the next motion', async () => {
    const moves: Point[] = [];
    const off = desktop.cursor.onMove((p) => moves.push(p));
    await x.exec('xdotool', ['mousemove', '300', '200']); // XWarpPointer: no raw event
    await x.exec('xdotool', ['mousemove_relative', '--', '-1', '-1']);
    await waitFor(() => moves.some((p) => p.x === 299 && p.y === 199), 5000, 'motion after the warp');
    off();
  });

  it('reports nothing while the pointer is idle', async () => {
    const moves: Point[] = [];
    const off = desktop.cursor.onMove((p) => moves.push(p));
    desktop.input.mouseMove(30, 40);
    await waitFor(() => moves.some((p) => p.x === 30 && p.y === 40), 5000, 'pointer move');
    moves.length = 0;
    await sleep(500);
    off();
    expect(moves).toEqual([]);
  });
});

describe('pointer motion on the event thread (XInput 2 raw events)', () => {
  it('queries the pointer only after motion, never while it is idle', async () => {
    const { NativeDesktop } = loadAddon();
    const deliveries: RawDelivery[] = [];
    const raw = new NativeDesktop(x.display, (d) => deliveries.push(d));
    try {
      expect(raw.stats().rawMotion).toBe(true);
      expect(raw.stats().pointerQueries).toBe(0);
      raw.setInterest(false, true, 0);
      // Subscribing costs one query: the baseline position.
      await waitFor(() => raw.stats().pointerQueries === 1, 5000, 'baseline query');
      await sleep(500);
      expect(raw.stats().pointerQueries).toBe(1);

      desktop.input.mouseMove(77, 66);
      await waitFor(() => deliveries.some((d) => d.pointer?.x === 77 && d.pointer.y === 66), 5000, 'raw motion');
      const afterMove = raw.stats().pointerQueries;
      expect(afterMove).toBeGreaterThan(1);
      await sleep(500);
      expect(raw.stats().pointerQueries).toBe(afterMove);

      // Without a listener raw motion is deselected: moving costs nothing and delivers nothing.
      raw.setInterest(false, false, 0);
      await sleep(50);
      deliveries.length = 0;
      desktop.input.mouseMove(88, 99);
      await x.exec('xdotool', ['mousemove', '90', '100']);
      await sleep(300);
      expect(raw.stats().pointerQueries).toBe(afterMove);
      expect(deliveries.filter((d) => d.pointer)).toEqual([]);
    } finally {
      raw.close();
    }
  });
});
