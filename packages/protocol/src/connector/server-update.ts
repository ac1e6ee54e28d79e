import type { Palette } from '../codecs/palette.js';
import { ProtocolError } from '../core/errors.js';
import { type BitmapData, decodeBitmapUpdate, UPDATETYPE_BITMAP } from '../data/bitmap-update.js';
import { FastPathUpdateCode } from '../data/fastpath-output.js';
import { decodePaletteUpdate, UPDATETYPE_PALETTE } from '../data/palette-update.js';
import { decodeFastPathPointerUpdate, decodePointerPdu, type PointerUpdate } from '../data/pointer-update.js';
import { decodeSurfaceCommands, type SurfaceCommand } from '../data/surface-commands.js';

/** A graphics update from the server, decoded far enough for a renderer (the bitmaps stay encoded). */
export type ServerUpdate =
  | { kind: 'bitmap'; rects: BitmapData[] }
  | { kind: 'palette'; palette: Palette }
  | { kind: 'pointer'; pointer: PointerUpdate }
  /** Surface bits (bitmaps still encoded, named by the codec ids the client proposed) and frame markers. */
  | { kind: 'surface-commands'; commands: SurfaceCommand[] };

/** TS_UPDATE_HDR.updateType of a slow-path update (MS-RDPBCGR 2.2.9.1.1.3.1). */
const UPDATETYPE_ORDERS = 0x0000;
const UPDATETYPE_SYNCHRONIZE = 0x0003;
const UPDATE_TYPE_LENGTH = 2;

/**
 * Decodes one reassembled fast-path update (MS-RDPBCGR 2.2.9.1.2.1). Synchronize updates and orders, which the
 * client never asks for, are undefined: skipped. Surface commands exist only in fast-path (2.2.9.2).
 */
export function decodeFastPathServerUpdate(code: number, data: Uint8Array): ServerUpdate | undefined {
  switch (code) {
    case FastPathUpdateCode.BITMAP:
      return { kind: 'bitmap', rects: decodeBitmapUpdate(data) };
    case FastPathUpdateCode.PALETTE:
      return { kind: 'palette', palette: decodePaletteUpdate(data) };
    case FastPathUpdateCode.SURFCMDS:
      return { kind: 'surface-commands', commands: decodeSurfaceCommands(data) };
    case FastPathUpdateCode.PTR_NULL:
    case FastPathUpdateCode.PTR_DEFAULT:
    case FastPathUpdateCode.PTR_POSITION:
    case FastPathUpdateCode.COLOR:
    case FastPathUpdateCode.CACHED:
    case FastPathUpdateCode.POINTER:
    case FastPathUpdateCode.LARGE_POINTER:
      return { kind: 'pointer', pointer: decodeFastPathPointerUpdate(code, data) };
    default:
      return undefined;
  }
}

/** Decodes the body of a slow-path Update PDU (2.2.9.1.1.3): bitmap and palette updates, the rest skipped. */
export function decodeSlowPathServerUpdate(body: Uint8Array): ServerUpdate | undefined {
  if (body.byteLength < UPDATE_TYPE_LENGTH) throw new ProtocolError('TRUNCATED', 'no updateType', 'TS_UPDATE_HDR');
  const updateType = body[0] | (body[1] << 8);
  switch (updateType) {
    case UPDATETYPE_BITMAP:
      return { kind: 'bitmap', rects: decodeBitmapUpdate(body) };
    case UPDATETYPE_PALETTE:
      return { kind: 'palette', palette: decodePaletteUpdate(body) };
    case UPDATETYPE_ORDERS:
    case UPDATETYPE_SYNCHRONIZE:
      return undefined;
    default:
      throw new ProtocolError('INVALID', `updateType ${updateType}`, 'TS_UPDATE_HDR');
  }
}

/** Decodes the body of a slow-path Pointer Update PDU (2.2.9.1.1.4). */
export function decodeSlowPathPointerUpdate(body: Uint8Array): ServerUpdate {
  return { kind: 'pointer', pointer: decodePointerPdu(body) };
}
