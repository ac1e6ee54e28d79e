import type { Rect } from '@rdshare/native';
import type { GfxPdu } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { AttendeeGraphics, type GraphicsSink, type LossyStream } from '../../src/graphics/attendee-graphics.js';
import { ClientBitmapCache, type GfxCacheLimits } from '../../src/graphics/client-bitmap-cache.js';
import { DesktopCapture, type WindowGeometry } from '../../src/graphics/desktop-capture.js';
import { type EncodedTile, EncodedTileCache } from '../../src/graphics/encoded-tile-cache.js';
import { gfxFramePdus } from '../../src/graphics/gfx-frame.js';
import { gfxTileEncoder } from '../../src/graphics/gfx-tile-encoder.js';
import type { SurfaceMove } from '../../src/graphics/move-detector.js';
import { GfxSurfaceModel } from './gfx-surface-model.js';
import { MemoryScreen, noise } from './memory-screen.js';

const SW = 320;
const SH = 256;

/** A screen whose apps draw the way X clients do: detail (text-like noise), scrolls, fills and pictures. */
class Screen extends MemoryScreen {
  private readonly random = noise(42);

  constructor() {
    super(SW, SH);
    this.scribble({ x: 0, y: 0, width: SW, height: SH });
  }
  /** New detail in `rect` (not damaged yet). */
  scribble(rect: Rect): void {
    this.draw(rect, () => [this.random(), this.random(), this.random()]);
  }
  /** Scrolls `rect` up by `rows` and writes new lines into the bottom, as a terminal does. */
  scroll(rect: Rect, rows: number): void {
    this.copyArea({ ...rect, y: rect.y + rows, height: rect.height - rows }, rect);
    this.scribble({ ...rect, y: rect.y + rect.height - rows, height: rows });
    this.damaged([rect]);
  }
  /** Pans `rect` left by `columns` and draws new detail into the right edge, as a wide view scrolled sideways. */
  pan(rect: Rect, columns: number): void {
    this.copyArea({ ...rect, x: rect.x + columns, width: rect.width - columns }, rect);
    this.scribble({ ...rect, x: rect.x + rect.width - columns, width: columns });
    this.damaged([rect]);
  }
  /**
   * Moves the window `from` to `to` as the X server does without a compositor: its pixels are copied and what it
   * uncovers is painted `background`. Damage comes as X reports a region: in bands, not as the window's rectangle.
   */
  drag(from: Rect, to: { x: number; y: number }, background: [number, number, number]): void {
    this.copyArea(from, to);
    const moved = { ...from, ...to };
    const bands: Rect[] = [];
    for (let y = Math.min(from.y, to.y); y < Math.max(from.y, to.y) + from.height; y++) {
      const inside = (r: Rect) => y >= r.y && y < r.y + r.height;
      for (let x = from.x; x < from.x + from.width; x++) {
        if (inside(from) && !(inside(moved) && x >= to.x && x < to.x + from.width)) {
          this.pixels.set([...background, 0], (y * SW + x) * 4);
        }
      }
    }
    const top = Math.min(from.y, to.y);
    const bottom = Math.max(from.y, to.y) + from.height;
    const left = Math.min(from.x, to.x);
    const right = Math.max(from.x, to.x) + from.width;
    for (let y = top; y < bottom; y += 16)
      bands.push({ x: left, y, width: right - left, height: Math.min(16, bottom - y) });
    this.damaged(bands);
  }
  fill(rect: Rect, bgr: [number, number, number]): void {
    this.draw(rect, () => bgr);
    this.damaged([rect]);
  }
  put(rect: Rect, pixels: Uint8Array): void {
    for (let y = 0; y < rect.height; y++)
      this.pixels.set(pixels.subarray(y * rect.width * 4, (y + 1) * rect.width * 4), ((rect.y + y) * SW + rect.x) * 4);
    this.damaged([rect]);
  }
}

