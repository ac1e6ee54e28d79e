import type { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'CACHE_BITMAP_REV2_ORDER';

/** Secondary drawing order types (orderType, MS-RDPEGDI 2.2.2.2.1.2.1.1) of the revision 2 bitmap cache. */
export const SecondaryOrderType = {
  /** TS_CACHE_BITMAP_UNCOMPRESSED_REV2. */
  CACHE_BITMAP_UNCOMPRESSED_REV2: 0x04,
  /** TS_CACHE_BITMAP_COMPRESSED_REV2. */
  CACHE_BITMAP_COMPRESSED_REV2: 0x05,
} as const;

/** CACHE_BITMAP_REV2_ORDER flags (the top 9 bits of extraFlags). */
export const CacheBitmapRev2Flag = {
  CBR2_HEIGHT_SAME_AS_WIDTH: 0x01,
  CBR2_PERSISTENT_KEY_PRESENT: 0x02,
  CBR2_NO_BITMAP_COMPRESSION_HDR: 0x08,
  CBR2_DO_NOT_CACHE: 0x10,
} as const;

/** bitsPerPixelId values (CBR2_8BPP .. CBR2_32BPP): a 15 bpp session's bitmaps go as 16 bpp ones. */
const BPP_IDS: Record<number, number> = { 8: 0x3, 15: 0x4, 16: 0x4, 24: 0x5, 32: 0x6 };
const BPP_OF_ID = new Map([
  [0x3, 8],
  [0x4, 16],
  [0x5, 24],
  [0x6, 32],
]);

/** SECONDARY_DRAWING_ORDER_HEADER controlFlags: TS_STANDARD | TS_SECONDARY. */
const SECONDARY_CONTROL_FLAGS = 0x03;
/** controlFlags, orderLength, extraFlags and orderType. */
const HEADER_SIZE = 6;
/** orderLength holds the order's total length minus this (MS-RDPEGDI 2.2.2.2.1.2.1.1). */
const ORDER_LENGTH_BIAS = 13;
const CACHE_ID_MAX = 0x7;
/** The largest TWO_BYTE_UNSIGNED_ENCODING and FOUR_BYTE_UNSIGNED_ENCODING values (MS-RDPEGDI 2.2.2.2.1.2.1.2, .4). */
const TWO_BYTE_MAX = 0x7fff;
const FOUR_BYTE_MAX = 0x3fffffff;

/**
 * CACHE_BITMAP_REV2_ORDER (MS-RDPEGDI 2.2.2.2.1.2.3): stores a bitmap at `cacheIndex` of revision 2 bitmap cache
 * `cacheId`, for MemBlt orders to draw. `data` is the bitmap as a Bitmap Update would carry it (compressed:
 * interleaved RLE below 32 bpp, planar at 32), without TS_CD_HEADER.
 */
export interface CacheBitmapRev2Order {
  type: 'cacheBitmapRev2';
  cacheId: number;
  cacheIndex: number;
  bitsPerPixel: number;
  width: number;
  height: number;
  compressed: boolean;
  data: Uint8Array;
}

function writeTwoByteUnsigned(w: ByteWriter, value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > TWO_BYTE_MAX) {
    throw new ProtocolError('INVALID', `${field} ${value} exceeds ${TWO_BYTE_MAX}`, PDU);
  }
  if (value < 0x80) w.u8(value);
  else w.u8(0x80 | (value >> 8)).u8(value & 0xff);
}

function readTwoByteUnsigned(r: ByteReader): number {
  const first = r.u8();
  return first & 0x80 ? ((first & 0x7f) << 8) | r.u8() : first;
}

function writeFourByteUnsigned(w: ByteWriter, value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > FOUR_BYTE_MAX) {
    throw new ProtocolError('INVALID', `${field} ${value} exceeds ${FOUR_BYTE_MAX}`, PDU);
  }
  const extra = value < 0x40 ? 0 : value < 0x4000 ? 1 : value < 0x400000 ? 2 : 3;
  w.u8((extra << 6) | (value >>> (8 * extra)));
  for (let i = extra - 1; i >= 0; i--) w.u8((value >>> (8 * i)) & 0xff);
}

function readFourByteUnsigned(r: ByteReader): number {
  const first = r.u8();
  let value = first & 0x3f;
  for (let i = first >> 6; i > 0; i--) value = value * 256 + r.u8();
  return value;
}

/**
 * Writes CACHE_BITMAP_REV2_ORDER with CBR2_NO_BITMAP_COMPRESSION_HDR (`data` alone follows the fields) and, for
 * square bitmaps, CBR2_HEIGHT_SAME_AS_WIDTH; no persistent key, the bitmap is cached.
 */
