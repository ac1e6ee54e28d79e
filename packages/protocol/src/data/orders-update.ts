import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { type CacheBitmapRev2Order, readSecondaryOrder, writeCacheBitmapRev2 } from './cache-bitmap-order.js';
import {
  type OrderBounds,
  type PrimaryOrder,
  PrimaryOrderControlFlag,
  PrimaryOrderReader,
  writePrimaryOrder,
} from './primary-orders.js';

const PDU = 'TS_FP_UPDATE_ORDERS';

/** A drawing order rdshare sends: a primary order, or the secondary order that fills the bitmap cache. */
export type DrawingOrder = PrimaryOrder | CacheBitmapRev2Order;

/** A decoded drawing order; a primary order carries the clipping rectangle in force for it, if any. */
export type DecodedDrawingOrder = { order: PrimaryOrder; bounds?: OrderBounds } | { order: CacheBitmapRev2Order };

/**
 * Encodes TS_FP_UPDATE_ORDERS (MS-RDPBCGR 2.2.9.1.2.1.2): numberOrders and the orders, each self-contained (a
 * primary order with TS_TYPE_CHANGE and every field, absolute coordinates, no bounds), so a client decodes them
 * whatever orders it saw before. The fast-path ORDERS update's updateData; `slowPathUpdate` frames the same
 * orders as TS_UPDATE_ORDERS_PDU_DATA. Send ScrBlt and MemBlt only to a client whose orderSupport has
 * `OrderSupportIndex.SCRBLT` and `.MEMBLT`, and cache bitmaps within the cells of its revision 2 bitmap cache.
 *
 * @example
 * ```ts
 * const data = encodeOrdersUpdate([
 *   { type: 'scrBlt', left: 0, top: 0, width: 640, height: 460, rop: ROP3_SRCCOPY, xSrc: 0, ySrc: 20 },
 * ]);
 * acceptor.sendFastPath([{ code: FastPathUpdateCode.ORDERS, data }]);
 * ```
 */
export function encodeOrdersUpdate(orders: readonly DrawingOrder[]): Uint8Array {
  if (orders.length > 0xffff) throw new ProtocolError('OVERSIZE', `${orders.length} orders exceed 65535`, PDU);
  const w = new ByteWriter(2 + orders.length * 24);
  w.u16le(orders.length);
  for (const order of orders) writeOrder(w, order);
  return w.toBytes();
}

/**
 * The same orders as few orders updates as possible, in order, each at most `maxLength` bytes (the client's
 * MaxRequestSize; for a slow-path client, what one Update PDU holds). An order too large on its own throws
 * OVERSIZE.
 */
export function encodeOrdersUpdates(orders: readonly DrawingOrder[], maxLength: number): Uint8Array[] {
  const updates: Uint8Array[] = [];
  let w = new ByteWriter();
  let count = 0;
  const flush = () => {
    w.setU16le(0, count);
    updates.push(w.toBytes());
    w = new ByteWriter();
    count = 0;
  };
  for (const o of orders) {
    if (count === 0xffff) flush();
    if (count === 0) w.u16le(0);
    // Written in place; only an order that overflows the update is moved on to the next one.
    const start = w.offset;
    writeOrder(w, o);
    const length = w.offset - start;
    if (2 + length > maxLength) {
      throw new ProtocolError('OVERSIZE', `a ${o.type} order of ${length} bytes cannot fit ${maxLength}`, PDU);
    }
    if (w.offset > maxLength) {
      const moved = w.written().slice(start);
      w.offset = start;
      flush();
      w.u16le(0).bytes(moved);
    }
    count++;
  }
  if (count > 0) flush();
  return updates;
}

function writeOrder(w: ByteWriter, order: DrawingOrder): void {
  if (order.type === 'cacheBitmapRev2') writeCacheBitmapRev2(w, order);
  else writePrimaryOrder(w, order);
}

/**
 * Decodes orders updates, keeping the primary orders' field-encoding state across them: one per connection,
 * reset when the client reactivates. Cache Bitmap Revision 2 orders are decoded, other secondary orders skipped;
 * alternate secondary orders, which carry no length, are UNSUPPORTED.
 */
export class OrdersDecoder {
  private readonly primary = new PrimaryOrderReader();

  /** Decodes TS_FP_UPDATE_ORDERS (numberOrders, then the orders); bytes after the last order are ignored. */
  decodeOrdersUpdate(bytes: Uint8Array): DecodedDrawingOrder[] {
    const r = new ByteReader(bytes, PDU);
    const count = r.u16le();
    const orders: DecodedDrawingOrder[] = [];
    for (let i = 0; i < count; i++) {
      const control = r.u8();
      if ((control & PrimaryOrderControlFlag.STANDARD) === 0) {
        throw new ProtocolError(
          'UNSUPPORTED',
          `controlFlags 0x${control.toString(16)}: alternate secondary order`,
          PDU,
        );
      }
      if (control & PrimaryOrderControlFlag.SECONDARY) {
        const order = readSecondaryOrder(r);
        if (order) orders.push({ order });
      } else orders.push(this.primary.read(r, control));
    }
    return orders;
  }

  /** Forgets the field-encoding state (after a reactivation, MS-RDPEGDI 3.2.1.1). */
  reset(): void {
    this.primary.reset();
  }
}
