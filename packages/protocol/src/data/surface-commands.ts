import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'TS_SURFCMD';

/** TS_SURFCMD.cmdType (MS-RDPBCGR 2.2.9.1.2.1.10.1). */
export const SurfaceCommandType = {
  SET_SURFACE_BITS: 0x0001,
  FRAME_MARKER: 0x0004,
  STREAM_SURFACE_BITS: 0x0006,
} as const;
export type SurfaceCommandType = (typeof SurfaceCommandType)[keyof typeof SurfaceCommandType];

/** TS_FRAME_MARKER.frameAction (2.2.9.2.3). */
export const SurfaceFrameAction = {
  SURFACECMD_FRAMEACTION_BEGIN: 0x0000,
  SURFACECMD_FRAMEACTION_END: 0x0001,
} as const;
export type SurfaceFrameAction = (typeof SurfaceFrameAction)[keyof typeof SurfaceFrameAction];

/** TS_BITMAP_DATA_EX.flags: EX_COMPRESSED_BITMAP_HEADER_PRESENT, a TS_COMPOSED_BITMAP_HEADER_EX follows. */
export const EX_COMPRESSED_BITMAP_HEADER_PRESENT = 0x01;

/** TS_COMPOSED_BITMAP_HEADER_EX (2.2.9.2.1.1.1): the bitmap's identity and timestamp, for the client's own use. */
export interface ComposedBitmapHeader {
  highUniqueId: number;
  lowUniqueId: number;
  tmMilliseconds: bigint;
  tmSeconds: bigint;
}

/** TS_BITMAP_DATA_EX (2.2.9.2.1.1): one encoded bitmap and the codec that decodes it. */
export interface BitmapDataEx {
  bpp: number;
  /** The codecID the client gave the codec in its Bitmap Codecs capability set. */
  codecId: number;
  width: number;
  height: number;
  /** Present exactly when flags carry {@link EX_COMPRESSED_BITMAP_HEADER_PRESENT}. */
  composedHeader?: ComposedBitmapHeader;
  bitmapData: Uint8Array;
}

/** One surface command (2.2.9.2); the bitmap data of a decoded one is a view of the update. */
export type SurfaceCommand =
  | {
      cmdType: typeof SurfaceCommandType.SET_SURFACE_BITS | typeof SurfaceCommandType.STREAM_SURFACE_BITS;
      destLeft: number;
      destTop: number;
      /** Exclusive. */
      destRight: number;
      /** Exclusive. */
      destBottom: number;
      bitmap: BitmapDataEx;
    }
  | { cmdType: typeof SurfaceCommandType.FRAME_MARKER; frameAction: SurfaceFrameAction; frameId: number };

/** cmdType, the destination rectangle, and TS_BITMAP_DATA_EX up to bitmapDataLength. */
const SURFACE_BITS_HEADER = 2 + 8 + 12;
const COMPOSED_HEADER = 24;
const FRAME_MARKER = 8;
const U32 = 0x1_0000_0000n;

/**
 * Decodes the surfaceCommands of a Fast-Path Surface Commands Update (TS_FP_SURFCMDS, 2.2.9.1.2.1.10). A command
 * type outside 2.2.9.2 cannot be skipped (its length is unknown) and raises ProtocolError, as does any length
 * that runs past the update.
 */
export function decodeSurfaceCommands(data: Uint8Array): SurfaceCommand[] {
  const r = new ByteReader(data, PDU);
  const commands: SurfaceCommand[] = [];
  while (r.remaining > 0) {
    const cmdType = r.u16le();
    switch (cmdType) {
      case SurfaceCommandType.SET_SURFACE_BITS:
      case SurfaceCommandType.STREAM_SURFACE_BITS: {
        const destLeft = r.u16le();
        const destTop = r.u16le();
        const destRight = r.u16le();
        const destBottom = r.u16le();
        commands.push({ cmdType, destLeft, destTop, destRight, destBottom, bitmap: readBitmapDataEx(r) });
        break;
      }
      case SurfaceCommandType.FRAME_MARKER: {
        const frameAction = r.u16le();
        if (
          frameAction !== SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN &&
          frameAction !== SurfaceFrameAction.SURFACECMD_FRAMEACTION_END
        )
          throw new ProtocolError('INVALID', `frameAction ${frameAction}`, 'TS_FRAME_MARKER');
        commands.push({ cmdType, frameAction, frameId: r.u32le() });
        break;
      }
      default:
        throw new ProtocolError('INVALID', `cmdType 0x${cmdType.toString(16)}`, PDU);
    }
  }
  return commands;
}

function readBitmapDataEx(r: ByteReader): BitmapDataEx {
  const bpp = r.u8();
  const flags = r.u8();
  r.skip(1);
  const codecId = r.u8();
  const width = r.u16le();
  const height = r.u16le();
  let length = r.u32le();
  const bitmap: BitmapDataEx = { bpp, codecId, width, height, bitmapData: new Uint8Array(0) };
  if (flags & EX_COMPRESSED_BITMAP_HEADER_PRESENT) {
    // bitmapDataLength counts the composed header when there is one.
    if (length < COMPOSED_HEADER)
      throw new ProtocolError('INVALID', `bitmapDataLength ${length} without room for its header`, 'TS_BITMAP_DATA_EX');
    bitmap.composedHeader = {
      highUniqueId: r.u32le(),
      lowUniqueId: r.u32le(),
      tmMilliseconds: BigInt(r.u32le()) + BigInt(r.u32le()) * U32,
      tmSeconds: BigInt(r.u32le()) + BigInt(r.u32le()) * U32,
    };
    length -= COMPOSED_HEADER;
  }
  bitmap.bitmapData = r.bytesView(length, 'bitmapData');
  return bitmap;
}

/** Encodes surface commands back to back, as the surfaceCommands of one TS_FP_SURFCMDS. */
export function encodeSurfaceCommands(commands: readonly SurfaceCommand[]): Uint8Array {
  let size = 0;
  for (const c of commands) {
    size +=
      c.cmdType === SurfaceCommandType.FRAME_MARKER
        ? FRAME_MARKER
        : SURFACE_BITS_HEADER + (c.bitmap.composedHeader ? COMPOSED_HEADER : 0) + c.bitmap.bitmapData.byteLength;
  }
  const w = new ByteWriter(size);
  for (const c of commands) {
    w.u16le(c.cmdType);
    if (c.cmdType === SurfaceCommandType.FRAME_MARKER) {
      w.u16le(c.frameAction).u32le(c.frameId);
      continue;
    }
    const { bitmap } = c;
    const header = bitmap.composedHeader;
    w.u16le(c.destLeft)
      .u16le(c.destTop)
      .u16le(c.destRight)
      .u16le(c.destBottom)
      .u8(bitmap.bpp)
      .u8(header ? EX_COMPRESSED_BITMAP_HEADER_PRESENT : 0)
      .u8(0)
      .u8(bitmap.codecId)
      .u16le(bitmap.width)
      .u16le(bitmap.height)
      .u32le((header ? COMPOSED_HEADER : 0) + bitmap.bitmapData.byteLength);
    if (header) {
      w.u32le(header.highUniqueId)
        .u32le(header.lowUniqueId)
        .u32le(Number(header.tmMilliseconds % U32))
        .u32le(Number(header.tmMilliseconds / U32))
        .u32le(Number(header.tmSeconds % U32))
        .u32le(Number(header.tmSeconds / U32));
    }
    w.bytes(bitmap.bitmapData);
  }
  return w.toBytes();
}
