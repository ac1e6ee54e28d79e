import type { ByteReader } from '../core/byte-reader.js';
import type { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'PRIMARY_DRAWING_ORDER';

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
  /** TS_ENC_MEMBLT_ORDER. */
  MEMBLT: 0x0d,
} as const;

/** Indices into TS_ORDER_CAPABILITYSET.orderSupport (MS-RDPBCGR 2.2.7.1.3). */
export const OrderSupportIndex = {
  /** TS_NEG_SCRBLT_INDEX. */
  SCRBLT: 0x02,
  /** TS_NEG_MEMBLT_INDEX. */
  MEMBLT: 0x03,
} as const;

/** The ternary raster operation that copies the source unchanged (SRCCOPY, MS-RDPEGDI 2.2.2.2.1.1.1.7). */
export const ROP3_SRCCOPY = 0xcc;

/** What ScrBlt and MemBlt share: the destination rectangle, the raster operation and the source's top left. */
export interface BltFields {
  left: number;
  top: number;
  width: number;
  height: number;
  rop: number;
  xSrc: number;
  ySrc: number;
}

/**
 * SCRBLT_ORDER (MS-RDPEGDI 2.2.2.2.1.1.2.7): copies `width` x `height` pixels of the client's screen from
 * (`xSrc`, `ySrc`) to (`left`, `top`) with raster operation `rop` (SRCCOPY for a copy). Source and destination
 * may overlap; the client copies as if through a temporary buffer.
 */
export interface ScrBltOrder extends BltFields {
  type: 'scrBlt';
}

/**
 * MEMBLT_ORDER (MS-RDPEGDI 2.2.2.2.1.1.2.9): draws (`xSrc`, `ySrc`, `width`, `height`) of the bitmap at
 * `cacheIndex` of bitmap cache `cacheId` at (`left`, `top`) with raster operation `rop`. `colorIndex` is the color
 * table of 8 bpp bitmaps (the high byte of the cacheId field).
 */
export interface MemBltOrder extends BltFields {
  type: 'memBlt';
  cacheId: number;
  colorIndex: number;
  cacheIndex: number;
}

export type PrimaryOrder = ScrBltOrder | MemBltOrder;

/** Inclusive clipping rectangle of an order (TS_BOUNDS). */
export interface OrderBounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** How a field is encoded: a Coord Field (2 bytes absolute, 1 byte delta), or a fixed-size integer. */
type FieldKind = 'coord' | 'u8' | 'u16';
/** The byte of cacheId that holds the cache id; the other holds the color table index. */
const MEMBLT_CACHE_ID = 'cacheIdField';

interface OrderSchema {
  orderType: number;
  /** fieldFlags bytes (MS-RDPEGDI: "Number of field encoding bytes"). */
  fieldBytes: number;
  fields: readonly [name: string, kind: FieldKind][];
}

/** The fields ScrBlt and MemBlt share, in the order both encode them. */
const BLT_FIELDS: readonly [string, FieldKind][] = [
  ['left', 'coord'],
  ['top', 'coord'],
  ['width', 'coord'],
  ['height', 'coord'],
  ['rop', 'u8'],
  ['xSrc', 'coord'],
  ['ySrc', 'coord'],
];

/** The fields of each order, in fieldFlags bit order. */
const SCHEMAS: Record<PrimaryOrder['type'], OrderSchema> = {
  scrBlt: { orderType: PrimaryOrderType.SCRBLT, fieldBytes: 1, fields: BLT_FIELDS },
  memBlt: {
    orderType: PrimaryOrderType.MEMBLT,
    fieldBytes: 2,
    fields: [[MEMBLT_CACHE_ID, 'u16'], ...BLT_FIELDS, ['cacheIndex', 'u16']],
  },
};
const TYPE_OF_ORDER = new Map(Object.entries(SCHEMAS).map(([type, s]) => [s.orderType, type as PrimaryOrder['type']]));

/** The order's values by schema field (MemBlt's cacheId field packs the cache id and the color table index). */
function fieldValues(order: PrimaryOrder): Record<string, number> {
  const values = { ...order } as unknown as Record<string, number>;
  if (order.type === 'memBlt') {
    for (const name of ['cacheId', 'colorIndex'] as const) {
      const value = order[name];
      if (!Number.isInteger(value) || value < 0 || value > 0xff) {
        throw new ProtocolError('INVALID', `memBlt ${name} ${value} is not a byte`, PDU);
      }
    }
    values[MEMBLT_CACHE_ID] = (order.colorIndex << 8) | order.cacheId;
  }
  return values;
}

const LIMITS: Record<FieldKind, [number, number]> = { coord: [-0x8000, 0x7fff], u8: [0, 0xff], u16: [0, 0xffff] };

/**
 * Writes one primary drawing order, self-contained: TS_TYPE_CHANGE and every field present, absolute
 * coordinates, no bounds, so a client decodes it whatever orders it saw before (MS-RDPEGDI 2.2.2.2.1.1.2).
 */
