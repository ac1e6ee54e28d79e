import { describe, expect, it } from 'vitest';
import { AttendeeAvc, type AvcSink, tileRegions } from '../../src/graphics/attendee-avc.js';
import { AttendeeGraphics, type GraphicsSink } from '../../src/graphics/attendee-graphics.js';
import type { H264FrameEncoder } from '../../src/graphics/avc-picture-coder.js';
import { type EncodedTile, EncodedTileCache } from '../../src/graphics/encoded-tile-cache.js';
import { type H264Rate, h264RateFor } from '../../src/graphics/h264-rate-plan.js';
import { type AccessUnit, H264SurfaceEncoder } from '../../src/graphics/h264-surface-encoder.js';
import type { FoundMove, SurfaceMove } from '../../src/graphics/move-detector.js';
import { type Rect, TileGrid } from '../../src/graphics/tile-grid.js';
import { TileStore } from '../../src/graphics/tile-store.js';
import { photoPixels } from './memory-screen.js';

const wait = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** 4x2 tiles. */
function store(width = 256, height = 128) {
  return new TileStore({ width, height, stride: width * 4, data: photoPixels(width, height) });
}

/**
 * A stand-in for the native encoder, for the scheduling logic only (the e2e tests use the real one): each access
 * unit is [sequence number, 1 for a key frame]; the first picture is a key frame, as with every real encoder.
 */
class ScriptedEncoder implements H264FrameEncoder {
  calls: { keyFrame: boolean }[] = [];
  /** The first byte of every tile of each picture's input. */
  inputs: number[][] = [];
  fail = false;
  /** When set, encodes finish only once it resolves. */
  gate: Promise<void> | undefined;
  /** The tiles each picture's `changed` covers, in order: what the encoder would convert again. */
  changed: number[][] = [];
  async encode(
    frame: { data: Uint8Array; stride: number },
    output: Uint8Array,
    options?: { keyFrame?: boolean; changed?: readonly Rect[] },
  ) {
    this.inputs.push([0, 1, 2, 3, 4, 5, 6, 7].map((t) => frame.data[(t >> 2) * 64 * frame.stride + (t & 3) * 256]));
    const grid = new TileGrid(256, 128);
    const covered = new Set<number>();
    for (const r of options?.changed ?? []) grid.forEachTileIn(r, (t) => covered.add(t));
    this.changed.push([...covered].sort());
    await (this.gate ?? Promise.resolve());
    if (this.fail) throw new Error('encoder broke');
    const keyFrame = this.calls.length === 0 || options?.keyFrame === true;
    this.calls.push({ keyFrame });
    output.set([this.calls.length, keyFrame ? 1 : 0]);
    return { byteLength: 2, keyFrame };
  }
  rates: H264Rate[] = [];
  setRate(rate: H264Rate) {
    this.rates.push(rate);
  }
  close() {}
}

class FakeSink implements GraphicsSink, AvcSink {
  readonly copiesSurface = true;
  copies: SurfaceMove[] = [];
  tiles: EncodedTile[] = [];
  units: { regions: Rect[]; unit: number; key: boolean }[] = [];
  queued = 0;
  /** Backlog of the lossless stream only. */
  tilesQueued = 0;
  private drain = new Set<() => void>();
  backlog() {
    return this.queued + this.tilesQueued;
  }
  accessUnitBacklog() {
    return this.queued;
  }
  sendTiles(tiles: EncodedTile[], copies: readonly SurfaceMove[] = []) {
    this.tiles.push(...tiles);
    this.copies.push(...copies);
  }
  sendAccessUnit(regions: readonly Rect[], { bitstream }: Pick<AccessUnit, 'bitstream'>) {
    this.units.push({ regions: [...regions], unit: bitstream[0], key: bitstream[1] === 1 });
  }
  onDrain(l: () => void) {
    this.drain.add(l);
    return () => this.drain.delete(l);
  }
  drained() {
    this.queued = 0;
    for (const l of this.drain) l();
  }
  /** Tiles sent lossless, as [tile, version]. */
  lossless() {
    return this.tiles.map((t) => [t.data[0], t.data[1]]);
  }
  clear() {
    this.tiles = [];
    this.units = [];
    this.copies = [];
  }
}