/** An attendee's graphics pipeline reduced to what decides the bytes: frame planning onto a model client. */
class ModelSink implements GraphicsSink {
  readonly copiesSurface = true;
  readonly model = new GfxSurfaceModel(SW, SH);
  readonly cache: ClientBitmapCache;
  pdus: GfxPdu[] = [];
  queued = 0;
  private readonly drains = new Set<() => void>();
  constructor(limits: GfxCacheLimits = { slots: 4096, bytes: 16 << 20 }) {
    this.cache = new ClientBitmapCache(limits);
  }
  backlog() {
    return this.queued;
  }
  sendTiles(tiles: EncodedTile[], copies: readonly SurfaceMove[] = []) {
    const pdus = gfxFramePdus(0, tiles, copies, this.cache);
    this.pdus.push(...pdus);
    this.model.apply(pdus);
  }
  onDrain(listener: () => void) {
    this.drains.add(listener);
    return () => this.drains.delete(listener);
  }
  drained() {
    this.queued = 0;
    for (const l of this.drains) l();
  }
  count(type: GfxPdu['type']) {
    return this.pdus.filter((p) => p.type === type).length;
  }
  planarBytes() {
    return this.pdus.reduce((n, p) => n + (p.type === 'wireToSurface1' ? p.bitmapData.byteLength : 0), 0);
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** An AVC420 stream reduced to its bookkeeping: it claims the tiles it shows lossy while `holding`. */
class FakeLossyStream implements LossyStream {
  readonly shown = new Map<number, number>();
  readonly copies: [number, number][] = [];
  holding = true;
  claims(tile: number) {
    return this.holding && this.shown.has(tile);
  }
  shownVersion(tile: number) {
    return this.shown.get(tile) ?? 0;
  }
  copiedLossy(tile: number, version: number) {
    this.shown.set(tile, version);
    this.copies.push([tile, version]);
  }
}

/** `windows` is the window list the capture reads, or `false` to find no moves at all. */
async function pipeline(sinks: ModelSink[], lossy?: LossyStream, windows: WindowGeometry[] | false = []) {
  const screen = new Screen();
  const capture = new DesktopCapture(
    screen,
    () => 0,
    (e) => {
      throw e;
    },
    { moves: windows ? { windows: () => windows } : undefined },
  );
  await capture.setActive(true);
  const cache = new EncodedTileCache(capture.store, gfxTileEncoder());
  const streams = sinks.map((sink) => new AttendeeGraphics(capture.store, cache, sink));
  for (const s of streams) {
    s.lossy = lossy;
    s.setEnabled(true);
  }
  const settled = (sink: ModelSink) => sink.model.differingPixels(capture.store.frame) === 0;
  await until(() => sinks.every((s) => s.queued > 0 || settled(s)), 'the first full picture');
  const changes = () => capture.store.generation;
  return {
    screen,
    capture,
    cache,
    streams,
    settled,
    /** Waits for the capture of the change just made and for every attendee with room to show it. */
    async after(change: () => void, settle = true) {
      const before = changes();
      change();
      await until(() => changes() > before, 'the capture');
      if (settle) await until(() => sinks.every((s) => s.queued > 0 || settled(s)), 'the attendees');
      else await new Promise((r) => setTimeout(r, 50));
    },
    close() {
      for (const s of streams) s.close();
      capture.close();
    },
  };
}

describe('the lossless graphics pipeline on a model client', () => {
  it('sends a scroll as one surface-to-surface copy and only the new lines, and the surface equals the screen', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink]);
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    const firstBytes = sink.planarBytes();
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.pdus.filter((q) => q.type === 'surfaceToSurface')).toEqual([
      expect.objectContaining({ rectSrc: { left: 0, top: 13, right: SW, bottom: SH } }),
    ]);
    // 4 rows of 5 tiles: the top three rows come whole from the copy, the bottom row (new lines) is encoded.
    expect(sink.count('wireToSurface1')).toBe(5);
    expect(sink.planarBytes()).toBeLessThan(firstBytes / 3);
    p.close();
  });

  it('sends no copies when moves are not looked for: the scrolled tiles are encoded again', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink], undefined, false);
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.count('surfaceToSurface')).toBe(0);
    expect(sink.count('wireToSurface1')).toBe(20);
    p.close();
  });

  it('finds a window scrolled inside a still desktop from its damage rectangle, not tile aligned', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink]);
    sink.pdus = [];
    const window = { x: 37, y: 21, width: 211, height: 200 };
    await p.after(() => p.screen.scroll(window, 7));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    const copy = sink.pdus.find((q) => q.type === 'surfaceToSurface');
    expect(copy).toEqual(
      expect.objectContaining({
        rectSrc: { left: 37, top: 28, right: 248, bottom: 221 },
        destPts: [{ x: 37, y: 21 }],
      }),
    );
    p.close();
  });

  it('sends a view panned sideways as one copy and only the exposed columns', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink]);
    sink.pdus = [];
    const view = { x: 0, y: 64, width: SW, height: 128 };
    await p.after(() => p.screen.pan(view, 24));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.pdus.filter((q) => q.type === 'surfaceToSurface')).toEqual([
      expect.objectContaining({ rectSrc: { left: 24, top: 64, right: SW, bottom: 192 }, destPts: [{ x: 0, y: 64 }] }),
    ]);
    // Two tile rows of five: the first four columns come from the copy, the last (new columns) is encoded.
    expect(sink.count('wireToSurface1')).toBe(2);
    p.close();
  });

  it('sends a window dragged diagonally as one copy, found from the window list, and the uncovered background', async () => {
    const sink = new ModelSink();
    const from = { x: 20, y: 30, width: 150, height: 130 };
    const windows: WindowGeometry[] = [{ id: 7, frame: from, mapped: true }];
    const p = await pipeline([sink], undefined, windows);
    const background: [number, number, number] = [0x30, 0x30, 0x30];
    await p.after(() => {
      p.screen.draw({ x: 0, y: 0, width: SW, height: SH }, (x, y) =>
        x >= from.x && x < from.x + from.width && y >= from.y && y < from.y + from.height
          ? p.screen.pixel(x, y)
          : background,
      );
      p.screen.damaged([{ x: 0, y: 0, width: SW, height: SH }]);
    });
    let at = from;
    for (const step of [
      { x: 41, y: 43 },
      { x: 77, y: 35 },
      { x: 109, y: 90 },
    ]) {
      sink.pdus = [];
      const to = { ...at, ...step };
      await p.after(() => {
        p.screen.drag(at, step, background);
        windows[0] = { ...windows[0], frame: to };
      });
      expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
      expect(sink.pdus.filter((q) => q.type === 'surfaceToSurface')).toEqual([
        expect.objectContaining({
          rectSrc: { left: at.x, top: at.y, right: at.x + at.width, bottom: at.y + at.height },
          destPts: [step],
        }),
      ]);
      // What the copy filled whole is not sent again: at most the window's edge tiles and the uncovered ones.
      const touched =
        (Math.ceil((to.x + to.width) / 64) - Math.floor(to.x / 64)) *
        (Math.ceil((to.y + to.height) / 64) - Math.floor(to.y / 64));
      expect(sink.count('wireToSurface1') + sink.count('solidFill')).toBeLessThan(touched + 12);
      at = to;
    }
    p.close();
  });

  it('copies nothing for a window the list says moved whose pixels did not', async () => {
    const sink = new ModelSink();
    const windows: WindowGeometry[] = [{ id: 7, frame: { x: 20, y: 30, width: 150, height: 130 }, mapped: true }];
    const p = await pipeline([sink], undefined, windows);
    sink.pdus = [];
    await p.after(() => {
      windows[0] = { ...windows[0], frame: { ...windows[0].frame, x: 60, y: 50 } };
      p.screen.scribble({ x: 60, y: 50, width: 150, height: 130 });
      p.screen.damaged([{ x: 60, y: 50, width: 150, height: 130 }]);
    });
    expect(sink.count('surfaceToSurface')).toBe(0);
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    p.close();
  });

  it('gives a lagging attendee only the copies its surface can take, and it still ends exact', async () => {
    const live = new ModelSink();
    const late = new ModelSink();
    const p = await pipeline([live, late]);
    const all = { x: 0, y: 0, width: SW, height: SH };
    late.queued = Number.MAX_SAFE_INTEGER;
    // Two scrolls the late attendee misses: the first copy is exact on its surface; the second reads the lines the
    // first exposed, which it has not received, so it gets the band above them.
    await p.after(() => p.screen.scroll(all, 5));
    await p.after(() => p.screen.scroll(all, 9));
    late.drained();
    await until(() => p.settled(late), 'the late attendee');
    const copies = late.pdus.filter((q) => q.type === 'surfaceToSurface');
    expect(copies.map((q) => q.type === 'surfaceToSurface' && q.rectSrc)).toEqual([
      { left: 0, top: 5, right: SW, bottom: SH },
      { left: 0, top: 9, right: SW, bottom: 192 },
    ]);
    // A change it missed inside what the next scroll reads: the copy leaves out that tile's row or column, whichever
    // leaves more (here the columns right of it: 192 x 253 pixels against 320 x 128 below it).
    late.queued = Number.MAX_SAFE_INTEGER;
    late.pdus = [];
    await p.after(() => p.screen.put({ x: 64, y: 64, width: 64, height: 64 }, new Uint8Array(64 * 64 * 4).fill(0x5a)));
    await p.after(() => p.screen.scroll(all, 3));
    late.drained();
    await until(() => p.settled(late), 'the late attendee');
    expect(late.pdus.filter((q) => q.type === 'surfaceToSurface')).toEqual([
      expect.objectContaining({ rectSrc: { left: 128, top: 3, right: SW, bottom: SH }, destPts: [{ x: 128, y: 0 }] }),
    ]);
    expect(live.count('surfaceToSurface')).toBe(3);
    expect(live.model.differingPixels(p.capture.store.frame)).toBe(0);
    p.close();
  });

  it('copies over tiles the AVC420 stream claims; what a copy read from its lossy pixels stays its own', async () => {
    const sink = new ModelSink();
    const lossy = new FakeLossyStream();
    const p = await pipeline([sink], lossy);
    // Tile 7 (second tile row, third column) changes and the AVC420 stream shows it from a picture.
    lossy.shown.set(7, p.capture.store.versions[7] + 1);
    const tile7 = { x: 128, y: 64, width: 64, height: 64 };
    sink.pdus = [];
    await p.after(() => {
      p.screen.scribble(tile7);
      p.screen.damaged([tile7]);
    }, false);
    expect(sink.count('wireToSurface1')).toBe(0);
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13), false);
    expect(sink.count('surfaceToSurface')).toBe(1);
    // The copy moves rows up by 13: tiles 2 and 7 are made partly of tile 7's lossy pixels, the others lossless.
    expect(lossy.copies).toEqual([
      [2, p.capture.store.versions[2]],
      [7, p.capture.store.versions[7]],
    ]);
    const planar = sink.pdus.flatMap((q) => (q.type === 'wireToSurface1' ? [q.destRect] : []));
    expect(planar.map((r) => r.top)).toEqual([192, 192, 192, 192, 192]);
    // Once the motion stops they are refined, lossless, and nothing else is sent again.
    sink.pdus = [];
    lossy.holding = false;
    p.streams[0].wake();
    await until(() => sink.count('wireToSurface1') === 2, 'the refinement');
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    // A copy never writes over a newer picture the AVC420 stream drew meanwhile.
    lossy.holding = true;
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13), false);
    // (a picture of a capture after the next one, drawn before the copy went out)
    lossy.shown.set(12, p.capture.store.versions[12] + 2);
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13), false);
    expect(sink.count('surfaceToSurface')).toBe(1);
    p.close();
  });

  it('fills tiles of one colour with one RDPGFX_SOLIDFILL_PDU and no pixels', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink]);
    sink.pdus = [];
    await p.after(() => p.screen.fill({ x: 64, y: 64, width: 192, height: 128 }, [0x20, 0x80, 0xc0]));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.pdus.filter((q) => q.type !== 'startFrame' && q.type !== 'endFrame')).toEqual([
      {
        type: 'solidFill',
        surfaceId: 0,
        fillPixel: 0xffc08020,
        fillRects: [{ left: 64, top: 64, right: 256, bottom: 192 }],
      },
    ]);
    p.close();
  });

  it('draws content that comes back from the client cache (cache to surface), sending no pixels again', async () => {
    const sink = new ModelSink();
    const p = await pipeline([sink]);
    const rect = { x: 128, y: 64, width: 128, height: 128 };
    const frameA = new Uint8Array(rect.width * rect.height * 4).map((_, i) => (i * 7) & 0xff);
    const frameB = new Uint8Array(rect.width * rect.height * 4).map((_, i) => (i * 13 + 5) & 0xff);
    await p.after(() => p.screen.put(rect, frameA));
    await p.after(() => p.screen.put(rect, frameB));
    sink.pdus = [];
    for (let i = 0; i < 4; i++) await p.after(() => p.screen.put(rect, i % 2 ? frameB : frameA));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.count('wireToSurface1')).toBe(0);
    expect(sink.count('cacheToSurface')).toBe(16);
    p.close();
  });

  it('stays within a small cache by evicting what was used longest ago, and stays exact', async () => {
    const sink = new ModelSink({ slots: 9, bytes: 6 * 64 * 64 * 4 });
    const p = await pipeline([sink]);
    for (let i = 0; i < 5; i++) await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 70));
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
    expect(sink.cache.size).toBeLessThanOrEqual(6);
    expect(sink.model.slots.size).toBe(sink.cache.size);
    expect(sink.count('evictCacheEntry')).toBeGreaterThan(0);
    p.close();
  });
});
