import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import {
  andMaskStride,
  decodeFastPathPointerUpdate,
  decodePointerPdu,
  encodeFastPathPointerUpdate,
  encodePointerPdu,
  type PointerUpdate,
  pointerFromArgb,
  xorMaskStride,
} from '../../src/data/pointer-update.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

const color3x3: PointerUpdate = {
  type: 'color',
  cacheIndex: 1,
  hotX: 1,
  hotY: 2,
  width: 3,
  height: 3,
  xorBpp: 24,
  xorMask: new Uint8Array(30).map((_, i) => i),
  andMask: hex('00 00 40 00 e0 00'),
};

const updates: PointerUpdate[] = [
  { type: 'position', x: 0x123, y: 0x456 },
  { type: 'system', pointer: 'null' },
  { type: 'system', pointer: 'default' },
  color3x3,
  {
    type: 'new',
    cacheIndex: 2,
    hotX: 0,
    hotY: 0,
    width: 2,
    height: 2,
    xorBpp: 32,
    xorMask: new Uint8Array(16).fill(7),
    andMask: hex('00 00 c0 00'),
  },
  {
    type: 'new',
    cacheIndex: 3,
    hotX: 0,
    hotY: 0,
    width: 9,
    height: 1,
    xorBpp: 1,
    xorMask: hex('ff 80'),
    andMask: hex('00 00'),
  },
  {
    type: 'large',
    cacheIndex: 4,
    hotX: 100,
    hotY: 100,
    width: 200,
    height: 1,
    xorBpp: 32,
    xorMask: new Uint8Array(800),
    andMask: new Uint8Array(26),
  },
  { type: 'cached', cacheIndex: 9 },
];

describe('mask strides', () => {
  it('pads each row to an even number of bytes (the 3x3 and 7x7 examples of 2.2.9.1.1.4.4)', () => {
    expect(xorMaskStride(3, 24)).toBe(10);
    expect(andMaskStride(7)).toBe(2);
    expect(andMaskStride(17)).toBe(4);
    expect(xorMaskStride(9, 1)).toBe(2);
    expect(xorMaskStride(3, 4)).toBe(2);
    expect(xorMaskStride(5, 32)).toBe(20);
  });
});

describe('fast-path pointer updates', () => {
  it('encodes codes and the annotated bodies', () => {
    expect(encodeFastPathPointerUpdate(updates[0])).toEqual({
      code: FastPathUpdateCode.PTR_POSITION,
      data: hex('23 01 56 04'),
    });
    expect(encodeFastPathPointerUpdate(updates[1])).toEqual({ code: FastPathUpdateCode.PTR_NULL, data: hex('') });
    expect(encodeFastPathPointerUpdate(updates[2])).toEqual({ code: FastPathUpdateCode.PTR_DEFAULT, data: hex('') });
    expect(encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: 9 })).toEqual({
      code: FastPathUpdateCode.CACHED,
      data: hex('09 00'),
    });
    const color = encodeFastPathPointerUpdate(color3x3);
    expect(color.code).toBe(FastPathUpdateCode.COLOR);
    // cacheIndex 1, hotSpot (1, 2), 3x3, lengthAndMask 6, lengthXorMask 30
    expect(color.data.subarray(0, 14)).toEqual(hex('01 00 01 00 02 00 03 00 03 00 06 00 1e 00'));
    expect(color.data.length).toBe(14 + 30 + 6);
    const large = encodeFastPathPointerUpdate(updates[6]);
    expect(large.code).toBe(FastPathUpdateCode.LARGE_POINTER);
    // xorBpp 32, cacheIndex 4, hotSpot (100, 100), 200x1, lengthAndMask 26 (u32), lengthXorMask 800 (u32)
    expect(large.data.subarray(0, 20)).toEqual(hex('20 00 04 00 64 00 64 00 c8 00 01 00 1a 00 00 00 20 03 00 00'));
  });

  it('round-trips every update on both paths', () => {
    for (const u of updates) {
      const { code, data } = encodeFastPathPointerUpdate(u);
      expect(decodeFastPathPointerUpdate(code, data)).toEqual(u);
      expect(decodePointerPdu(encodePointerPdu(u))).toEqual(u);
    }
  });

  it('encodes the slow-path system pointer with its 32-bit type', () => {
    expect(encodePointerPdu({ type: 'system', pointer: 'default' })).toEqual(hex('01 00 00 00 00 7f 00 00'));
    expect(encodePointerPdu({ type: 'position', x: 1, y: 2 })).toEqual(hex('03 00 00 00 01 00 02 00'));
  });

  it('rejects inconsistent shapes', () => {
    expect(() => encodeFastPathPointerUpdate({ ...color3x3, xorMask: new Uint8Array(27) })).toThrow(/xorMask/);
    expect(() => encodeFastPathPointerUpdate({ ...color3x3, xorBpp: 32 })).toThrow(/24 bpp/);
    expect(() =>
      encodeFastPathPointerUpdate({
        ...color3x3,
        type: 'new',
        width: 97,
        xorMask: new Uint8Array(0),
        andMask: new Uint8Array(0),
      }),
    ).toThrow(/96x96/);
    expect(() => decodeFastPathPointerUpdate(FastPathUpdateCode.POINTER, hex('03 00'))).toThrow(/xorBpp 3/);
    // lengthXorMask 27 does not match a 3x3 24-bpp mask (30)
    expect(() =>
      decodeFastPathPointerUpdate(FastPathUpdateCode.COLOR, hex('00 00 00 00 00 00 03 00 03 00 00 00 1b 00')),
    ).toThrow(/lengthXorMask/);
    expect(() => decodePointerPdu(hex('01 00 00 00 05 00 00 00'))).toThrow(/systemPointerType/);
    expect(() => decodeFastPathPointerUpdate(FastPathUpdateCode.BITMAP, hex(''))).toThrow(ProtocolError);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const slow = updates.map((u) => encodePointerPdu(u));
    expect(fuzz(decodePointerPdu, slow, { seed: 41 }).rejected).toBeGreaterThan(0);
    const fast = updates.map((u) => {
      const { code, data } = encodeFastPathPointerUpdate(u);
      return new Uint8Array([code, ...data]);
    });
    fuzz((b) => decodeFastPathPointerUpdate(b[0] ?? 0, b.subarray(1)), fast, { seed: 42 });
  });
});

