import { decodeFastPathPointerUpdate, FastPathUpdateCode } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { PointerCacheSlots, PointerShapes } from '../../src/graphics/pointer-shapes.js';

const cursor = (serial: number, size = 16) => ({
  width: size,
  height: size,
  xhot: 1,
  yhot: 2,
  serial,
  pixels: new Uint8Array(size * size * 4).fill(0xff),
});

describe('PointerCacheSlots', () => {
  it('reuses the slot of a known shape and evicts the least recently used', () => {
    const slots = new PointerCacheSlots(2);
    expect(slots.place(10)).toEqual({ slot: 0, hit: false });
    expect(slots.place(11)).toEqual({ slot: 1, hit: false });
    expect(slots.place(10)).toEqual({ slot: 0, hit: true });
    expect(slots.place(12)).toEqual({ slot: 1, hit: false }); // 11 was least recently used
    expect(slots.place(10).hit).toBe(true);
    slots.forget(0);
    expect(slots.place(10).hit).toBe(false);
  });
});

describe('PointerShapes', () => {
  it('encodes the current cursor once per slot as a new-pointer update with its hotspot', () => {
    const shapes = new PointerShapes();
    expect(shapes.update(cursor(1))).toBe(true);
    expect(shapes.update(cursor(1))).toBe(false);
    const update = shapes.shapeUpdate(3, false)!;
    expect(update.code).toBe(FastPathUpdateCode.POINTER);
    expect(shapes.shapeUpdate(3, false)).toBe(update);
    const decoded = decodeFastPathPointerUpdate(update.code, update.data);
    expect(decoded).toMatchObject({ type: 'new', cacheIndex: 3, hotX: 1, hotY: 2, width: 16, height: 16, xorBpp: 32 });
  });

  it('sends cursors over 96x96 only to clients with large-pointer support', () => {
    const shapes = new PointerShapes();
    shapes.update(cursor(2, 128));
    expect(shapes.shapeUpdate(0, false)).toBeUndefined();
    expect(shapes.shapeUpdate(0, true)?.code).toBe(FastPathUpdateCode.LARGE_POINTER);
  });
});
