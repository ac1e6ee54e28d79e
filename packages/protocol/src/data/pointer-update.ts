import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { FastPathUpdateCode } from './fastpath-output.js';
import { checkUint } from './field-range.js';

const PDU = 'TS_POINTER_PDU';

/** messageType of the slow-path TS_POINTER_PDU (MS-RDPBCGR 2.2.9.1.1.4). */
export const PointerMessageType = {
  SYSTEM: 0x0001,
  POSITION: 0x0003,
  COLOR: 0x0006,
  CACHED: 0x0007,
  POINTER: 0x0008,
  LARGE: 0x0009,
} as const;
export type PointerMessageType = (typeof PointerMessageType)[keyof typeof PointerMessageType];

/** systemPointerType of TS_SYSTEMPOINTERATTRIBUTE (MS-RDPBCGR 2.2.9.1.1.4.3). */
export const SystemPointerType = {
  NULL: 0x00000000,
  DEFAULT: 0x00007f00,
} as const;
export type SystemPointerType = (typeof SystemPointerType)[keyof typeof SystemPointerType];

/** Largest pointer of the Large Pointer Update (LARGE_POINTER_FLAG_384x384). */
export const LARGE_POINTER_MAX_SIZE = 384;

/**
 * A pointer image: the shared fields of TS_COLORPOINTERATTRIBUTE (2.2.9.1.1.4.4), TS_POINTERATTRIBUTE
 * (2.2.9.1.1.4.5) and TS_LARGEPOINTERATTRIBUTE (2.2.9.1.1.4.6). Both masks are bottom-up rows, each row padded to
 * an even number of bytes ({@link xorMaskStride}, {@link andMaskStride}); either mask may be empty.
 */
export interface PointerShape {
  cacheIndex: number;
  hotX: number;
  hotY: number;
  width: number;
  height: number;
  /** Bits per pixel of the XOR mask: 1, 4, 8, 16, 24 or 32 (32 carries alpha). Always 24 for 'color'. */
  xorBpp: number;
  xorMask: Uint8Array;
  andMask: Uint8Array;
}

/** Every pointer update, slow-path or fast-path. */
export type PointerUpdate =
  | { type: 'position'; x: number; y: number }
  /** PTR_NULL (hidden) or PTR_DEFAULT (the system arrow). */
  | { type: 'system'; pointer: 'null' | 'default' }
  /** TS_COLORPOINTERATTRIBUTE: 24 bpp XOR mask. */
  | ({ type: 'color' } & PointerShape)
  /** TS_POINTERATTRIBUTE ("new pointer"): any xorBpp, at most 96x96 (32x32 without the large-pointer flag). */
  | ({ type: 'new' } & PointerShape)
  /** TS_LARGEPOINTERATTRIBUTE: up to 384x384, needs the client's Large Pointer capability. */
  | ({ type: 'large' } & PointerShape)
  | { type: 'cached'; cacheIndex: number };

const XOR_BPPS = new Set([1, 4, 8, 16, 24, 32]);

/** Bytes per XOR-mask row: width × bpp bits, rounded up to whole bytes and then to an even count. */
export function xorMaskStride(width: number, xorBpp: number): number {
  const bytes = Math.ceil((width * xorBpp) / 8);
  return bytes + (bytes & 1);
}

/** Bytes per AND-mask row: one bit per pixel, rounded up to whole bytes and then to an even count. */
export function andMaskStride(width: number): number {
  const bytes = Math.ceil(width / 8);
  return bytes + (bytes & 1);
}

