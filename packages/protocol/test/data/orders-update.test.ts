import { describe, expect, it } from 'vitest';
import { slowPathUpdate } from '../../src/acceptor/slow-path-update.js';
import { ProtocolError } from '../../src/core/errors.js';
import { type CacheBitmapRev2Order, SecondaryOrderType } from '../../src/data/cache-bitmap-order.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import { encodeOrdersUpdate, encodeOrdersUpdates, OrdersDecoder } from '../../src/data/orders-update.js';
import {
  type MemBltOrder,
  OrderSupportIndex,
  PrimaryOrderType,
  ROP3_SRCCOPY,
  type ScrBltOrder,
} from '../../src/data/primary-orders.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

/** A scroll by 20 lines of a 640x480 window at the origin: the rows below the first 20 move up. */
const scroll: ScrBltOrder = {
  type: 'scrBlt',
  left: 0,
  top: 0,
  width: 640,
  height: 460,
  rop: ROP3_SRCCOPY,
  xSrc: 0,
  ySrc: 20,
};
/** The same order as TS_FP_UPDATE_ORDERS, field by field from MS-RDPBCGR 2.2.9.1.2.1.2 and MS-RDPEGDI 2.2.2.2.1.1.2. */
const scrollBytes = Uint8Array.from([
  ...[0x01, 0x00], // numberOrders 1
  0x09, // controlFlags TS_STANDARD | TS_TYPE_CHANGE
  0x02, // orderType TS_ENC_SCRBLT_ORDER
  0x7f, // fieldFlags: all seven fields
  ...[0x00, 0x00], // nLeftRect 0
  ...[0x00, 0x00], // nTopRect 0
  ...[0x80, 0x02], // nWidth 640
  ...[0xcc, 0x01], // nHeight 460
  0xcc, // bRop SRCCOPY
  ...[0x00, 0x00], // nXSrc 0
  ...[0x14, 0x00], // nYSrc 20
]);

describe('TS_FP_UPDATE_ORDERS with ScrBlt', () => {
  it('encodes each order self-contained: type change, every field, absolute coordinates', () => {
    expect(encodeOrdersUpdate([scroll])).toEqual(scrollBytes);
    expect(PrimaryOrderType.SCRBLT).toBe(2);
    expect(OrderSupportIndex.SCRBLT).toBe(2);
    expect(encodeOrdersUpdate([])).toEqual(hex('00 00'));
  });

  it('round-trips negative coordinates and several orders', () => {
    const pan: ScrBltOrder = { ...scroll, left: -10, top: 300, width: 64, height: 32, xSrc: 1200, ySrc: -3 };
    const decoded = new OrdersDecoder().decodeOrdersUpdate(encodeOrdersUpdate([scroll, pan]));
    expect(decoded).toEqual([{ order: scroll }, { order: pan }]);
  });

  it('refuses what it cannot encode with a ProtocolError', () => {
    expect(() => encodeOrdersUpdate([{ ...scroll, width: 0 }])).toThrow(ProtocolError);
    expect(() => encodeOrdersUpdate([{ ...scroll, xSrc: 40000 }])).toThrow(/xSrc 40000 is outside/);
    expect(() => encodeOrdersUpdate([{ ...scroll, top: 1.5 }])).toThrow(ProtocolError);
    expect(() => encodeOrdersUpdate([{ ...scroll, rop: 256 }])).toThrow(/rop 256/);
  });

  it('decodes field encoding as servers compress it: omitted fields, deltas, no type, zero field byte', () => {
    const decoder = new OrdersDecoder();
    decoder.decodeOrdersUpdate(scrollBytes);
    const next = decoder.decodeOrdersUpdate(
      hex(
        [
          '03 00', // three orders
          // TS_STANDARD | TS_DELTA_COORDINATES, no orderType (still ScrBlt); fieldFlags nTopRect, nYSrc: +20, -4
          '11 42 14 fc',
          // TS_STANDARD only; fieldFlags nLeftRect (absolute 100) and bRop 0x55
          '01 11 64 00 55',
          // TS_STANDARD | TS_ZERO_FIELD_BYTE_BIT0: no field byte, the same order again
          '41',
        ].join(' '),
      ),
    );
    const second = { ...scroll, top: 20, ySrc: 16 };
    const third = { ...second, left: 100, rop: 0x55 };
    expect(next).toEqual([{ order: second }, { order: third }, { order: third }]);
  });

  it('decodes bounds, their deltas and TS_ZERO_BOUNDS_DELTAS', () => {
    const decoder = new OrdersDecoder();
    const orders = decoder.decodeOrdersUpdate(
      hex(
        [
          '03 00',
          // TS_STANDARD | TS_BOUNDS | TS_TYPE_CHANGE, ScrBlt, no fields; bounds: all four absolute
          '0d 02 00 0f 0a 00 14 00 1e 00 28 00',
          // TS_STANDARD | TS_BOUNDS, no fields; bounds: left +5 as a delta, bottom absolute 100
          '05 00 18 05 64 00',
          // TS_STANDARD | TS_BOUNDS | TS_ZERO_BOUNDS_DELTAS, no fields: the same bounds
          '25 00',
        ].join(' '),
      ),
    );
    expect(orders.map((o) => ('bounds' in o ? o.bounds : undefined))).toEqual([
      { left: 10, top: 20, right: 30, bottom: 40 },
      { left: 15, top: 20, right: 30, bottom: 100 },
      { left: 15, top: 20, right: 30, bottom: 100 },
    ]);
    decoder.reset();
    expect(decoder.decodeOrdersUpdate(hex('01 00 25 00'))[0]).toMatchObject({
      bounds: { left: 0, top: 0, right: 0, bottom: 0 },
    });
  });

  it('rejects other order classes and types, and truncated orders, with a ProtocolError', () => {
    const decoder = new OrdersDecoder();
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 09 01 00'))).toThrow(/primary order type 1/);
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 02'))).toThrow(/alternate secondary order/);
    expect(() => decoder.decodeOrdersUpdate(scrollBytes.subarray(0, 10))).toThrow(ProtocolError);
    expect(() => decoder.decodeOrdersUpdate(hex('02 00 41'))).toThrow(ProtocolError);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const decoder = new OrdersDecoder();
    const { rejected, accepted } = fuzz(
      (bytes) => decoder.decodeOrdersUpdate(bytes),
      [
        scrollBytes,
        hex('02 00 0d 02 7f 0f 0a 00 14 00 1e 00 28 00 01 00 02 00 03 00 04 00 cc 05 00 06 00 11 1f 01 02 03 04 cc'),
      ],
      { seed: 41 },
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });

  it('goes slow-path as TS_UPDATE_ORDERS_PDU_DATA: updateType, pad, numberOrders, pad, the orders', () => {
    const { pduType2, body } = slowPathUpdate(FastPathUpdateCode.ORDERS, scrollBytes);
    expect(pduType2).toBe(0x02); // PDUTYPE2_UPDATE
    expect(body).toEqual(Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, ...scrollBytes.subarray(2)]));
    expect(() => slowPathUpdate(FastPathUpdateCode.ORDERS, hex('01'))).toThrow(ProtocolError);
  });
});