function setup(options: { stillMs?: number; keyFrameIntervalMs?: number; maxFrameRate?: number } = {}) {
  const s = store();
  const cache = new EncodedTileCache(s, (st, tile) => ({
    rect: st.grid.rectOf(tile),
    width: 64,
    bitsPerPixel: 32,
    flags: 0,
    data: new Uint8Array([tile, st.versions[tile]]),
  }));
  const native = new ScriptedEncoder();
  const errors: unknown[] = [];
  const created: H264Rate[] = [];
  const encoder = new H264SurfaceEncoder(
    s,
    (_size, { frameRate, bitrate }) => {
      created.push({ frameRate, bitrate });
      return native;
    },
    {
      maxFrameRate: options.maxFrameRate,
      keyFrameIntervalMs: options.keyFrameIntervalMs ?? 0,
      motion: { stillMs: options.stillMs ?? 10_000 },
      onError: (e) => errors.push(e),
    },
  );
  /** An attendee whose streams stop at 100 queued bytes, or at their own defaults. */
  const join = (marks: 'small' | 'default' = 'small') => {
    const sink = new FakeSink();
    const highWaterMark = marks === 'small' ? 100 : undefined;
    const graphics = new AttendeeGraphics(s, cache, sink, { highWaterMark });
    const avc = new AttendeeAvc(encoder, graphics, sink, s.grid, { highWaterMark });
    graphics.setEnabled(true);
    return { sink, graphics, avc };
  };
  /** Three quick changes put tiles in motion. */
  const move = async (tiles: number[], times = 3) => {
    for (let i = 0; i < times; i++) {
      s.markChanged(tiles);
      await wait();
    }
  };
  return { s, native, created, encoder, errors, join, move };
}