function readShape(r: ByteReader, xorBpp: number, large: boolean): PointerShape {
  if (!XOR_BPPS.has(xorBpp)) throw new ProtocolError('INVALID', `xorBpp ${xorBpp}`, PDU);
  const cacheIndex = r.u16le();
  const hotX = r.u16le();
  const hotY = r.u16le();
  const width = r.u16le();
  const height = r.u16le();
  if (width > LARGE_POINTER_MAX_SIZE || height > LARGE_POINTER_MAX_SIZE) {
    throw new ProtocolError('INVALID', `pointer ${width}x${height} exceeds 384x384`, PDU);
  }
  const lengthAndMask = large ? r.u32le() : r.u16le();
  const lengthXorMask = large ? r.u32le() : r.u16le();
  // Zero-length masks are allowed (FreeRDP accepts them); otherwise the length must match the dimensions.
  if (lengthXorMask !== 0 && lengthXorMask !== xorMaskStride(width, xorBpp) * height) {
    throw new ProtocolError('INVALID', `lengthXorMask ${lengthXorMask} for ${width}x${height}@${xorBpp}`, PDU);
  }
  if (lengthAndMask !== 0 && lengthAndMask !== andMaskStride(width) * height) {
    throw new ProtocolError('INVALID', `lengthAndMask ${lengthAndMask} for ${width}x${height}`, PDU);
  }
  const xorMask = r.bytesView(lengthXorMask, 'xorMaskData');
  const andMask = r.bytesView(lengthAndMask, 'andMaskData');
  // The optional trailing pad byte is skipped by ignoring what remains.
  return { cacheIndex, hotX, hotY, width, height, xorBpp, xorMask, andMask };
}

function writeShape(w: ByteWriter, s: PointerShape, large: boolean): void {
  const u16 = (v: number, what: string) => checkUint(v, 0xffff, what, PDU);
  const maxSide = large ? LARGE_POINTER_MAX_SIZE : 96;
  if (s.width > maxSide || s.height > maxSide) {
    throw new ProtocolError('INVALID', `pointer ${s.width}x${s.height} exceeds ${maxSide}x${maxSide}`, PDU);
  }
  if (!XOR_BPPS.has(s.xorBpp)) throw new ProtocolError('INVALID', `xorBpp ${s.xorBpp}`, PDU);
  const xorLength = xorMaskStride(s.width, s.xorBpp) * s.height;
  const andLength = andMaskStride(s.width) * s.height;
  if (s.xorMask.byteLength !== 0 && s.xorMask.byteLength !== xorLength) {
    throw new ProtocolError('INVALID', `xorMask has ${s.xorMask.byteLength} bytes, expected ${xorLength}`, PDU);
  }
  if (s.andMask.byteLength !== 0 && s.andMask.byteLength !== andLength) {
    throw new ProtocolError('INVALID', `andMask has ${s.andMask.byteLength} bytes, expected ${andLength}`, PDU);
  }
  w.u16le(u16(s.cacheIndex, 'cacheIndex')).u16le(u16(s.hotX, 'hotX')).u16le(u16(s.hotY, 'hotY'));
  w.u16le(s.width).u16le(s.height);
  if (large) w.u32le(s.andMask.byteLength).u32le(s.xorMask.byteLength);
  else w.u16le(u16(s.andMask.byteLength, 'lengthAndMask')).u16le(u16(s.xorMask.byteLength, 'lengthXorMask'));
  w.bytes(s.xorMask).bytes(s.andMask);
}

/** Body of one update, shared by both paths (the fast path's updateData equals the slow path's attribute). */
function writeBody(w: ByteWriter, update: PointerUpdate): void {
  switch (update.type) {
    case 'position':
      w.u16le(checkUint(update.x, 0xffff, 'x', PDU)).u16le(checkUint(update.y, 0xffff, 'y', PDU));
      return;
    case 'system':
      return;
    case 'color':
      if (update.xorBpp !== 24) throw new ProtocolError('INVALID', 'color pointers are 24 bpp', PDU);
      writeShape(w, update, false);
      return;
    case 'new':
      w.u16le(update.xorBpp);
      writeShape(w, update, false);
      return;
    case 'large':
      w.u16le(update.xorBpp);
      writeShape(w, update, true);
      return;
    case 'cached':
      w.u16le(checkUint(update.cacheIndex, 0xffff, 'cacheIndex', PDU));
      return;
  }
}

