import { describe, expect, it } from 'vitest';
import { slowPathUpdate } from '../../src/acceptor/slow-path-update.js';
import { ProtocolError } from '../../src/core/errors.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import {
  encodeOrdersUpdate,
  OrderSupportIndex,
  PrimaryOrderDecoder,
  PrimaryOrderType,
  ROP3_SRCCOPY,
  type ScrBltOrder,
} from '../../src/data/orders-update.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

/** A scroll by 20 lines of a 640x480 window at the origin: the rows below the first 20 move up. */
const scroll: ScrBltOrder = { left: 0, top: 0, width: 640, height: 460, rop: ROP3_SRCCOPY, xSrc: 0, ySrc: 20 };
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
    const pan: ScrBltOrder = { left: -10, top: 300, width: 64, height: 32, rop: ROP3_SRCCOPY, xSrc: 1200, ySrc: -3 };
    const decoded = new PrimaryOrderDecoder().decodeOrdersUpdate(encodeOrdersUpdate([scroll, pan]));
    expect(decoded).toEqual([
      { type: 'scrBlt', order: scroll },
      { type: 'scrBlt', order: pan },
    ]);
  });

  it('refuses what it cannot encode with a ProtocolError', () => {
    expect(() => encodeOrdersUpdate([{ ...scroll, width: 0 }])).toThrow(ProtocolError);
    expect(() => encodeOrdersUpdate([{ ...scroll, xSrc: 40000 }])).toThrow(/16-bit coordinate/);
    expect(() => encodeOrdersUpdate([{ ...scroll, top: 1.5 }])).toThrow(ProtocolError);
    expect(() => encodeOrdersUpdate([{ ...scroll, rop: 256 }])).toThrow(/bRop/);
  });

  it('decodes field encoding as servers compress it: omitted fields, deltas, no type, zero field byte', () => {
    const decoder = new PrimaryOrderDecoder();
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
    expect(next).toEqual([
      { type: 'scrBlt', order: second },
      { type: 'scrBlt', order: third },
      { type: 'scrBlt', order: third },
    ]);
  });

  it('decodes bounds, their deltas and TS_ZERO_BOUNDS_DELTAS', () => {
    const decoder = new PrimaryOrderDecoder();
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
    expect(orders.map((o) => o.bounds)).toEqual([
      { left: 10, top: 20, right: 30, bottom: 40 },
      { left: 15, top: 20, right: 30, bottom: 100 },
      { left: 15, top: 20, right: 30, bottom: 100 },
    ]);
    decoder.reset();
    expect(decoder.decodeOrdersUpdate(hex('01 00 25 00'))[0].bounds).toEqual({ left: 0, top: 0, right: 0, bottom: 0 });
  });

  it('rejects other order classes and types, and truncated orders, with a ProtocolError', () => {
    const decoder = new PrimaryOrderDecoder();
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 09 01 00'))).toThrow(/primary order type 1/);
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 03 00 00'))).toThrow(/not a primary order/);
    expect(() => decoder.decodeOrdersUpdate(hex('01 00 02'))).toThrow(/not a primary order/);
    expect(() => decoder.decodeOrdersUpdate(scrollBytes.subarray(0, 10))).toThrow(ProtocolError);
    expect(() => decoder.decodeOrdersUpdate(hex('02 00 41'))).toThrow(ProtocolError);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const decoder = new PrimaryOrderDecoder();
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
