import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateFrame, createDesktopSource, type DesktopSource, NativeError, type Rect } from '../src/index.js';
import { loadAddon } from '../src/loader.js';

const WIDTH = 320;
const HEIGHT = 240;

let x: XvfbDisplay;
let source: DesktopSource;
let dir: string;

beforeAll(async () => {
  x = await startXvfb({ width: WIDTH, height: HEIGHT, depth: 24 });
  source = createDesktopSource(x.display);
  dir = mkdtempSync(join(tmpdir(), 'rdshare-native-'));
});

afterAll(async () => {
  source?.close();
  await x?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function union(rects: Rect[]): Rect {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.width));
  const y1 = Math.max(...rects.map((r) => r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

describe('DesktopSource (X11)', () => {
  it('reports the screen geometry', () => {
    expect(source.display).toBe(x.display);
    expect([source.width, source.height, source.depth]).toEqual([WIDTH, HEIGHT, 24]);
  });

  it('captures exactly the colour xsetroot painted, as BGRX', async () => {
    await x.exec('xsetroot', ['-solid', '#123456']);
    const frame = source.allocateFrame();
    await source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, frame);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const p = i * 4;
      if (frame.data[p] !== 0x56 || frame.data[p + 1] !== 0x34 || frame.data[p + 2] !== 0x12) {
        throw new Error(`pixel ${i} is ${[...frame.data.subarray(p, p + 3)]}`);
      }
    }
  });

  it('captures an image drawn on the root pixel for pixel, full screen and as a sub-rectangle at an offset', async () => {
    const image = join(dir, 'plasma.png');
    execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, '-seed', '7', 'plasma:', image]);
    // display exits non-zero after setting the root background; the screenshot below is the truth.
    await x.exec('display', ['-window', 'root', image]).catch(() => undefined);
    const truth = await x.screenshot();
    expect(truth.length).toBe(WIDTH * HEIGHT * 4);
    const frame = source.allocateFrame();
    await source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, frame);
    let distinct = new Set<number>();
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const [r, g, b] = [truth[i * 4], truth[i * 4 + 1], truth[i * 4 + 2]];
      expect([frame.data[i * 4 + 2], frame.data[i * 4 + 1], frame.data[i * 4]]).toEqual([r, g, b]);
      distinct.add((r << 16) | (g << 8) | b);
    }
    expect(distinct.size).toBeGreaterThan(1000); // a real pattern, not a flat colour

    // A 50x30 rectangle at (100, 70) written into a 64x40 frame with a padded stride at (7, 5).
    const small = { width: 64, height: 40, stride: 64 * 4 + 32, data: new Uint8Array((64 * 4 + 32) * 40) };
    await source.capture({ x: 100, y: 70, width: 50, height: 30 }, small, { x: 7, y: 5 });
    distinct = new Set();
    for (let row = 0; row < 30; row++) {
      for (let col = 0; col < 50; col++) {
        const s = ((70 + row) * WIDTH + 100 + col) * 4;
        const d = (5 + row) * small.stride + (7 + col) * 4;
        expect([small.data[d + 2], small.data[d + 1], small.data[d]]).toEqual([truth[s], truth[s + 1], truth[s + 2]]);
      }
    }
    expect(small.data.subarray(0, 5 * small.stride).every((b) => b === 0)).toBe(true); // rows above untouched
  });

  it('captures whole rows into a frame of shared memory in place, anything else through a copy, pixel for pixel', async () => {
    const image = join(dir, 'plasma-shared.png');
    execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, '-seed', '11', 'plasma:', image]);
    await x.exec('display', ['-window', 'root', image]).catch(() => undefined);
    const truth = await x.screenshot();
    const raw = new (loadAddon().NativeDesktop)(x.display, () => {});
    const stride = WIDTH * 4;
    /** Whether `data` holds the screen's `rect` at (dx, dy). */
    const holds = (data: Uint8Array, rect: Rect, dx: number, dy: number) => {
      for (let row = 0; row < rect.height; row++) {
        for (let col = 0; col < rect.width; col++) {
          const s = ((rect.y + row) * WIDTH + rect.x + col) * 4;
          const d = (dy + row) * stride + (dx + col) * 4;
          if (data[d + 2] !== truth[s] || data[d + 1] !== truth[s + 1] || data[d] !== truth[s + 2]) return false;
        }
      }
      return true;
    };
    try {
      const buffer = raw.allocateShared(stride * HEIGHT);
      expect(buffer).toBeInstanceOf(ArrayBuffer);
      const shared = new Uint8Array(buffer as ArrayBuffer);
      expect(shared.every((b) => b === 0)).toBe(true);
      const inPlace = () => raw.stats().capturesInPlace;
      const before = inPlace();
      // A full-width band, 40 rows from row 50 of the screen into row 30 of the frame: written by the server.
      const band = { x: 0, y: 50, width: WIDTH, height: 40 };
      await raw.capture(band.x, band.y, band.width, band.height, shared, 30 * stride, stride);
      expect(inPlace()).toBe(before + 1);
      expect(holds(shared, band, 0, 30)).toBe(true);
      expect(shared.subarray(0, 30 * stride).every((b) => b === 0)).toBe(true); // rows above untouched
      // Part of a row cannot be written in place (the server packs rows): copied, just as right.
      const part = { x: 10, y: 0, width: 100, height: 20 };
      await raw.capture(part.x, part.y, part.width, part.height, shared, 4, stride);
      expect(inPlace()).toBe(before + 1);
      expect(holds(shared, part, 1, 0)).toBe(true);
      // Ordinary memory: copied.
      const plain = new Uint8Array(stride * 40);
      await raw.capture(band.x, band.y, band.width, band.height, plain, 0, stride);
      expect(inPlace()).toBe(before + 1);
      expect(holds(plain, band, 0, 0)).toBe(true);
      // The frame outlives the connection it was shared with.
      raw.close();
      expect(holds(shared, band, 0, 30)).toBe(true);
    } finally {
      raw.close();
    }
  });

  it('reports the area a new window damages and nothing while the screen is idle', async () => {
    await x.exec('xsetroot', ['-solid', '#000000']);
    const seen: Rect[] = [];
    const off = source.onDamage((rects) => seen.push(...rects));
    await sleep(300);
    seen.length = 0;
    await sleep(500);
    expect(seen).toEqual([]); // idle screen: no deliveries at all

    const logo = x.spawn('xlogo', ['-geometry', '100x80+50+60', '-bw', '0', '-bg', 'white', '-fg', 'black']);
    await waitFor(() => seen.length > 0, 10_000, 'damage from xlogo');
    await sleep(200);
    const box = union(seen);
    expect(box.x).toBeLessThanOrEqual(50);
    expect(box.y).toBeLessThanOrEqual(60);
    expect(box.x + box.width).toBeGreaterThanOrEqual(150);
    expect(box.y + box.height).toBeGreaterThanOrEqual(140);
    // Nothing outside the window was drawn, so nothing outside it is reported.
    expect(box).toEqual({ x: 50, y: 60, width: 100, height: 80 });
    logo.kill('SIGKILL');
    off();
  });

  it('coalesces a burst of drawing into few deliveries with merged rectangles', async () => {
    const deliveries: Rect[][] = [];
    const off = source.onDamage((rects) => deliveries.push(rects));
    await sleep(100);
    deliveries.length = 0;
    await x.exec('xsetroot', ['-solid', '#ff0000']);
    await waitFor(() => deliveries.length > 0, 5000, 'damage');
    await sleep(200);
    off();
    for (const rects of deliveries) expect(rects).toEqual([{ x: 0, y: 0, width: WIDTH, height: HEIGHT }]);
  });

  it('rejects bad rectangles and frames with a typed error and stays usable', async () => {
    const frame = allocateFrame(WIDTH, HEIGHT);
    const outside = source.capture({ x: 300, y: 0, width: 40, height: 10 }, frame);
    await expect(outside).rejects.toBeInstanceOf(NativeError);
    await expect(outside).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', message: /outside 320x240/ });
    await expect(source.capture({ x: 0, y: 0, width: 0, height: 10 }, frame)).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
    await expect(source.capture({ x: 0, y: 0, width: 100, height: 100 }, allocateFrame(50, 50))).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
    await expect(
      source.capture(
        { x: 0, y: 0, width: 10, height: 10 },
        { width: 10, height: 10, stride: 40, data: new Uint8Array(8) },
      ),
    ).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(source.capture({ x: 0.5, y: 0, width: 10, height: 10 }, frame)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await x.exec('xsetroot', ['-solid', '#00ff00']);
    await source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, frame);
    expect([...frame.data.subarray(0, 3)]).toEqual([0, 0xff, 0]);
  });

  it('runs captures concurrently into separate frames', async () => {
    const frames = [0, 1, 2, 3].map(() => allocateFrame(WIDTH, HEIGHT));
    await Promise.all(frames.map((f) => source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, f)));
    for (const f of frames) expect(Buffer.compare(f.data, frames[0].data)).toBe(0);
  });

  it('throws CLOSED after close and closes idempotently', async () => {
    const other = createDesktopSource(x.display);
    other.close();
    other.close();
    expect(() => other.width).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await expect(other.capture({ x: 0, y: 0, width: 1, height: 1 }, allocateFrame(1, 1))).rejects.toMatchObject({
      code: 'CLOSED',
    });
    expect(() => other.onDamage(() => undefined)).toThrow(NativeError);
  });
});

describe('DesktopSource size changes (RandR)', () => {
  it('follows a smaller framebuffer and keeps capturing', async () => {
    const sizes: { width: number; height: number }[] = [];
    const off = source.onResize((s) => sizes.push(s));
    // Xvfb cannot resize its one output, so xrandr reports an error after shrinking the framebuffer.
    await x.exec('xrandr', ['--fb', '200x100']).catch(() => undefined);
    await waitFor(() => sizes.length > 0, 5000, 'resize event');
    off();
    expect(sizes.at(-1)).toEqual({ width: 200, height: 100 });
    expect([source.width, source.height]).toEqual([200, 100]);
    await x.exec('xsetroot', ['-solid', '#0000ff']);
    const frame = source.allocateFrame();
    expect([frame.width, frame.height]).toEqual([200, 100]);
    await source.capture({ x: 0, y: 0, width: 200, height: 100 }, frame);
    expect([...frame.data.subarray(frame.data.length - 4, frame.data.length - 1)]).toEqual([0xff, 0, 0]);
    await expect(
      source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, allocateFrame(WIDTH, HEIGHT)),
    ).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
  });
});
