import type { CursorImage, CursorSource, Point } from '@rdshare/native';
import { type ClientCapabilities, decodeFastPathPointerUpdate } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { POINTER_HIGH_WATER_MARK, PointerFanout } from '../../src/graphics/pointer-fanout.js';

const image = (serial: number): CursorImage => ({
  width: 16,
  height: 16,
  xhot: 0,
  yhot: 0,
  serial,
  pixels: new Uint8Array(16 * 16 * 4).fill(serial & 0xff),
});

/** A cursor the test moves and reshapes by hand. */
function fakeCursor() {
  let current = image(1);
  const shapeListeners = new Set<(i: CursorImage) => void>();
  const moveListeners = new Set<(p: Point) => void>();
  const source = {
    current: () => current,
    onChange: (l: (i: CursorImage) => void) => {
      shapeListeners.add(l);
      return () => shapeListeners.delete(l);
    },
    onMove: (l: (p: Point) => void) => {
      moveListeners.add(l);
      return () => moveListeners.delete(l);
    },
  } as unknown as CursorSource;
  return {
    source,
    reshape(serial: number) {
      current = image(serial);
      for (const l of shapeListeners) l(current);
    },
    move(p: Point) {
      for (const l of moveListeners) l(p);
    },
    following: () => moveListeners.size > 0,
  };
}

/** A connection whose socket is full until `drain()`. */
class SlowSink {
  sent: { code: number; data: Uint8Array }[] = [];
  full = false;
  private drains = new Set<() => void>();
  sendFastPath(updates: { code: number; data: Uint8Array }[]) {
    this.sent.push(...updates);
  }
  backlog() {
    return this.full ? POINTER_HIGH_WATER_MARK : 0;
  }
  onDrain(l: () => void) {
    this.drains.add(l);
    return () => this.drains.delete(l);
  }
  drain() {
    this.full = false;
    for (const l of this.drains) l();
  }
}

const decoded = (sink: SlowSink) => sink.sent.map((u) => decodeFastPathPointerUpdate(u.code, u.data));

const capabilities = { pointerCacheSize: 4, colorPointerCacheSize: 4, largePointerFlags: 0 } as ClientCapabilities;

describe('PointerFanout', () => {
  it('shows the pointer only to attendees that see it, catching up with the shape when they do again', () => {
    const cursor = fakeCursor();
    const fanout = new PointerFanout(cursor.source, () => ({ x: 0, y: 0, width: 640, height: 480 }));
    const sent: string[] = [];
    const sink = {
      sendFastPath: (updates: { code: number; data: Uint8Array }[]) => {
        for (const u of updates) sent.push(decodeFastPathPointerUpdate(u.code, u.data).type);
      },
      backlog: () => 0,
      onDrain: () => () => undefined,
    };
    let sees = false;
    let steers = false;
    fanout.add({}, sink, capabilities, { shape: () => sees, position: () => sees && !steers });
    fanout.refresh();
    cursor.reshape(2);
    cursor.move({ x: 5, y: 5 });
    // At NONE (or paused) nothing of the pointer goes out, and the pointer is not even followed.
    expect(sent).toEqual([]);
    expect(cursor.following()).toBe(false);

    sees = true;
    fanout.refresh();
    cursor.move({ x: 6, y: 6 });
    expect(sent).toEqual(['new', 'position']);

    steers = true;
    fanout.refresh();
    cursor.move({ x: 7, y: 7 });
    cursor.reshape(3);
    expect(sent).toEqual(['new', 'position', 'new']);
    expect(cursor.following()).toBe(false);
    fanout.close();
  });

  it('sends positions relative to the shared rectangle, clipped to it', () => {
    const cursor = fakeCursor();
    const fanout = new PointerFanout(cursor.source, () => ({ x: 100, y: 50, width: 320, height: 240 }));
    const sink = new SlowSink();
    fanout.add({}, sink, capabilities, { shape: () => true, position: () => true });
    fanout.refresh();
    cursor.move({ x: 110, y: 70 });
    cursor.move({ x: 10, y: 10 });
    cursor.move({ x: 900, y: 900 });
    const positions = decoded(sink)
      .filter((u) => u.type === 'position')
      .map((u) => ({ x: (u as { x: number }).x, y: (u as { y: number }).y }));
    expect(positions).toEqual([
      { x: 10, y: 20 },
      { x: 0, y: 0 },
      { x: 319, y: 239 },
    ]);
    fanout.close();
  });

  it('queues nothing for a slow attendee and gives it the newest shape and position once it drains', () => {
    const cursor = fakeCursor();
    const fanout = new PointerFanout(cursor.source, () => ({ x: 0, y: 0, width: 640, height: 480 }));
    const slow = new SlowSink();
    const fast = new SlowSink();
    const wishes = { shape: () => true, position: () => true };
    fanout.add({}, slow, capabilities, wishes);
    fanout.add({}, fast, capabilities, wishes);
    fanout.refresh();
    slow.sent = [];
    fast.sent = [];
    slow.full = true;
    for (let i = 2; i < 102; i++) {
      cursor.reshape(i);
      cursor.move({ x: i, y: i });
    }
    expect(slow.sent).toEqual([]);
    expect(fast.sent).toHaveLength(200);
    slow.drain();
    const got = decoded(slow);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ type: 'new', xorBpp: 32 });
    expect(got[1]).toEqual({ type: 'position', x: 101, y: 101 });
    // The shape sent is the newest one (serial 101 fills its pixels with 101).
    const newest = decoded(fast)
      .filter((u) => u.type === 'new')
      .at(-1);
    expect({ ...got[0], cacheIndex: 0 }).toEqual({ ...newest, cacheIndex: 0 });
    fanout.close();
  });
});