const fastPathCodes = {
  position: FastPathUpdateCode.PTR_POSITION,
  color: FastPathUpdateCode.COLOR,
  new: FastPathUpdateCode.POINTER,
  large: FastPathUpdateCode.LARGE_POINTER,
  cached: FastPathUpdateCode.CACHED,
} as const;

/**
 * A pointer update as a fast-path update code and updateData (MS-RDPBCGR 2.2.9.1.2.1.5-11); hand both to the
 * fast-path output encoder. PTR_NULL and PTR_DEFAULT carry no data.
 */
export function encodeFastPathPointerUpdate(update: PointerUpdate): { code: FastPathUpdateCode; data: Uint8Array } {
  const code =
    update.type === 'system'
      ? update.pointer === 'null'
        ? FastPathUpdateCode.PTR_NULL
        : FastPathUpdateCode.PTR_DEFAULT
      : fastPathCodes[update.type];
  const w = new ByteWriter(64);
  writeBody(w, update);
  return { code, data: w.toBytes() };
}

/** Decodes the updateData of a fast-path pointer update; mask data are views into `data`. */
export function decodeFastPathPointerUpdate(code: number, data: Uint8Array): PointerUpdate {
  const r = new ByteReader(data, 'TS_FP_POINTER');
  switch (code) {
    case FastPathUpdateCode.PTR_NULL:
      return { type: 'system', pointer: 'null' };
    case FastPathUpdateCode.PTR_DEFAULT:
      return { type: 'system', pointer: 'default' };
    case FastPathUpdateCode.PTR_POSITION:
      return { type: 'position', x: r.u16le(), y: r.u16le() };
    case FastPathUpdateCode.COLOR:
      return { type: 'color', ...readShape(r, 24, false) };
    case FastPathUpdateCode.POINTER:
      return { type: 'new', ...readShape(r, r.u16le(), false) };
    case FastPathUpdateCode.LARGE_POINTER:
      return { type: 'large', ...readShape(r, r.u16le(), true) };
    case FastPathUpdateCode.CACHED:
      return { type: 'cached', cacheIndex: r.u16le() };
    default:
      throw new ProtocolError('UNSUPPORTED', `update code ${code} is not a pointer update`, 'TS_FP_POINTER');
  }
}

/** Encodes the slow-path TS_POINTER_PDU body after the share data header: messageType, pad2Octets, attribute. */
export function encodePointerPdu(update: PointerUpdate): Uint8Array {
  const w = new ByteWriter(64);
  switch (update.type) {
    case 'system':
      w.u16le(PointerMessageType.SYSTEM).u16le(0);
      w.u32le(update.pointer === 'null' ? SystemPointerType.NULL : SystemPointerType.DEFAULT);
      return w.toBytes();
    case 'position':
      w.u16le(PointerMessageType.POSITION);
      break;
    case 'color':
      w.u16le(PointerMessageType.COLOR);
      break;
    case 'new':
      w.u16le(PointerMessageType.POINTER);
      break;
    case 'large':
      w.u16le(PointerMessageType.LARGE);
      break;
    case 'cached':
      w.u16le(PointerMessageType.CACHED);
      break;
  }
  w.u16le(0);
  writeBody(w, update);
  return w.toBytes();
}