/** A 64x64 tile at (128, 64) drawn from index 300 of cache 2. */
const memBlt: MemBltOrder = {
  type: 'memBlt',
  cacheId: 2,
  colorIndex: 0,
  left: 128,
  top: 64,
  width: 64,
  height: 64,
  rop: ROP3_SRCCOPY,
  xSrc: 0,
  ySrc: 0,
  cacheIndex: 300,
};
/** The primary order, field by field from MS-RDPEGDI 2.2.2.2.1.1.2.9. */
const memBltBytes = hex(
  [
    '09 0d', // TS_STANDARD | TS_TYPE_CHANGE, TS_ENC_MEMBLT_ORDER
    'ff 01', // fieldFlags: all nine fields (two field bytes)
    '02 00', // cacheId 2, color table 0
    '80 00 40 00 40 00 40 00', // nLeftRect 128, nTopRect 64, nWidth 64, nHeight 64
    'cc', // bRop SRCCOPY
    '00 00 00 00', // nXSrc 0, nYSrc 0
    '2c 01', // cacheIndex 300
  ].join(' '),
);
/** The tile cached at index 300 of cache 2: four bytes of planar data standing for the bitmap. */
const cached: CacheBitmapRev2Order = {
  type: 'cacheBitmapRev2',
  cacheId: 2,
  cacheIndex: 300,
  bitsPerPixel: 32,
  width: 64,
  height: 64,
  compressed: true,
  data: hex('10 01 02 03'),
};
/** The secondary order, field by field from MS-RDPEGDI 2.2.2.2.1.2.3. */
const cachedBytes = hex(
  [
    '03', // TS_STANDARD | TS_SECONDARY
    '01 00', // orderLength: 14 bytes in all, minus 13
    'b2 04', // extraFlags: cacheId 2, CBR2_32BPP << 3, (CBR2_HEIGHT_SAME_AS_WIDTH | CBR2_NO_BITMAP_COMPRESSION_HDR) << 7
    '05', // TS_CACHE_BITMAP_COMPRESSED_REV2
    '40', // bitmapWidth 64 (TWO_BYTE_UNSIGNED_ENCODING, one byte); no bitmapHeight
    '04', // bitmapLength 4 (FOUR_BYTE_UNSIGNED_ENCODING, one byte)
    '81 2c', // cacheIndex 300 (two bytes)
    '10 01 02 03', // bitmapDataStream
  ].join(' '),
);

