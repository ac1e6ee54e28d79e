import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'TS_FP_UPDATE_ORDERS';

/** PRIMARY_DRAWING_ORDER controlFlags (MS-RDPEGDI 2.2.2.2.1.1.2). */
export const PrimaryOrderControlFlag = {
  STANDARD: 0x01,
  SECONDARY: 0x02,
  BOUNDS: 0x04,
  TYPE_CHANGE: 0x08,
  DELTA_COORDINATES: 0x10,
  ZERO_BOUNDS_DELTAS: 0x20,
  ZERO_FIELD_BYTE_BIT0: 0x40,
  ZERO_FIELD_BYTE_BIT1: 0x80,
} as const;

/** Primary drawing order encoding numbers (orderType, MS-RDPEGDI 2.2.2.2.1.1.2). */
export const PrimaryOrderType = {
  /** TS_ENC_SCRBLT_ORDER. */
  SCRBLT: 0x02,
} as const;

/** Indices into TS_ORDER_CAPABILITYSET.orderSupport (MS-RDPBCGR 2.2.7.1.3). */
export const OrderSupportIndex = {
  /** TS_NEG_SCRBLT_INDEX. */
  SCRBLT: 0x02,
} as const;

/** The ternary raster operation that copies the source unchanged (SRCCOPY, MS-RDPEGDI 2.2.2.2.1.1.1.7). */
export const ROP3_SRCCOPY = 0xcc;

/** Bounds description bits (MS-RDPEGDI 2.2.2.2.1.1.1.4): each edge absolute (2 bytes) or a delta (1 byte). */
const BOUND_LEFT = 0x01;
const BOUND_TOP = 0x02;
const BOUND_RIGHT = 0x04;
const BOUND_BOTTOM = 0x08;
const BOUND_DELTA_LEFT = 0x10;
const BOUND_DELTA_TOP = 0x20;
const BOUND_DELTA_RIGHT = 0x40;
const BOUND_DELTA_BOTTOM = 0x80;

/** SCRBLT_ORDER's seven fields, in fieldFlags bit order: nLeftRect .. nYSrc (bRop is the fifth). */
const SCRBLT_FIELDS = 7;
const ALL_SCRBLT_FIELDS = (1 << SCRBLT_FIELDS) - 1;
const FIELD_BROP = 4;
/** An order's destination and source must lie in the coordinate range of an absolute Coord Field. */
const COORD_MIN = -0x8000;
const COORD_MAX = 0x7fff;

/**
 * SCRBLT_ORDER (MS-RDPEGDI 2.2.2.2.1.1.2.7): copies `width` x `height` pixels of the client's screen from
 * (`xSrc`, `ySrc`) to (`left`, `top`) with raster operation `rop` (SRCCOPY for a copy). Source and destination
 * may overlap; the client copies as if through a temporary buffer.
 */
export interface ScrBltOrder {
  left: number;
  top: number;
  width: number;
  height: number;
  rop: number;
  xSrc: number;
  ySrc: number;
}

/** Inclusive clipping rectangle of an order (TS_BOUNDS). */
export interface OrderBounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A decoded primary drawing order with the clipping rectangle in force for it, if any. */
export interface DecodedPrimaryOrder {
  type: 'scrBlt';
  order: ScrBltOrder;
  bounds?: OrderBounds;
}

function checkCoord(value: number, field: string): void {
  if (!Number.isInteger(value) || value < COORD_MIN || value > COORD_MAX) {
    throw new ProtocolError('INVALID', `${field} ${value} is not a 16-bit coordinate`, 'SCRBLT_ORDER');
  }
}

/**
 * Encodes TS_FP_UPDATE_ORDERS (MS-RDPBCGR 2.2.9.1.2.1.2): numberOrders and one primary drawing order per copy,
 * each self-contained (TS_TYPE_CHANGE and every field present, absolute coordinates, no bounds), so a client
 * decodes it whatever orders it saw before. The fast-path ORDERS update's updateData; `slowPathUpdate` frames the
 * same orders as TS_UPDATE_ORDERS_PDU_DATA. Send only to a client whose orderSupport has
 * {@link OrderSupportIndex}.SCRBLT.
 *
 * @example
 * ```ts
 * const data = encodeOrdersUpdate([{ left: 0, top: 0, width: 640, height: 460, rop: ROP3_SRCCOPY, xSrc: 0, ySrc: 20 }]);
 * acceptor.sendFastPath([{ code: FastPathUpdateCode.ORDERS, data }]);
 * ```
 */
export function encodeOrdersUpdate(orders: readonly ScrBltOrder[]): Uint8Array {
  if (orders.length > 0xffff) throw new ProtocolError('OVERSIZE', `${orders.length} orders exceed 65535`, PDU);
  const w = new ByteWriter(2 + orders.length * 16);
  w.u16le(orders.length);
  for (const o of orders) {
    for (const [field, value] of Object.entries(o)) if (field !== 'rop') checkCoord(value, field);
    if (!(o.width > 0 && o.height > 0)) {
      throw new ProtocolError('INVALID', `empty rectangle ${o.width}x${o.height}`, 'SCRBLT_ORDER');
    }
    if (!Number.isInteger(o.rop) || o.rop < 0 || o.rop > 0xff) {
      throw new ProtocolError('INVALID', `bRop ${o.rop} is not a byte`, 'SCRBLT_ORDER');
    }
    w.u8(PrimaryOrderControlFlag.STANDARD | PrimaryOrderControlFlag.TYPE_CHANGE)
      .u8(PrimaryOrderType.SCRBLT)
      .u8(ALL_SCRBLT_FIELDS)
      .i16le(o.left)
      .i16le(o.top)
      .i16le(o.width)
      .i16le(o.height)
      .u8(o.rop)
      .i16le(o.xSrc)
      .i16le(o.ySrc);
  }
  return w.toBytes();
}