describe('pointerFromArgb', () => {
  it('writes bottom-up BGRA rows and an AND mask that marks transparent pixels', () => {
    // 3x2, top row: opaque red, transparent, half-transparent green; bottom row: opaque blue, opaque white, transparent
    const pixels = new Uint32Array([0xffff0000, 0x00000000, 0x8000ff00, 0xff0000ff, 0xffffffff, 0x00123456]);
    const shape = pointerFromArgb({ width: 3, height: 2, xhot: 1, yhot: 0, pixels, cacheIndex: 5 });
    expect(shape).toMatchObject({ cacheIndex: 5, hotX: 1, hotY: 0, width: 3, height: 2, xorBpp: 32 });
    expect(shape.xorMask).toEqual(
      hex(
        [
          'ff 00 00 ff ff ff ff ff 00 00 00 00', // bottom row first: blue, white, transparent (zeroed)
          '00 00 ff ff 00 00 00 00 00 ff 00 80', // top row: red, transparent, green with alpha 0x80
        ].join(' '),
      ),
    );
    expect(shape.andMask).toEqual(hex('20 00 40 00')); // rows padded to 2 bytes; bit 7 = leftmost pixel
    const { code, data } = encodeFastPathPointerUpdate({ type: 'new', ...shape });
    expect(code).toBe(FastPathUpdateCode.POINTER);
    expect(decodeFastPathPointerUpdate(code, data)).toEqual({ type: 'new', ...shape });
  });

  it('un-premultiplies when asked', () => {
    const shape = pointerFromArgb({
      width: 1,
      height: 1,
      xhot: 0,
      yhot: 0,
      pixels: new Uint32Array([0x80400000]),
      premultiplied: true,
    });
    expect(Array.from(shape.xorMask.subarray(0, 4))).toEqual([0, 0, 0x80, 0x80]);
  });

  it('rejects bad geometry', () => {
    expect(() => pointerFromArgb({ width: 2, height: 2, xhot: 0, yhot: 0, pixels: new Uint32Array(3) })).toThrow(
      ProtocolError,
    );
    expect(() => pointerFromArgb({ width: 385, height: 1, xhot: 0, yhot: 0, pixels: new Uint32Array(385) })).toThrow(
      ProtocolError,
    );
  });
});