/** Decodes the slow-path TS_POINTER_PDU body (after the share data header). */
export function decodePointerPdu(bytes: Uint8Array): PointerUpdate {
  const r = new ByteReader(bytes, PDU);
  const messageType = r.u16le();
  r.skip(2);
  switch (messageType) {
    case PointerMessageType.SYSTEM: {
      const type = r.u32le();
      if (type === SystemPointerType.NULL) return { type: 'system', pointer: 'null' };
      if (type === SystemPointerType.DEFAULT) return { type: 'system', pointer: 'default' };
      throw new ProtocolError('INVALID', `systemPointerType 0x${type.toString(16)}`, PDU);
    }
    case PointerMessageType.POSITION:
      return { type: 'position', x: r.u16le(), y: r.u16le() };
    case PointerMessageType.COLOR:
      return { type: 'color', ...readShape(r, 24, false) };
    case PointerMessageType.POINTER:
      return { type: 'new', ...readShape(r, r.u16le(), false) };
    case PointerMessageType.LARGE:
      return { type: 'large', ...readShape(r, r.u16le(), true) };
    case PointerMessageType.CACHED:
      return { type: 'cached', cacheIndex: r.u16le() };
    default:
      throw new ProtocolError('UNSUPPORTED', `messageType 0x${messageType.toString(16)}`, PDU);
  }
}

/** An ARGB cursor image, rows top-down, as X11 (XFixes) and most toolkits deliver it. */
export interface ArgbCursor {
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  /** width × height pixels, each 0xAARRGGBB. */
  pixels: Uint32Array;
  /** Pointer cache slot to store the shape in; default 0. */
  cacheIndex?: number;
  /** True when colour channels are premultiplied by alpha (XFixes images are); they are un-premultiplied. */
  premultiplied?: boolean;
}

/**
 * Builds a 32-bpp pointer shape from an ARGB image: XOR rows bottom-up as B, G, R, A bytes (4 × width, always
 * even), and an AND mask, bottom-up, with a 1 (transparent) bit where alpha is 0 and the XOR pixel zeroed there,
 * so clients that ignore alpha still see the right silhouette. Send it as 'new' up to 96x96, 'large' beyond.
 */
export function pointerFromArgb(cursor: ArgbCursor): PointerShape {
  const { width, height, pixels } = cursor;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ProtocolError('INVALID', `cursor ${width}x${height}`, 'pointerFromArgb');
  }
  if (width > LARGE_POINTER_MAX_SIZE || height > LARGE_POINTER_MAX_SIZE) {
    throw new ProtocolError('OVERSIZE', `cursor ${width}x${height} exceeds 384x384`, 'pointerFromArgb');
  }
  if (pixels.length !== width * height) {
    throw new ProtocolError('INVALID', `${pixels.length} pixels for ${width}x${height}`, 'pointerFromArgb');
  }
  const xorStride = xorMaskStride(width, 32);
  const andStride = andMaskStride(width);
  const xorMask = new Uint8Array(xorStride * height);
  const andMask = new Uint8Array(andStride * height);
  for (let y = 0; y < height; y++) {
    const dstRow = height - 1 - y;
    const xorRow = dstRow * xorStride;
    const andRow = dstRow * andStride;
    for (let x = 0; x < width; x++) {
      const argb = pixels[y * width + x];
      const a = argb >>> 24;
      if (a === 0) {
        andMask[andRow + (x >> 3)] |= 0x80 >> (x & 7);
        continue;
      }
      let r = (argb >>> 16) & 0xff;
      let g = (argb >>> 8) & 0xff;
      let b = argb & 0xff;
      if (cursor.premultiplied && a !== 255) {
        r = Math.min(255, Math.round((r * 255) / a));
        g = Math.min(255, Math.round((g * 255) / a));
        b = Math.min(255, Math.round((b * 255) / a));
      }
      const o = xorRow + x * 4;
      xorMask[o] = b;
      xorMask[o + 1] = g;
      xorMask[o + 2] = r;
      xorMask[o + 3] = a;
    }
  }
  return {
    cacheIndex: cursor.cacheIndex ?? 0,
    hotX: Math.min(Math.max(0, cursor.xhot), width - 1),
    hotY: Math.min(Math.max(0, cursor.yhot), height - 1),
    width,
    height,
    xorBpp: 32,
    xorMask,
    andMask,
  };
}
