import type { DesktopSource, Frame, Rect } from '@rdshare/native';
import type { GfxPdu } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { AttendeeGraphics, type GraphicsSink } from '../../src/graphics/attendee-graphics.js';
import { DesktopCapture } from '../../src/graphics/desktop-capture.js';
import { type EncodedTile, EncodedTileCache } from '../../src/graphics/encoded-tile-cache.js';
import { gfxFramePdus } from '../../src/graphics/gfx-frame.js';
import { type GfxCacheLimits, GfxSurfaceCache } from '../../src/graphics/gfx-surface-cache.js';
import { gfxTileEncoder } from '../../src/graphics/gfx-tile-encoder.js';
import type { SurfaceMove } from '../../src/graphics/scroll-detector.js';
import { GfxSurfaceModel } from './gfx-surface-model.js';

const SW = 320;
const SH = 256;

/** A deterministic pseudo-random byte stream, so text-like rows differ from each other. */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s & 0xff;
  };
}

/** A screen in memory that reports damage the way X does: the rectangles that were drawn. */
class Screen implements DesktopSource {
  readonly display = ':fake';
  readonly width = SW;
  readonly height = SH;
  readonly depth = 24;
  readonly pixels = new Uint8Array(SW * SH * 4);
  private damage?: (rects: Rect[]) => void;
  private readonly random = noise(42);

  constructor() {
    this.scribble({ x: 0, y: 0, width: SW, height: SH });
  }
  async capture(rect: Rect, into: Frame, at = { x: 0, y: 0 }) {
    for (let y = 0; y < rect.height; y++) {
      const src = ((rect.y + y) * SW + rect.x) * 4;
      into.data.set(this.pixels.subarray(src, src + rect.width * 4), (at.y + y) * into.stride + at.x * 4);
    }
  }
  allocateFrame(width = SW, height = SH): Frame {
    return { width, height, stride: width * 4, data: new Uint8Array(width * height * 4) };
  }
  onDamage(listener: (rects: Rect[]) => void) {
    this.damage = listener;
    return () => undefined;
  }
  onResize() {
    return () => undefined;
  }
  onLost() {
    return () => undefined;
  }
  close() {}
  /** New detail in `rect` (not damaged yet). */
  scribble(rect: Rect): void {
    for (let y = rect.y; y < rect.y + rect.height; y++)
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        const o = (y * SW + x) * 4;
        this.pixels[o] = this.random();
        this.pixels[o + 1] = this.random();
        this.pixels[o + 2] = this.random();
        this.pixels[o + 3] = 0;
      }
  }
  /** Scrolls `rect` up by `rows` and writes new lines into the bottom, as a terminal does. */
  scroll(rect: Rect, rows: number): void {
    for (let y = rect.y; y < rect.y + rect.height - rows; y++) {
      const from = ((y + rows) * SW + rect.x) * 4;
      this.pixels.copyWithin((y * SW + rect.x) * 4, from, from + rect.width * 4);
    }
    this.scribble({ ...rect, y: rect.y + rect.height - rows, height: rows });
    this.damage?.([rect]);
  }
  fill(rect: Rect, bgr: [number, number, number]): void {
    for (let y = rect.y; y < rect.y + rect.height; y++)
      for (let x = rect.x; x < rect.x + rect.width; x++) this.pixels.set([...bgr, 0], (y * SW + x) * 4);
    this.damage?.([rect]);
  }
  put(rect: Rect, pixels: Uint8Array): void {
    for (let y = 0; y < rect.height; y++)
      this.pixels.set(pixels.subarray(y * rect.width * 4, (y + 1) * rect.width * 4), ((rect.y + y) * SW + rect.x) * 4);
    this.damage?.([rect]);
  }
}

/** An attendee's graphics pipeline reduced to what decides the bytes: frame planning onto a model client. */
class ModelSink implements GraphicsSink {
  readonly copiesSurface = true;
  readonly model = new GfxSurfaceModel(SW, SH);
  readonly cache: GfxSurfaceCache;
  pdus: GfxPdu[] = [];
  queued = 0;
  private readonly drains = new Set<() => void>();
  constructor(limits: GfxCacheLimits = { slots: 4096, bytes: 16 << 20 }) {
    this.cache = new GfxSurfaceCache(limits);
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

async function pipeline(sinks: ModelSink[], claimed?: (tile: number) => boolean) {
  const screen = new Screen();
  const capture = new DesktopCapture(
    screen,
    () => 0,
    (e) => {
      throw e;
    },
  );
  await capture.setActive(true);
  const cache = new EncodedTileCache(capture.store, gfxTileEncoder());
  const streams = sinks.map((sink) => new AttendeeGraphics(capture.store, cache, sink, { claimed }));
  for (const s of streams) s.setEnabled(true);
  const settled = (sink: ModelSink) => sink.model.differingPixels(capture.store.frame) === 0;
  await until(() => sinks.every((s) => s.queued > 0 || settled(s)), 'the first full picture');
  const changes = () => capture.store.generation;
  return {
    screen,
    capture,
    cache,
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
    // A change it missed inside what the next scroll reads: the copy leaves out that tile row.
    late.queued = Number.MAX_SAFE_INTEGER;
    late.pdus = [];
    await p.after(() => p.screen.put({ x: 64, y: 64, width: 64, height: 64 }, new Uint8Array(64 * 64 * 4).fill(0x5a)));
    await p.after(() => p.screen.scroll(all, 3));
    late.drained();
    await until(() => p.settled(late), 'the late attendee');
    expect(late.pdus.filter((q) => q.type === 'surfaceToSurface')).toEqual([
      expect.objectContaining({ rectSrc: { left: 0, top: 128, right: SW, bottom: SH }, destPts: [{ x: 0, y: 125 }] }),
    ]);
    expect(live.count('surfaceToSurface')).toBe(3);
    expect(live.model.differingPixels(p.capture.store.frame)).toBe(0);
    p.close();
  });

  it('leaves tiles in motion to the AVC420 stream that claims them: no copy writes there', async () => {
    const sink = new ModelSink();
    let moving = false;
    const p = await pipeline([sink], (t) => moving && t === 7);
    moving = true;
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13), false);
    expect(sink.count('surfaceToSurface')).toBe(0);
    expect(sink.count('wireToSurface1')).toBeGreaterThan(0);
    // Once the motion stops the tile is the lossless stream's again (any change wakes it), then copies resume.
    moving = false;
    await p.after(() => p.screen.put({ x: 0, y: 0, width: 8, height: 8 }, new Uint8Array(8 * 8 * 4).fill(9)));
    sink.pdus = [];
    await p.after(() => p.screen.scroll({ x: 0, y: 0, width: SW, height: SH }, 13));
    expect(sink.count('surfaceToSurface')).toBe(1);
    expect(sink.model.differingPixels(p.capture.store.frame)).toBe(0);
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
