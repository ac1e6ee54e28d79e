import { describe, expect, it } from 'vitest';
import { addRect, regionWithin, regionXor, subtractRect } from '../../src/graphics/region.js';
import type { Rect } from '../../src/graphics/tile-grid.js';
import { type StackedWindow, visibleSharedRegion, WindowMask } from '../../src/graphics/window-mask.js';

const W = 97;
const H = 61;

/** A deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Coverage count per pixel of a set of rectangles. */
function raster(rects: readonly Rect[]): Uint8Array {
  const out = new Uint8Array(W * H);
  for (const r of rects)
    for (let y = Math.max(0, r.y); y < Math.min(H, r.y + r.height); y++)
      for (let x = Math.max(0, r.x); x < Math.min(W, r.x + r.width); x++) out[y * W + x]++;
  return out;
}

/** Compares pixel maps without a per-element diff (vitest's is slow on thousands of elements). */
function expectSame(a: Uint8Array, b: Uint8Array): void {
  expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
}

interface TestWindow extends StackedWindow {
  shared: boolean;
}

/** The reference: paint windows bottom to top, remember whose pixel each is. */
function paintedShared(windows: TestWindow[]): Uint8Array {
  const out = new Uint8Array(W * H);
  for (const w of [...windows].sort((a, b) => a.stackIndex - b.stackIndex)) {
    if (!w.mapped) continue;
    for (let y = Math.max(0, w.rect.y); y < Math.min(H, w.rect.y + w.rect.height); y++)
      for (let x = Math.max(0, w.rect.x); x < Math.min(W, w.rect.x + w.rect.width); x++)
        out[y * W + x] = w.shared ? 1 : 0;
  }
  return out;
}

function randomWindows(random: () => number, n: number): TestWindow[] {
  return Array.from({ length: n }, (_, i) => ({
    rect: {
      x: Math.floor(random() * W) - 10,
      y: Math.floor(random() * H) - 10,
      width: 1 + Math.floor(random() * 50),
      height: 1 + Math.floor(random() * 40),
    },
    mapped: random() > 0.15,
    stackIndex: n - i,
    shared: random() > 0.5,
  }));
}

describe('region arithmetic', () => {
  it('subtracting a rectangle leaves disjoint pieces covering exactly the difference', () => {
    const rect = { x: 10, y: 10, width: 30, height: 20 };
    const cut = { x: 20, y: 15, width: 5, height: 5 };
    const pieces = subtractRect(rect, cut);
    expect(pieces).toHaveLength(4);
    const r = raster(pieces);
    expect(Math.max(...r)).toBe(1);
    expect(r.reduce((s, v) => s + v, 0)).toBe(30 * 20 - 25);
    expect(subtractRect(rect, { x: 50, y: 50, width: 3, height: 3 })).toEqual([rect]);
    expect(subtractRect(rect, { x: 0, y: 0, width: 90, height: 90 })).toEqual([]);
  });

  it('union stays disjoint and xor is where two regions differ', () => {
    const random = prng(1);
    for (let round = 0; round < 50; round++) {
      const rects = randomWindows(random, 6).map((w) => w.rect);
      const union = rects.reduce<Rect[]>((acc, r) => addRect(acc, r), []);
      const u = raster(union);
      expectSame(
        u,
        raster(rects).map((v) => (v > 0 ? 1 : 0)),
      );
      const other = randomWindows(random, 4).map((w) => w.rect);
      const otherUnion = other.reduce<Rect[]>((acc, r) => addRect(acc, r), []);
      const o = raster(otherUnion);
      expectSame(
        raster(regionXor(union, otherUnion)),
        u.map((v, i) => (v !== o[i] ? 1 : 0)),
      );
    }
  });

  it('regionWithin clips and moves into a rectangle of its own', () => {
    expect(regionWithin([{ x: 0, y: 0, width: 50, height: 50 }], { x: 40, y: 30, width: 100, height: 100 })).toEqual([
      { x: 0, y: 0, width: 10, height: 20 },
    ]);
    expect(regionWithin([{ x: 0, y: 0, width: 5, height: 5 }], { x: 40, y: 30, width: 10, height: 10 })).toEqual([]);
  });
});

describe('visibleSharedRegion', () => {
  it('a non-shared window on top of a shared one hides that part; unmapped windows hide nothing', () => {
    const shared: TestWindow = {
      rect: { x: 0, y: 0, width: 40, height: 40 },
      mapped: true,
      stackIndex: 0,
      shared: true,
    };
    const above: TestWindow = {
      rect: { x: 20, y: 20, width: 40, height: 40 },
      mapped: true,
      stackIndex: 1,
      shared: false,
    };
    const hidden: TestWindow = { ...above, mapped: false };
    const visible = raster(visibleSharedRegion([shared, above], (w) => w.shared));
    expect(visible[10 * W + 10]).toBe(1);
    expect(visible[30 * W + 30]).toBe(0);
    expect(visible.reduce((s, v) => s + v, 0)).toBe(40 * 40 - 20 * 20);
    expect(raster(visibleSharedRegion([shared, hidden], (w) => w.shared)).reduce((s, v) => s + v, 0)).toBe(1600);
    // Below the shared window, the same non-shared window hides nothing.
    const below = { ...above, stackIndex: -1 };
    expect(raster(visibleSharedRegion([shared, below], (w) => w.shared)).reduce((s, v) => s + v, 0)).toBe(1600);
  });

  it('matches painting the windows bottom to top, for random stacks', () => {
    const random = prng(7);
    for (let round = 0; round < 100; round++) {
      const windows = randomWindows(random, 1 + Math.floor(random() * 8));
      const region = visibleSharedRegion(windows, (w) => w.shared);
      const got = raster(region);
      expect(Math.max(0, ...got)).toBeLessThanOrEqual(1);
      expectSame(got, paintedShared(windows));
    }
  });
});

describe('WindowMask.blank', () => {
  const frame = () => {
    const data = new Uint8Array(W * H * 4).fill(0xaa);
    return { width: W, height: H, stride: W * 4, data };
  };

  it('blanks every pixel outside the visible region inside the area, and nothing else', () => {
    const random = prng(3);
    for (let round = 0; round < 100; round++) {
      const windows = randomWindows(random, 1 + Math.floor(random() * 8));
      const region = regionWithin(
        visibleSharedRegion(windows, (w) => w.shared),
        { x: 0, y: 0, width: W, height: H },
      );
      const f = frame();
      const area = {
        x: Math.floor(random() * 40),
        y: Math.floor(random() * 30),
        width: 1 + Math.floor(random() * 57),
        height: 1 + Math.floor(random() * 31),
      };
      new WindowMask(region).blank(f, area);
      const visible = raster(region);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const inArea = x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height;
          const expected = inArea && !visible[y * W + x] ? 0 : 0xaa;
          for (let c = 0; c < 4; c++) {
            const v = f.data[(y * W + x) * 4 + c];
            if (v !== expected) throw new Error(`round ${round}: pixel ${x},${y} is ${v}, expected ${expected}`);
          }
        }
    }
  });

  it('an empty region blanks the whole area', () => {
    const f = frame();
    new WindowMask([]).blank(f, { x: 0, y: 0, width: W, height: H });
    expect(f.data.every((v) => v === 0)).toBe(true);
  });
});
