import { describe, expect, it } from 'vitest';
import { AttendeeGraphics, type GraphicsSink } from '../../src/graphics/attendee-graphics.js';
import { type EncodedTile, EncodedTileCache } from '../../src/graphics/encoded-tile-cache.js';
import { TileStore } from '../../src/graphics/tile-store.js';

const tick = () => new Promise((r) => setImmediate(r));

function store(width = 256, height = 128) {
  return new TileStore({ width, height, stride: width * 4, data: new Uint8Array(width * height * 4) });
}

// Encodes a tile as its index and version, so the test can see which version each attendee got.
const cacheFor = (s: TileStore) =>
  new EncodedTileCache(s, (st, tile) => ({
    rect: st.grid.rectOf(tile),
    width: 64,
    bitsPerPixel: 32,
    flags: 0,
    data: new Uint8Array([tile, st.versions[tile]]),
  }));

class FakeSink implements GraphicsSink {
  received: EncodedTile[] = [];
  queued = 0;
  private drain = new Set<() => void>();
  backlog() {
    return this.queued;
  }
  sendTiles(tiles: EncodedTile[]) {
    this.received.push(...tiles);
  }
  onDrain(l: () => void) {
    this.drain.add(l);
    return () => this.drain.delete(l);
  }
  drained() {
    this.queued = 0;
    for (const l of this.drain) l();
  }
  versionsOf(tile: number) {
    return this.received.filter((t) => t.data[0] === tile).map((t) => t.data[1]);
  }
}

describe('AttendeeGraphics', () => {
  it('sends every tile once to a new attendee, then only changed tiles', async () => {
    const s = store();
    const sink = new FakeSink();
    const g = new AttendeeGraphics(s, cacheFor(s), sink);
    g.setEnabled(true);
    await tick();
    expect(sink.received).toHaveLength(s.grid.count);
    sink.received = [];
    s.markChanged([3]);
    await tick();
    expect(sink.received.map((t) => t.data[0])).toEqual([3]);
    g.close();
  });

  it('encodes each changed tile once for many attendees', async () => {
    const s = store();
    const cache = cacheFor(s);
    const sinks = [new FakeSink(), new FakeSink(), new FakeSink()];
    const streams = sinks.map((k) => new AttendeeGraphics(s, cache, k));
    for (const g of streams) g.setEnabled(true);
    await tick();
    expect(cache.encodes).toBe(s.grid.count);
    s.markChanged([0, 5]);
    await tick();
    expect(cache.encodes).toBe(s.grid.count + 2);
    for (const k of sinks) expect(k.versionsOf(5)).toEqual([1, 2]);
  });

  it('lets a congested attendee skip versions (latest wins) without holding back the others', async () => {
    const s = store();
    const cache = cacheFor(s);
    const slow = new FakeSink();
    const fast = new FakeSink();
    const gs = new AttendeeGraphics(s, cache, slow, { highWaterMark: 100 });
    const gf = new AttendeeGraphics(s, cache, fast, { highWaterMark: 100 });
    gs.setEnabled(true);
    gf.setEnabled(true);
    await tick();
    slow.queued = 1000; // its socket is full
    for (let i = 0; i < 5; i++) {
      s.markChanged([2]);
      await tick();
    }
    expect(fast.versionsOf(2)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(slow.versionsOf(2)).toEqual([1]);
    slow.drained();
    await tick();
    expect(slow.versionsOf(2)).toEqual([1, 6]);
  });

  it('sends nothing while disabled and catches up when enabled', async () => {
    const s = store();
    const sink = new FakeSink();
    const g = new AttendeeGraphics(s, cacheFor(s), sink);
    s.markChanged([1]);
    await tick();
    expect(sink.received).toHaveLength(0);
    g.setEnabled(true);
    await tick();
    expect(sink.versionsOf(1)).toEqual([2]);
  });

  it('resends invalidated regions (Refresh Rect)', async () => {
    const s = store();
    const sink = new FakeSink();
    const g = new AttendeeGraphics(s, cacheFor(s), sink);
    g.setEnabled(true);
    await tick();
    sink.received = [];
    g.invalidate([{ x: 70, y: 10, width: 10, height: 10 }]);
    await tick();
    expect(sink.received.map((t) => t.data[0])).toEqual([1]);
  });
});