describe('AttendeeAvc with the shared H.264 encoder', () => {
  it('plans the encoder for the capture rate, then for the rate it really encodes at', async () => {
    const t = setup({ maxFrameRate: 60 });
    t.join();
    expect(t.created).toEqual([h264RateFor({ width: 256, height: 128 }, 60)]);
    // Motion at about 10 frames a second, for over a second: the plan follows it down, once.
    for (let i = 0; i < 14; i++) {
      t.s.markChanged([0]);
      await wait(100);
    }
    expect(t.native.rates).toHaveLength(1);
    expect(t.native.rates[0].frameRate).toBeGreaterThan(7);
    expect(t.native.rates[0].frameRate).toBeLessThan(11);
    expect(t.native.rates[0]).toEqual(h264RateFor({ width: 256, height: 128 }, t.native.rates[0].frameRate));
    t.encoder.close();
  });

  it('takes an access unit while the lossless stream has filled the socket to its own mark, not far beyond it', async () => {
    const t = setup();
    const a = t.join('default');
    await wait();
    // Lossless tiles wait in the socket past the lossless stream's 256 KiB: a key frame must still get through,
    // or the attendee's tiles in motion would go lossless again and fill the socket for the next one.
    a.sink.queued = 300 * 1024;
    await t.move([1]);
    expect(a.sink.units.map((u) => u.key)).toEqual([true]);
    expect(a.avc.inSync).toBe(true);
    // A viewer that stopped reading loses its sync instead of queueing pictures.
    a.sink.queued = 600 * 1024;
    await t.move([1], 1);
    expect(a.sink.units).toHaveLength(1);
    expect(a.avc.inSync).toBe(false);
    t.encoder.close();
  });

  it('sends tiles in motion as AVC420 regions and everything else lossless; static changes cost no encode', async () => {
    const t = setup();
    const a = t.join();
    await wait();
    expect(a.sink.tiles).toHaveLength(8);
    a.sink.clear();
    t.s.markChanged([7]);
    await wait();
    expect(a.sink.lossless()).toEqual([[7, 2]]);
    expect(t.native.calls).toHaveLength(0);
    a.sink.clear();
    // Tile 1 changes three times: the first two go lossless, the third makes it move, and a key frame brings the
    // attendee in sync showing tile 1 only.
    await t.move([1]);
    expect(a.sink.lossless()).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(a.sink.units).toEqual([{ regions: [{ x: 64, y: 0, width: 64, height: 64 }], unit: 1, key: true }]);
    expect(a.avc.inSync).toBe(true);
    a.sink.clear();
    // In sync, moving tiles go as P-frames only; a static tile changed meanwhile still goes lossless.
    t.s.markChanged([1, 7]);
    await wait();
    expect(a.sink.lossless()).toEqual([[7, 3]]);
    expect(a.sink.units).toEqual([{ regions: [{ x: 64, y: 0, width: 64, height: 64 }], unit: 2, key: false }]);
    expect(t.native.calls).toHaveLength(2);
  });

  it('refines: tiles that stop moving are sent again lossless, once', async () => {
    const t = setup({ stillMs: 40 });
    const a = t.join();
    await wait();
    await t.move([2, 3]);
    await t.move([2, 3], 2);
    a.sink.clear();
    await wait(80);
    expect(t.encoder.motion.anyMoving).toBe(false);
    expect(a.sink.lossless().sort()).toEqual([
      [2, 6],
      [3, 6],
    ]);
    expect(a.sink.units).toEqual([]);
    a.sink.clear();
    await wait(20);
    expect(a.sink.tiles).toEqual([]);
  });

  it('sends a scroll in motion as a copy: what it made right is exact, never sent lossless nor refined', async () => {
    const t = setup();
    const a = t.join();
    await wait();
    const paint = (tile: number, value: number) => {
      const { x, y } = t.s.grid.rectOf(tile);
      t.s.frame.data[y * t.s.frame.stride + x * 4] = value;
    };
    // Tiles 1 and 2 scroll (their content changes three times quickly): in motion, as H.264.
    for (let i = 1; i <= 3; i++) {
      paint(1, i);
      paint(2, 10 + i);
      t.s.markChanged([1, 2]);
      await wait();
    }
    expect(a.sink.units.at(-1)?.regions).toEqual([{ x: 64, y: 0, width: 128, height: 64 }]);
    expect(t.native.inputs.at(-1)).toEqual([0, 3, 13, 0, 0, 0, 0, 0]);
    // Each picture names the tiles of its input that changed, for the encoder to convert those alone.
    expect(t.native.changed.at(-1)).toEqual([1, 2]);
    a.sink.clear();
    // Now the scroll is found: tile 1 is a copy of tile 5 (lossless on the client), tile 2 is new content.
    const scroll: FoundMove = { src: t.s.grid.rectOf(5), dest: { x: 64, y: 0 }, completes: [] };
    paint(1, 0);
    paint(2, 14);
    t.s.markChanged([1, 2], [scroll]);
    await wait();
    expect(a.sink.copies).toEqual([{ src: scroll.src, dest: scroll.dest }]);
    // Tile 1 is the copy's, exact: never sent lossless, and nothing to refine once the motion stops.
    expect(a.sink.lossless()).toEqual([]);
    expect(a.graphics.sentVersion(1)).toBe(t.s.versions[1]);
    // The encoder codes only what no copy explains: tile 1 keeps its old pixels in the input, and the picture
    // shows tile 2 alone.
    expect(t.native.inputs.at(-1)).toEqual([0, 3, 14, 0, 0, 0, 0, 0]);
    expect(t.native.changed.at(-1)).toEqual([2]);
    expect(a.sink.units.at(-1)?.regions).toEqual([{ x: 128, y: 0, width: 64, height: 64 }]);
    expect(t.encoder.leftToCopies(1)).toBe(t.s.versions[1]);
    expect(t.encoder.leftToCopies(2)).toBeUndefined();
  });

  it('sends losslessly a tile the encoder left to a copy that this attendee could not take', async () => {
    const t = setup();
    const a = t.join();
    const b = t.join();
    await wait();
    const paint = (tile: number, value: number) => {
      const { x, y } = t.s.grid.rectOf(tile);
      t.s.frame.data[y * t.s.frame.stride + x * 4] = value;
    };
    await t.move([0]);
    expect(b.avc.inSync).toBe(true);
    // Tile 7 (still: no neighbour of tile 0) changes while b's lossless stream is backed up: b never gets that
    // version, so it cannot take the copy of it that makes tile 0.
    b.sink.tilesQueued = 1000;
    paint(7, 9);
    t.s.markChanged([7]);
    await wait();
    a.sink.clear();
    b.sink.clear();
    const scroll: FoundMove = { src: t.s.grid.rectOf(7), dest: { x: 0, y: 0 }, completes: [] };
    paint(0, 9);
    t.s.markChanged([0], [scroll]);
    await wait();
    expect(t.encoder.leftToCopies(0)).toBe(t.s.versions[0]);
    expect(a.sink.copies).toHaveLength(1);
    expect(b.sink.copies).toEqual([]);
    // The picture shows nothing: what moved is the copy's.
    expect(b.sink.units.at(-1)?.regions).toEqual([]);
    // a's copy read lossless pixels: tile 0 is exact there. b's tile 0 is the lossless stream's now.
    expect(a.graphics.sentVersion(0)).toBe(t.s.versions[0]);
    expect(b.avc.claims(0)).toBe(false);
    b.sink.tilesQueued = 0;
    b.sink.drained();
    await wait();
    expect(b.sink.copies).toEqual([]);
    expect(b.sink.lossless().sort()).toEqual([
      [0, t.s.versions[0]],
      [7, t.s.versions[7]],
    ]);
    expect(a.sink.lossless()).toEqual([]);
  });

  it('leaves tiles a copy made of H.264 pixels to the H.264 stream until the copies stop, then refines them', async () => {
    const t = setup({ stillMs: 100 });
    const a = t.join();
    await wait();
    await t.move([5]);
    expect(a.sink.units.at(-1)?.regions).toEqual([{ x: 64, y: 64, width: 64, height: 64 }]);
    a.sink.clear();
    // Tile 1 becomes a copy of tile 5, which the client shows from a picture: tile 1 is lossy now too.
    const scroll: FoundMove = { src: t.s.grid.rectOf(5), dest: { x: 64, y: 0 }, completes: [] };
    t.s.markChanged([1], [scroll]);
    await wait();
    expect(a.sink.copies).toHaveLength(1);
    expect(a.sink.tiles).toEqual([]);
    expect(a.avc.shownVersion(1)).toBe(t.s.versions[1]);
    expect(a.avc.claims(1)).toBe(true);
    // Held for lossyCopyHoldMs (300 ms) after the copy and while in motion, then sent again lossless.
    await wait(400);
    expect(a.sink.lossless()).toContainEqual([1, t.s.versions[1]]);
    a.avc.close();
  });

  it('holds back a copy that reads a picture still being encoded, and the tiles it writes, until it is sent', async () => {
    const t = setup();
    const a = t.join();
    await wait();
    await t.move([5]);
    let release = () => {};
    t.native.gate = new Promise((r) => {
      release = r;
    });
    // Tile 5 changes again; its picture is being encoded when a capture finds tile 1 to be a copy of it.
    t.s.markChanged([5]);
    await wait();
    a.sink.clear();
    const scroll: FoundMove = { src: t.s.grid.rectOf(5), dest: { x: 64, y: 0 }, completes: [] };
    t.s.markChanged([1], [scroll]);
    await wait();
    expect(a.sink.copies).toEqual([]);
    expect(a.sink.tiles).toEqual([]);
    release();
    t.native.gate = undefined;
    await wait();
    expect(a.sink.units.length).toBeGreaterThan(0);
    expect(a.sink.copies).toEqual([{ src: scroll.src, dest: scroll.dest }]);
    expect(a.sink.tiles).toEqual([]);
    expect(a.avc.shownVersion(1)).toBe(t.s.versions[1]);
    a.avc.close();
  });

  it('reads no tile while a capture writes the frame: lossless tiles and pictures wait for the write to end', async () => {
    const t = setup();
    const a = t.join();
    await wait();
    a.sink.clear();
    // The capture's native copy into the frame runs off the JavaScript thread: an encode meanwhile would mix pixels.
    t.s.beginWrite();
    t.s.markChanged([7]);
    await t.move([1]);
    expect(a.sink.tiles).toEqual([]);
    expect(t.native.calls).toHaveLength(0);
    t.s.endWrite();
    await wait();
    expect(a.sink.lossless()).toEqual([[7, 2]]);
    expect(t.native.calls).toHaveLength(1);
  });

  it('encodes once for every attendee: each gets the same access unit', async () => {
    const t = setup();
    const a = t.join();
    const b = t.join();
    await wait();
    await t.move([0, 1, 4, 5], 5);
    expect(t.native.calls).toHaveLength(3);
    expect(a.sink.units.map((u) => u.unit)).toEqual([1, 2, 3]);
    expect(b.sink.units).toEqual(a.sink.units);
    // Four tiles in a square are one region.
    expect(a.sink.units[1].regions).toEqual([{ x: 0, y: 0, width: 128, height: 128 }]);
  });

  it('a late joiner forces a key frame that everybody gets, and sees motion lossless until then', async () => {
    const t = setup({ keyFrameIntervalMs: 1000 });
    const a = t.join();
    await wait();
    await t.move([1], 4);
    expect(t.native.calls.map((c) => c.keyFrame)).toEqual([true, false]);
    const b = t.join();
    await wait();
    b.sink.clear();
    // Within the join key-frame interval (250 ms) of the first key frame: b waits on the lossless path, a keeps
    // its P-frames.
    t.s.markChanged([1]);
    await wait();
    expect(b.avc.inSync).toBe(false);
    expect(b.sink.units).toEqual([]);
    expect(b.sink.lossless()).toEqual([[1, 6]]);
    expect(t.native.calls.at(-1)).toEqual({ keyFrame: false });
    // A newcomer's key frame is not held to the 1 s of an attendee that fell out of sync.
    await wait(300);
    a.sink.clear();
    b.sink.clear();
    t.s.markChanged([1]);
    await wait();
    expect(t.native.calls.at(-1)).toEqual({ keyFrame: true });
    expect(a.sink.units).toEqual([{ regions: [{ x: 64, y: 0, width: 64, height: 64 }], unit: 4, key: true }]);
    expect(b.sink.units).toEqual(a.sink.units);
    expect(b.sink.tiles).toEqual([]);
    expect(b.avc.inSync).toBe(true);
  });

  it('an attendee that fell out of sync waits the whole key-frame interval; a newcomer only the join interval', async () => {
    const t = setup({ keyFrameIntervalMs: 1000 });
    const a = t.join();
    await wait();
    await t.move([1], 4);
    await wait(300);
    a.sink.queued = 1000;
    t.s.markChanged([1]);
    await wait();
    expect(a.avc.inSync).toBe(false);
    a.sink.drained();
    const keyFrames = () => t.native.calls.filter((c) => c.keyFrame).length;
    t.s.markChanged([1]);
    await wait();
    // 300 ms after the first key frame: past the join interval, within the key-frame interval.
    expect(keyFrames()).toBe(1);
    expect(a.avc.inSync).toBe(false);
    const b = t.join();
    await wait();
    t.s.markChanged([1]);
    await wait();
    expect(keyFrames()).toBe(2);
    expect(a.avc.inSync).toBe(true);
    expect(b.avc.inSync).toBe(true);
    expect(b.avc.joining).toBe(false);
    t.encoder.close();
  });

  it('a newcomer too busy to take its key frame waits the whole interval for the next: no key frame storm', async () => {
    const t = setup({ keyFrameIntervalMs: 1000 });
    const a = t.join();
    await wait();
    await t.move([1], 4);
    await wait(300);
    const b = t.join();
    b.sink.queued = 1000;
    await wait();
    const keyFrames = () => t.native.calls.filter((c) => c.keyFrame).length;
    t.s.markChanged([1]);
    await wait();
    expect(keyFrames()).toBe(2);
    expect(b.avc.inSync).toBe(false);
    expect(b.avc.joining).toBe(false);
    b.sink.drained();
    await wait(300);
    t.s.markChanged([1]);
    await wait();
    // 300 ms after the key frame it could not take: within the 1 s interval, so no key frame for it yet.
    expect(keyFrames()).toBe(2);
    expect(a.avc.inSync).toBe(true);
    t.encoder.close();
  });

  it('an attendee that must skip an access unit gets no P-frame after it: lossless until the next key frame', async () => {
    const t = setup({ keyFrameIntervalMs: 0 });
    const a = t.join();
    const slow = t.join();
    await wait();
    await t.move([1]);
    expect(slow.avc.inSync).toBe(true);
    slow.sink.queued = 1000;
    t.s.markChanged([1]);
    await wait();
    expect(slow.avc.inSync).toBe(false);
    expect(slow.sink.units.map((u) => u.unit)).toEqual([1]);
    slow.sink.clear();
    a.sink.clear();
    slow.sink.drained();
    await wait();
    // The skipped picture comes lossless, and the next encode is a key frame that brings it back.
    expect(slow.sink.lossless()).toEqual([[1, 5]]);
    t.s.markChanged([1]);
    await wait();
    expect(t.native.calls.map((c) => c.keyFrame)).toEqual([true, false, true]);
    expect(slow.sink.units).toEqual([{ regions: [{ x: 64, y: 0, width: 64, height: 64 }], unit: 3, key: true }]);
    expect(a.sink.units).toEqual(slow.sink.units);
    expect(slow.avc.inSync).toBe(true);
  });

  it('never shows an access unit over a newer lossless picture of a tile', async () => {
    const t = setup({ keyFrameIntervalMs: 0 });
    const a = t.join();
    await wait();
    await t.move([1]);
    a.avc.lostSync();
    let release = () => {};
    t.native.gate = new Promise((r) => (release = r));
    t.s.markChanged([1]);
    await wait();
    // While the key frame of version 5 was encoding, the lossless stream sent version 5: the key frame shows
    // nothing, yet is sent for the decoder's sake.
    expect(a.graphics.sentVersion(1)).toBe(5);
    release();
    await wait();
    expect(a.sink.units.at(-1)).toEqual({ regions: [], unit: 2, key: true });
    expect(a.avc.inSync).toBe(true);
  });

  it('tells how long the encode in progress should still take, from how long encodes took', async () => {
    const t = setup();
    t.join();
    await wait();
    expect(t.encoder.busyFor()).toBe(0);
    let release = () => {};
    t.native.gate = new Promise((r) => (release = r));
    await t.move([1]);
    await wait(100);
    release();
    await wait();
    expect(t.native.calls.length).toBeGreaterThan(0);
    expect(t.encoder.busyFor()).toBe(0); // nothing encodes now
    t.native.gate = new Promise((r) => (release = r));
    t.s.markChanged([1]);
    await wait();
    // The last encode took 100 ms or more: the one now running should end within that.
    const busy = t.encoder.busyFor();
    expect(busy).toBeGreaterThan(50);
    expect(busy).toBeLessThanOrEqual(200);
    release();
    await wait();
    t.encoder.close();
  });

  it('an encoder failure is reported and puts every attendee back on the lossless path', async () => {
    const t = setup();
    const a = t.join();
    await wait();
    await t.move([1]);
    t.native.fail = true;
    a.sink.clear();
    t.s.markChanged([1]);
    await wait();
    expect(t.errors).toHaveLength(1);
    expect(a.avc.inSync).toBe(false);
    expect(a.sink.lossless()).toEqual([[1, 5]]);
  });

  it('encodes nothing while no attendee can use the picture', async () => {
    const t = setup({ keyFrameIntervalMs: 1000 });
    const a = t.join();
    await wait();
    await t.move([1]);
    expect(t.native.calls).toHaveLength(1);
    a.graphics.setEnabled(false);
    t.s.markChanged([1]);
    await wait();
    t.s.markChanged([1]);
    await wait();
    expect(t.native.calls).toHaveLength(1);
    // It missed no access unit: back on, the next P-frame is of use to it and shows the tile's newest version.
    expect(a.avc.inSync).toBe(true);
    a.sink.clear();
    a.graphics.setEnabled(true);
    t.s.markChanged([1]);
    await wait();
    expect(a.sink.units).toEqual([{ regions: [{ x: 64, y: 0, width: 64, height: 64 }], unit: 2, key: false }]);
    expect(a.sink.tiles).toEqual([]);
  });
});

describe('tileRegions', () => {
  const grid = new TileGrid(300, 200);
  it('merges runs in a row and equal runs in consecutive rows, and clips edge tiles', () => {
    // Columns 0..4 (the last 44 px wide), rows 0..3 (the last 8 px high).
    expect(tileRegions(grid, [0, 1, 5, 6, 13, 14])).toEqual([
      { x: 0, y: 0, width: 128, height: 128 },
      { x: 192, y: 128, width: 108, height: 64 },
    ]);
    expect(tileRegions(grid, [19, 4, 9])).toEqual([
      { x: 256, y: 0, width: 44, height: 128 },
      { x: 256, y: 192, width: 44, height: 8 },
    ]);
    expect(tileRegions(grid, [])).toEqual([]);
  });

  it('without merging across rows, gives the runs of each row in order, top to bottom and left to right', () => {
    expect(tileRegions(grid, [6, 0, 1, 3, 5], false)).toEqual([
      { x: 0, y: 0, width: 128, height: 64 },
      { x: 192, y: 0, width: 64, height: 64 },
      { x: 0, y: 64, width: 128, height: 64 },
    ]);
  });
});
