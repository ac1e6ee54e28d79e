import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';
import { fastPathEnvelopeHeaderSize, writeFastPathEnvelopeHeader } from './fastpath-envelope.js';
import {
  FastPathFragmentation,
  type FastPathFragmentLimits,
  FastPathUpdateCode,
  fastPathUpdateHeaderSize,
  maxFastPathFragmentData,
  writeFastPathUpdateHeader,
} from './fastpath-output.js';
import { checkUint } from './field-range.js';

const PDU = 'TS_UPDATE_BITMAP_DATA';

/** updateType of TS_UPDATE_BITMAP_DATA (UPDATETYPE_BITMAP, MS-RDPBCGR 2.2.9.1.1.3.1.2). */
export const UPDATETYPE_BITMAP = 0x0001;

/** flags of TS_BITMAP_DATA (MS-RDPBCGR 2.2.9.1.1.3.1.2.1). */
export const BitmapDataFlags = {
  /** bitmapDataStream is compressed (interleaved RLE, or planar at 32 bpp). */
  COMPRESSION: 0x0001,
  /** A compressed bitmap without the TS_CD_HEADER (the client announced NO_BITMAP_COMPRESSION_HDR). */
  NO_COMPRESSION_HDR: 0x0400,
} as const;
export type BitmapDataFlags = (typeof BitmapDataFlags)[keyof typeof BitmapDataFlags];

/** TS_CD_HEADER (MS-RDPBCGR 2.2.9.1.1.3.1.2.3); cbCompFirstRowSize is always 0 and not represented. */
export interface BitmapCompressionHeader {
  /** cbCompMainBodySize: bytes of compressed data that follow. */
  mainBodySize: number;
  /** cbScanWidth: width of the bitmap in pixels, a multiple of 4. */
  scanWidth: number;
  /** cbUncompressedSize: size of the decompressed bitmap. */
  uncompressedSize: number;
}

/** TS_BITMAP_DATA: one rectangle. Destination bounds are inclusive. */
export interface BitmapData {
  destLeft: number;
  destTop: number;
  destRight: number;
  destBottom: number;
  width: number;
  height: number;
  bitsPerPixel: number;
  /** Combination of {@link BitmapDataFlags}. */
  flags: number;
  /** Present exactly when COMPRESSION is set and NO_COMPRESSION_HDR is not. */
  compressionHeader?: BitmapCompressionHeader;
  /** bitmapDataStream (without the compression header). */
  data: Uint8Array;
}

const RECT_FIXED = 18;
const CD_HEADER = 8;

function hasCompressionHeader(flags: number): boolean {
  return (flags & BitmapDataFlags.COMPRESSION) !== 0 && (flags & BitmapDataFlags.NO_COMPRESSION_HDR) === 0;
}

/** Encoded size of one TS_BITMAP_DATA. */
export function bitmapDataLength(rect: BitmapData): number {
  return RECT_FIXED + (hasCompressionHeader(rect.flags) ? CD_HEADER : 0) + rect.data.byteLength;
}

/** Encoded size of TS_UPDATE_BITMAP_DATA (updateType and numberRectangles included). */
export function bitmapUpdateLength(rects: readonly BitmapData[]): number {
  let total = 4;
  for (const r of rects) total += bitmapDataLength(r);
  return total;
}

/**
 * Writes TS_UPDATE_BITMAP_DATA for `rects` into `target` at `offset` and returns the bytes written, so a caller
 * can place it directly behind a fast-path update header in a PDU buffer; each rectangle's data is copied once.
 */