export function writeCacheBitmapRev2(w: ByteWriter, order: CacheBitmapRev2Order): void {
  const bppId = BPP_IDS[order.bitsPerPixel];
  if (bppId === undefined) throw new ProtocolError('INVALID', `no bitsPerPixelId for ${order.bitsPerPixel} bpp`, PDU);
  if (!Number.isInteger(order.cacheId) || order.cacheId < 0 || order.cacheId > CACHE_ID_MAX) {
    throw new ProtocolError('INVALID', `cacheId ${order.cacheId} is not 0..${CACHE_ID_MAX}`, PDU);
  }
  if (!(order.width > 0 && order.height > 0)) {
    throw new ProtocolError('INVALID', `empty bitmap ${order.width}x${order.height}`, PDU);
  }
  const square = order.width === order.height;
  let flags = CacheBitmapRev2Flag.CBR2_NO_BITMAP_COMPRESSION_HDR as number;
  if (square) flags |= CacheBitmapRev2Flag.CBR2_HEIGHT_SAME_AS_WIDTH;
  const body = new ByteWriter(order.data.byteLength + 12);
  writeTwoByteUnsigned(body, order.width, 'bitmapWidth');
  if (!square) writeTwoByteUnsigned(body, order.height, 'bitmapHeight');
  writeFourByteUnsigned(body, order.data.byteLength, 'bitmapLength');
  writeTwoByteUnsigned(body, order.cacheIndex, 'cacheIndex');
  body.bytes(order.data);
  const fields = body.toBytes();
  const orderLength = HEADER_SIZE + fields.byteLength - ORDER_LENGTH_BIAS;
  if (orderLength > 0x7fff) throw new ProtocolError('OVERSIZE', `order of ${fields.byteLength} bytes`, PDU);
  w.u8(SECONDARY_CONTROL_FLAGS)
    .i16le(orderLength)
    .u16le(order.cacheId | (bppId << 3) | (flags << 7))
    .u8(
      order.compressed
        ? SecondaryOrderType.CACHE_BITMAP_COMPRESSED_REV2
        : SecondaryOrderType.CACHE_BITMAP_UNCOMPRESSED_REV2,
    )
    .bytes(fields);
}

/**
 * Reads a secondary drawing order whose controlFlags were just read: CACHE_BITMAP_REV2_ORDER is decoded, any other
 * type skipped by its orderLength (undefined). TS_CD_HEADER, when present, gives the data's size and is dropped.
 */
export function readSecondaryOrder(r: ByteReader): CacheBitmapRev2Order | undefined {
  const orderLength = r.i16le();
  const extraFlags = r.u16le();
  const orderType = r.u8();
  const length = orderLength + ORDER_LENGTH_BIAS - HEADER_SIZE;
  if (length < 0) throw new ProtocolError('INVALID', `orderLength ${orderLength}`, PDU);
  const fields = r.sub(length, PDU);
  if (
    orderType !== SecondaryOrderType.CACHE_BITMAP_COMPRESSED_REV2 &&
    orderType !== SecondaryOrderType.CACHE_BITMAP_UNCOMPRESSED_REV2
  ) {
    return undefined;
  }
  const flags = extraFlags >> 7;
  const bitsPerPixel = BPP_OF_ID.get((extraFlags >> 3) & 0xf);
  if (bitsPerPixel === undefined) throw new ProtocolError('INVALID', `bitsPerPixelId ${(extraFlags >> 3) & 0xf}`, PDU);
  if (flags & CacheBitmapRev2Flag.CBR2_PERSISTENT_KEY_PRESENT) fields.skip(8);
  const width = readTwoByteUnsigned(fields);
  const height = flags & CacheBitmapRev2Flag.CBR2_HEIGHT_SAME_AS_WIDTH ? width : readTwoByteUnsigned(fields);
  let bitmapLength = readFourByteUnsigned(fields);
  const cacheIndex = readTwoByteUnsigned(fields);
  const compressed = orderType === SecondaryOrderType.CACHE_BITMAP_COMPRESSED_REV2;
  if (compressed && !(flags & CacheBitmapRev2Flag.CBR2_NO_BITMAP_COMPRESSION_HDR)) {
    fields.skip(2);
    const mainBodySize = fields.u16le();
    fields.skip(4);
    bitmapLength = mainBodySize;
  }
  fields.need(bitmapLength, 'bitmapDataStream');
  const data = fields.sub(bitmapLength).rest();
  return {
    type: 'cacheBitmapRev2',
    cacheId: extraFlags & CACHE_ID_MAX,
    cacheIndex,
    bitsPerPixel,
    width,
    height,
    compressed,
    data,
  };
}