/**
 * Decodes the primary drawing orders of orders updates, keeping the state field encoding refers to across
 * updates (MS-RDPEGDI 3.2.1.1: the last order type, each order's last field values and the last bounds): one
 * decoder per connection, reset when the client reactivates. Handles every encoding a server may choose (omitted
 * fields, delta coordinates, bounds and their deltas) for ScrBlt; any other order type is UNSUPPORTED, as a
 * client that advertised only ScrBlt never receives one.
 */
export class PrimaryOrderDecoder {
  private orderType: number = PrimaryOrderType.SCRBLT;
  private readonly scrBlt: ScrBltOrder = { left: 0, top: 0, width: 0, height: 0, rop: 0, xSrc: 0, ySrc: 0 };
  private bounds: OrderBounds = { left: 0, top: 0, right: 0, bottom: 0 };

  /** Decodes TS_FP_UPDATE_ORDERS (numberOrders, then the orders); bytes after the last order are ignored. */
  decodeOrdersUpdate(bytes: Uint8Array): DecodedPrimaryOrder[] {
    const r = new ByteReader(bytes, PDU);
    const count = r.u16le();
    const orders: DecodedPrimaryOrder[] = [];
    for (let i = 0; i < count; i++) orders.push(this.decodeOrder(r));
    return orders;
  }

  /** Forgets the field-encoding state (after a reactivation, MS-RDPEGDI 3.2.1.1). */
  reset(): void {
    this.orderType = PrimaryOrderType.SCRBLT;
    Object.assign(this.scrBlt, { left: 0, top: 0, width: 0, height: 0, rop: 0, xSrc: 0, ySrc: 0 });
    this.bounds = { left: 0, top: 0, right: 0, bottom: 0 };
  }

  private decodeOrder(r: ByteReader): DecodedPrimaryOrder {
    const control = r.u8();
    if ((control & PrimaryOrderControlFlag.STANDARD) === 0 || (control & PrimaryOrderControlFlag.SECONDARY) !== 0) {
      throw new ProtocolError('UNSUPPORTED', `controlFlags 0x${control.toString(16)}: not a primary order`, PDU);
    }
    if (control & PrimaryOrderControlFlag.TYPE_CHANGE) this.orderType = r.u8();
    if (this.orderType !== PrimaryOrderType.SCRBLT) {
      throw new ProtocolError('UNSUPPORTED', `primary order type ${this.orderType}`, PDU);
    }
    // ScrBlt has one field byte; either zero-byte bit says it was left out because it is zero.
    const zeroFieldByte =
      control & (PrimaryOrderControlFlag.ZERO_FIELD_BYTE_BIT0 | PrimaryOrderControlFlag.ZERO_FIELD_BYTE_BIT1);
    const fields = zeroFieldByte ? 0 : r.u8();
    let bounds: OrderBounds | undefined;
    if (control & PrimaryOrderControlFlag.BOUNDS) {
      if ((control & PrimaryOrderControlFlag.ZERO_BOUNDS_DELTAS) === 0) this.bounds = this.readBounds(r);
      bounds = { ...this.bounds };
    }
    const delta = (control & PrimaryOrderControlFlag.DELTA_COORDINATES) !== 0;
    const coord = (field: number, previous: number) => {
      if ((fields & (1 << field)) === 0) return previous;
      return delta ? previous + ((r.u8() << 24) >> 24) : r.i16le();
    };
    const o = this.scrBlt;
    o.left = coord(0, o.left);
    o.top = coord(1, o.top);
    o.width = coord(2, o.width);
    o.height = coord(3, o.height);
    if (fields & (1 << FIELD_BROP)) o.rop = r.u8();
    o.xSrc = coord(5, o.xSrc);
    o.ySrc = coord(6, o.ySrc);
    return { type: 'scrBlt', order: { ...o }, ...(bounds ? { bounds } : {}) };
  }

  private readBounds(r: ByteReader): OrderBounds {
    const description = r.u8();
    const edge = (absolute: number, deltaBit: number, previous: number) => {
      if (description & absolute) return r.i16le();
      if (description & deltaBit) return previous + ((r.u8() << 24) >> 24);
      return previous;
    };
    const b = this.bounds;
    return {
      left: edge(BOUND_LEFT, BOUND_DELTA_LEFT, b.left),
      top: edge(BOUND_TOP, BOUND_DELTA_TOP, b.top),
      right: edge(BOUND_RIGHT, BOUND_DELTA_RIGHT, b.right),
      bottom: edge(BOUND_BOTTOM, BOUND_DELTA_BOTTOM, b.bottom),
    };
  }
}