export function writePrimaryOrder(w: ByteWriter, order: PrimaryOrder): void {
  const schema = SCHEMAS[order.type];
  const values = fieldValues(order);
  for (const [name, kind] of schema.fields) {
    const [min, max] = LIMITS[kind];
    const value = values[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ProtocolError('INVALID', `${order.type} ${name} ${value} is outside ${min}..${max}`, PDU);
    }
  }
  if (!(order.width > 0 && order.height > 0)) {
    throw new ProtocolError('INVALID', `${order.type}: empty rectangle ${order.width}x${order.height}`, PDU);
  }
  w.u8(PrimaryOrderControlFlag.STANDARD | PrimaryOrderControlFlag.TYPE_CHANGE).u8(schema.orderType);
  const all = (1 << schema.fields.length) - 1;
  for (let i = 0; i < schema.fieldBytes; i++) w.u8((all >> (8 * i)) & 0xff);
  for (const [name, kind] of schema.fields) {
    const value = values[name];
    if (kind === 'coord') w.i16le(value);
    else if (kind === 'u8') w.u8(value);
    else w.u16le(value);
  }
}

/** Bounds description bits (MS-RDPEGDI 2.2.2.2.1.1.1.4): each edge absolute (2 bytes) or a delta (1 byte). */
const BOUND_LEFT = 0x01;
const BOUND_TOP = 0x02;
const BOUND_RIGHT = 0x04;
const BOUND_BOTTOM = 0x08;
const BOUND_DELTA_LEFT = 0x10;
const BOUND_DELTA_TOP = 0x20;
const BOUND_DELTA_RIGHT = 0x40;
const BOUND_DELTA_BOTTOM = 0x80;

const signedByte = (r: ByteReader) => (r.u8() << 24) >> 24;

/**
 * Reads primary drawing orders, keeping the state their field encoding refers to (MS-RDPEGDI 3.2.1.1: the last
 * order type, each order type's last field values and the last bounds): one per connection, reset when the
 * client reactivates. Handles every encoding a server may choose (omitted fields, zero field bytes, delta
 * coordinates, bounds and their deltas) for ScrBlt and MemBlt; any other order type is UNSUPPORTED, as a client
 * that advertised only these never receives one.
 */
export class PrimaryOrderReader {
  private orderType: number = PrimaryOrderType.SCRBLT;
  private readonly last = new Map<number, Record<string, number>>();
  private bounds: OrderBounds = { left: 0, top: 0, right: 0, bottom: 0 };

  /** Forgets the field-encoding state. */
  reset(): void {
    this.orderType = PrimaryOrderType.SCRBLT;
    this.last.clear();
    this.bounds = { left: 0, top: 0, right: 0, bottom: 0 };
  }

  /** Reads the order whose controlFlags (TS_STANDARD set, TS_SECONDARY clear) were just read. */
  read(r: ByteReader, control: number): { order: PrimaryOrder; bounds?: OrderBounds } {
    if (control & PrimaryOrderControlFlag.TYPE_CHANGE) this.orderType = r.u8();
    const type = TYPE_OF_ORDER.get(this.orderType);
    if (!type) throw new ProtocolError('UNSUPPORTED', `primary order type ${this.orderType}`, PDU);
    const schema = SCHEMAS[type];
    // Each zero-byte bit says that many of the last field bytes were left out because they are zero.
    const zeroBytes =
      (control & PrimaryOrderControlFlag.ZERO_FIELD_BYTE_BIT0 ? 1 : 0) +
      (control & PrimaryOrderControlFlag.ZERO_FIELD_BYTE_BIT1 ? 2 : 0);
    let fields = 0;
    for (let i = 0; i < schema.fieldBytes - zeroBytes; i++) fields |= r.u8() << (8 * i);
    let bounds: OrderBounds | undefined;
    if (control & PrimaryOrderControlFlag.BOUNDS) {
      if ((control & PrimaryOrderControlFlag.ZERO_BOUNDS_DELTAS) === 0) this.bounds = this.readBounds(r);
      bounds = { ...this.bounds };
    }
    const delta = (control & PrimaryOrderControlFlag.DELTA_COORDINATES) !== 0;
    const values = this.last.get(this.orderType) ?? Object.fromEntries(schema.fields.map(([name]) => [name, 0]));
    schema.fields.forEach(([name, kind], i) => {
      if ((fields & (1 << i)) === 0) return;
      if (kind === 'u8') values[name] = r.u8();
      else if (kind === 'u16') values[name] = r.u16le();
      else values[name] = delta ? values[name] + signedByte(r) : r.i16le();
    });
    this.last.set(this.orderType, values);
    const blt: BltFields = {
      left: values.left,
      top: values.top,
      width: values.width,
      height: values.height,
      rop: values.rop,
      xSrc: values.xSrc,
      ySrc: values.ySrc,
    };
    const order: PrimaryOrder =
      type === 'scrBlt'
        ? { type, ...blt }
        : {
            type,
            ...blt,
            cacheId: values[MEMBLT_CACHE_ID] & 0xff,
            colorIndex: values[MEMBLT_CACHE_ID] >> 8,
            cacheIndex: values.cacheIndex,
          };
    return bounds ? { order, bounds } : { order };
  }

  private readBounds(r: ByteReader): OrderBounds {
    const description = r.u8();
    const edge = (absolute: number, deltaBit: number, previous: number) => {
      if (description & absolute) return r.i16le();
      if (description & deltaBit) return previous + signedByte(r);
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