export function writeBitmapUpdate(rects: readonly BitmapData[], target: Uint8Array, offset = 0): number {
  const length = bitmapUpdateLength(rects);
  checkUint(rects.length, 0xffff, 'numberRectangles', PDU);
  if (target.byteLength - offset < length) {
    throw new ProtocolError('TRUNCATED', `needs ${length} bytes in the target buffer`, PDU);
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  let o = offset;
  const u16 = (v: number, what: string) => {
    view.setUint16(o, checkUint(v, 0xffff, what, PDU), true);
    o += 2;
  };
  u16(UPDATETYPE_BITMAP, 'updateType');
  u16(rects.length, 'numberRectangles');
  for (const r of rects) {
    const header = hasCompressionHeader(r.flags);
    if (header !== (r.compressionHeader !== undefined)) {
      throw new ProtocolError('INVALID', `flags 0x${r.flags.toString(16)} disagree with compressionHeader`, PDU);
    }
    u16(r.destLeft, 'destLeft');
    u16(r.destTop, 'destTop');
    u16(r.destRight, 'destRight');
    u16(r.destBottom, 'destBottom');
    u16(r.width, 'width');
    u16(r.height, 'height');
    u16(r.bitsPerPixel, 'bitsPerPixel');
    u16(r.flags, 'flags');
    u16(r.data.byteLength + (header ? CD_HEADER : 0), 'bitmapLength');
    if (r.compressionHeader) {
      u16(0, 'cbCompFirstRowSize');
      u16(r.compressionHeader.mainBodySize, 'cbCompMainBodySize');
      u16(r.compressionHeader.scanWidth, 'cbScanWidth');
      u16(r.compressionHeader.uncompressedSize, 'cbUncompressedSize');
    }
    target.set(r.data, o);
    o += r.data.byteLength;
  }
  return o - offset;
}

/** TS_UPDATE_BITMAP_DATA in one exactly sized buffer (the fast-path BITMAP update's whole updateData). */
export function encodeBitmapUpdate(rects: readonly BitmapData[]): Uint8Array {
  const out = new Uint8Array(bitmapUpdateLength(rects));
  writeBitmapUpdate(rects, out);
  return out;
}

/**
 * Decodes TS_UPDATE_BITMAP_DATA, starting at updateType (MS-RDPBCGR 2.2.9.1.1.3.1.2). Rectangle data are views
 * into `bytes`. Bytes after the last rectangle are ignored, as the enclosing PDU bounds the structure.
 */
export function decodeBitmapUpdate(bytes: Uint8Array): BitmapData[] {
  const r = new ByteReader(bytes, PDU);
  const updateType = r.u16le();
  if (updateType !== UPDATETYPE_BITMAP) {
    throw new ProtocolError('INVALID', `updateType ${updateType}, expected ${UPDATETYPE_BITMAP}`, PDU);
  }
  const count = r.u16le();
  r.need(count * RECT_FIXED, `${count} rectangles`);
  const rects: BitmapData[] = [];
  for (let i = 0; i < count; i++) {
    const rect: BitmapData = {
      destLeft: r.u16le(),
      destTop: r.u16le(),
      destRight: r.u16le(),
      destBottom: r.u16le(),
      width: r.u16le(),
      height: r.u16le(),
      bitsPerPixel: r.u16le(),
      flags: r.u16le(),
      data: new Uint8Array(0),
    };
    let length = r.u16le();
    if (hasCompressionHeader(rect.flags)) {
      if (length < CD_HEADER) {
        throw new ProtocolError('INVALID', `bitmapLength ${length} cannot hold TS_CD_HEADER`, PDU);
      }
      r.skip(2);
      rect.compressionHeader = { mainBodySize: r.u16le(), scanWidth: r.u16le(), uncompressedSize: r.u16le() };
      length -= CD_HEADER;
    }
    rect.data = r.bytesView(length, 'bitmapDataStream');
    rects.push(rect);
  }
  return rects;
}

/**
 * Groups rectangles, in order, into as few bitmap updates as possible with each encoded update at most
 * `maxLength` bytes (pass the fast-path MaxRequestSize limit). A rectangle too large on its own throws OVERSIZE:
 * the encoder must cut it into smaller tiles.
 */
export function packBitmapUpdates(rects: readonly BitmapData[], maxLength: number): BitmapData[][] {
  const groups: BitmapData[][] = [];
  let current: BitmapData[] = [];
  let size = 4;
  for (const rect of rects) {
    const len = bitmapDataLength(rect);
    if (4 + len > maxLength) {
      throw new ProtocolError('OVERSIZE', `rectangle of ${len} bytes cannot fit an update of ${maxLength}`, PDU);
    }
    if (size + len > maxLength || current.length === 0xffff) {
      groups.push(current);
      current = [];
      size = 4;
    }
    current.push(rect);
    size += len;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The hot path for unencrypted connections (TLS, or no encryption): packs rectangles into as few unfragmented
 * fast-path BITMAP updates as the limits allow and writes each as a complete fast-path PDU in one exactly sized
 * buffer, so each rectangle's data is copied once, straight into the bytes that go on the wire. A rectangle too
 * large for one PDU throws OVERSIZE; send it with `encodeBitmapUpdate` and `encodeFastPathUpdatePdus` instead,
 * which fragment within MaxRequestSize. Encrypted connections also take that route, encrypting each update.
 */
export function encodeFastPathBitmapPdus(rects: readonly BitmapData[], limits: FastPathFragmentLimits): Uint8Array[] {
  const max = Math.min(maxFastPathFragmentData({ ...limits, securityHeaderSize: 0 }), limits.maxRequestSize);
  return packBitmapUpdates(rects, max).map((group) => {
    const size = bitmapUpdateLength(group);
    const payloadLength = fastPathUpdateHeaderSize(false) + size;
    const out = new Uint8Array(fastPathEnvelopeHeaderSize(payloadLength) + payloadLength);
    let o = writeFastPathEnvelopeHeader({ headerBits: 0, payloadLength }, out, 0, PDU);
    o += writeFastPathUpdateHeader(
      { code: FastPathUpdateCode.BITMAP, fragmentation: FastPathFragmentation.SINGLE, size },
      out,
      o,
    );
    writeBitmapUpdate(group, out, o);
    return out;
  });
}