describe('TS_FP_UPDATE_ORDERS with the revision 2 bitmap cache', () => {
  it('encodes Cache Bitmap Revision 2 and MemBlt byte for byte', () => {
    expect(encodeOrdersUpdate([cached, memBlt])).toEqual(Uint8Array.from([0x02, 0x00, ...cachedBytes, ...memBltBytes]));
    expect(PrimaryOrderType.MEMBLT).toBe(0x0d);
    expect(OrderSupportIndex.MEMBLT).toBe(3);
    expect(SecondaryOrderType.CACHE_BITMAP_COMPRESSED_REV2).toBe(5);
  });

  it('round-trips bitmaps that are not square, larger lengths and indices, and every colour depth', () => {
    const decoder = new OrdersDecoder();
    for (const [bitsPerPixel, decodedBpp] of [
      [32, 32],
      [24, 24],
      [16, 16],
      [15, 16],
      [8, 8],
    ]) {
      const order = { ...cached, bitsPerPixel, width: 64, height: 17, cacheIndex: 0x7ffe, data: new Uint8Array(0x100) };
      const bytes = encodeOrdersUpdate([order]);
      // bitmapLength 0x100 takes two bytes (c = 1): 0x41 0x00.
      expect(Buffer.from(bytes).includes(Buffer.from([0x41, 0x00, 0xff, 0xfe]))).toBe(true);
      expect(decoder.decodeOrdersUpdate(bytes)).toEqual([{ order: { ...order, bitsPerPixel: decodedBpp } }]);
    }
    const coloured = { ...memBlt, colorIndex: 7, cacheId: 1, xSrc: 3, ySrc: 5 };
    expect(decoder.decodeOrdersUpdate(encodeOrdersUpdate([coloured]))).toEqual([{ order: coloured }]);
  });

  it('decodes TS_CD_HEADER, skips other secondary orders and follows MemBlt field deltas', () => {
    const decoder = new OrdersDecoder();
    const orders = decoder.decodeOrdersUpdate(
      hex(
        [
          '04 00',
          // Cache Bitmap Rev2 with TS_CD_HEADER (no CBR2_NO_BITMAP_COMPRESSION_HDR): bitmapLength 12 counts it
          '03 09 00 b2 00 05 40 0c 81 2c 00 00 04 00 40 00 00 40 10 01 02 03',
          // a Cache Brush order (type 7) of two bytes, skipped by its orderLength (8 - 13 = -5)
          '03 fb ff 00 00 07 aa bb',
          '09 0d ff 01 02 00 80 00 40 00 40 00 40 00 cc 00 00 00 00 2c 01',
          // TS_STANDARD | TS_DELTA_COORDINATES, MemBlt again: nLeftRect +64 and cacheIndex 301 only
          '11 02 01 40 2d 01',
        ].join(' '),
      ),
    );
    expect(orders).toEqual([
      { order: cached },
      { order: memBlt },
      { order: { ...memBlt, left: 192, cacheIndex: 301 } },
    ]);
  });

  it('packs orders into as few updates as fit a size, in order', () => {
    // A cache order is 14 bytes, a MemBlt 21: two pairs fit 2 + 70 bytes, not 2 + 69.
    const pairs = [cached, memBlt, { ...cached, cacheIndex: 301 }, { ...memBlt, cacheIndex: 301 }];
    expect(encodeOrdersUpdates(pairs, 72)).toEqual([encodeOrdersUpdate(pairs)]);
    const split = encodeOrdersUpdates(pairs, 71);
    expect(split).toEqual([encodeOrdersUpdate(pairs.slice(0, 3)), encodeOrdersUpdate(pairs.slice(3))]);
    expect(encodeOrdersUpdates([], 100)).toEqual([]);
    expect(() => encodeOrdersUpdates([memBlt], 22)).toThrow(/memBlt order of 21 bytes/);
  });

  it('refuses what it cannot encode or decode with a ProtocolError', () => {
    expect(() => encodeOrdersUpdate([{ ...cached, cacheIndex: 0x8000 }])).toThrow(/cacheIndex 32768/);
    expect(() => encodeOrdersUpdate([{ ...cached, cacheId: 8 }])).toThrow(/cacheId 8/);
    expect(() => encodeOrdersUpdate([{ ...cached, bitsPerPixel: 4 }])).toThrow(/bitsPerPixelId/);
    expect(() => encodeOrdersUpdate([{ ...cached, data: new Uint8Array(0x8010) }])).toThrow(/order of/);
    expect(() => encodeOrdersUpdate([{ ...memBlt, cacheId: 256 }])).toThrow(/cacheId 256/);
    const decoder = new OrdersDecoder();
    expect(() => decoder.decodeOrdersUpdate(cachedBytes.subarray(0, 9))).toThrow(ProtocolError);
    // orderLength claims more than there is
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 03 40 00 b2 04 05 40'))).toThrow(ProtocolError);
    // bitmapLength past the order's end
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 03 01 00 b2 04 05 40 09 81 2c 10 01 02 03'))).toThrow(
      /bitmapDataStream/,
    );
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 03 01 00 fa 04 05 40 04 81 2c 10 01 02 03'))).toThrow(
      /bitsPerPixelId 15/,
    );
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const decoder = new OrdersDecoder();
    const { rejected, accepted } = fuzz(
      (bytes) => decoder.decodeOrdersUpdate(bytes),
      [Uint8Array.from([0x02, 0x00, ...cachedBytes, ...memBltBytes])],
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
