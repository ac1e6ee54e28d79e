import type { MonitorDef } from '../connection/client-data.js';
import { type Rect, readRect16, writeRect16 } from '../connection/rect.js';
import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { checkUint } from '../data/field-range.js';
import { type GfxCapabilitySet, GfxCapsVersion } from './gfx-capabilities.js';

const PDU = 'MS-RDPEGFX';

/** RDPGFX_HEADER cmdId values (MS-RDPEGFX 2.2.1.5). */
export const GfxCmdId = {
  WIRETOSURFACE_1: 0x0001,
  WIRETOSURFACE_2: 0x0002,
  DELETEENCODINGCONTEXT: 0x0003,
  SOLIDFILL: 0x0004,
  SURFACETOSURFACE: 0x0005,
  SURFACETOCACHE: 0x0006,
  CACHETOSURFACE: 0x0007,
  EVICTCACHEENTRY: 0x0008,
  CREATESURFACE: 0x0009,
  DELETESURFACE: 0x000a,
  STARTFRAME: 0x000b,
  ENDFRAME: 0x000c,
  FRAMEACKNOWLEDGE: 0x000d,
  RESETGRAPHICS: 0x000e,
  MAPSURFACETOOUTPUT: 0x000f,
  CACHEIMPORTOFFER: 0x0010,
  CACHEIMPORTREPLY: 0x0011,
  CAPSADVERTISE: 0x0012,
  CAPSCONFIRM: 0x0013,
  QOEFRAMEACKNOWLEDGE: 0x0016,
} as const;
export type GfxCmdId = (typeof GfxCmdId)[keyof typeof GfxCmdId];

/** RDPGFX codec ids (MS-RDPEGFX 2.2.1.1.1 CodecId). */
export const GfxCodecId = {
  UNCOMPRESSED: 0x0000,
  CAVIDEO: 0x0003,
  CLEARCODEC: 0x0008,
  CAPROGRESSIVE: 0x0009,
  PLANAR: 0x000a,
  AVC420: 0x000b,
  ALPHA: 0x000c,
  AVC444: 0x000e,
  AVC444V2: 0x000f,
} as const;
export type GfxCodecId = (typeof GfxCodecId)[keyof typeof GfxCodecId];

/** RDPGFX_PIXELFORMAT (MS-RDPEGFX 2.2.1.4). */
export const GfxPixelFormat = { XRGB_8888: 0x20, ARGB_8888: 0x21 } as const;
export type GfxPixelFormat = (typeof GfxPixelFormat)[keyof typeof GfxPixelFormat];

/** RDPGFX_FRAME_ACKNOWLEDGE_PDU queueDepth values with a meaning of their own (2.2.2.13). */
export const GfxQueueDepth = { UNAVAILABLE: 0x00000000, SUSPEND_FRAME_ACKNOWLEDGEMENT: 0xffffffff } as const;

/** TS_MONITOR_DEF flags (MS-RDPBCGR 2.2.1.3.6.1). */
export const MonitorFlags = { PRIMARY: 0x00000001 } as const;

/** RDPGFX_RESET_GRAPHICS_PDU is padded to exactly this many bytes (2.2.2.14). */
export const RESET_GRAPHICS_PDU_LENGTH = 340;
/** At most this many monitors in a Reset Graphics PDU (2.2.2.14). */
export const RESET_GRAPHICS_MAX_MONITORS = 16;
/** At most this many entries in a cache import offer or reply (2.2.2.16, 2.2.2.17). */
export const CACHE_IMPORT_MAX_ENTRIES = 5462;

const HEADER_LENGTH = 8;
const MONITOR_DEF_LENGTH = 20;
/** The 10.1 capability set's capsData is 16 reserved bytes; every other version's is 4 bytes of flags. */
const CAPS_101_DATA_LENGTH = 16;
const CAPS_FLAGS_DATA_LENGTH = 4;

export interface Point16 {
  x: number;
  y: number;
}

/**
 * Every RDPGFX PDU rdshare sends or reads, by cmdId. Rects are RDPGFX_RECT16 (right and bottom exclusive);
 * `fillPixel` is RDPGFX_COLOR32 read as a little-endian u32 (0xXXRRGGBB); cache keys are 64-bit.
 */
export type GfxPdu =
  | { type: 'capsAdvertise'; capsSets: GfxCapabilitySet[] }
  | { type: 'capsConfirm'; capsSet: GfxCapabilitySet }
  | { type: 'resetGraphics'; width: number; height: number; monitors: MonitorDef[] }
  | { type: 'createSurface'; surfaceId: number; width: number; height: number; pixelFormat: number }
  | { type: 'deleteSurface'; surfaceId: number }
  | { type: 'mapSurfaceToOutput'; surfaceId: number; outputOriginX: number; outputOriginY: number }
  | { type: 'startFrame'; timestamp: number; frameId: number }
  | { type: 'endFrame'; frameId: number }
  | { type: 'frameAcknowledge'; queueDepth: number; frameId: number; totalFramesDecoded: number }
  /** RDPGFX_QOE_FRAME_ACKNOWLEDGE_PDU (2.2.2.21): a 10.x client's timings of one frame, in milliseconds. */
  | { type: 'qoeFrameAcknowledge'; frameId: number; timestamp: number; timeDiffSE: number; timeDiffEDR: number }
  | { type: 'solidFill'; surfaceId: number; fillPixel: number; fillRects: Rect[] }
  | { type: 'surfaceToSurface'; surfaceIdSrc: number; surfaceIdDest: number; rectSrc: Rect; destPts: Point16[] }
  | { type: 'surfaceToCache'; surfaceId: number; cacheKey: bigint; cacheSlot: number; rectSrc: Rect }
  | { type: 'cacheToSurface'; cacheSlot: number; surfaceId: number; destPts: Point16[] }
  | { type: 'evictCacheEntry'; cacheSlot: number }
  | { type: 'cacheImportOffer'; cacheEntries: { cacheKey: bigint; bitmapLength: number }[] }
  | { type: 'cacheImportReply'; cacheSlots: number[] }
  | {
      type: 'wireToSurface1';
      surfaceId: number;
      codecId: number;
      pixelFormat: number;
      destRect: Rect;
      bitmapData: Uint8Array;
    }
  | {
      /** RemoteFX Progressive (codecId CAPROGRESSIVE) into an encoding context the server keeps per surface. */
      type: 'wireToSurface2';
      surfaceId: number;
      codecId: number;
      codecContextId: number;
      pixelFormat: number;
      bitmapData: Uint8Array;
    }
  | { type: 'deleteEncodingContext'; surfaceId: number; codecContextId: number };

const CMD_OF: Record<GfxPdu['type'], GfxCmdId> = {
  capsAdvertise: GfxCmdId.CAPSADVERTISE,
  capsConfirm: GfxCmdId.CAPSCONFIRM,
  resetGraphics: GfxCmdId.RESETGRAPHICS,
  createSurface: GfxCmdId.CREATESURFACE,
  deleteSurface: GfxCmdId.DELETESURFACE,
  mapSurfaceToOutput: GfxCmdId.MAPSURFACETOOUTPUT,
  startFrame: GfxCmdId.STARTFRAME,
  endFrame: GfxCmdId.ENDFRAME,
  frameAcknowledge: GfxCmdId.FRAMEACKNOWLEDGE,
  qoeFrameAcknowledge: GfxCmdId.QOEFRAMEACKNOWLEDGE,
  solidFill: GfxCmdId.SOLIDFILL,
  surfaceToSurface: GfxCmdId.SURFACETOSURFACE,
  surfaceToCache: GfxCmdId.SURFACETOCACHE,
  cacheToSurface: GfxCmdId.CACHETOSURFACE,
  evictCacheEntry: GfxCmdId.EVICTCACHEENTRY,
  cacheImportOffer: GfxCmdId.CACHEIMPORTOFFER,
  cacheImportReply: GfxCmdId.CACHEIMPORTREPLY,
  wireToSurface1: GfxCmdId.WIRETOSURFACE_1,
  wireToSurface2: GfxCmdId.WIRETOSURFACE_2,
  deleteEncodingContext: GfxCmdId.DELETEENCODINGCONTEXT,
};

function u16(v: number, what: string): number {
  return checkUint(v, 0xffff, what, PDU);
}

function u32(v: number, what: string): number {
  return checkUint(v, 0xffffffff, what, PDU);
}

function writeGfxRect(w: ByteWriter, r: Rect): void {
  for (const v of [r.left, r.top, r.right, r.bottom]) u16(v, 'RDPGFX_RECT16');
  if (r.right <= r.left || r.bottom <= r.top) throw new ProtocolError('INVALID', 'empty RDPGFX_RECT16', PDU);
  writeRect16(w, r);
}

function readGfxRect(r: ByteReader): Rect {
  const rect = readRect16(r);
  if (rect.right <= rect.left || rect.bottom <= rect.top) {
    throw new ProtocolError('INVALID', `empty RDPGFX_RECT16 ${JSON.stringify(rect)}`, PDU);
  }
  return rect;
}

function writePoints(w: ByteWriter, points: readonly Point16[]): void {
  w.u16le(u16(points.length, 'point count'));
  for (const p of points) w.u16le(u16(p.x, 'x')).u16le(u16(p.y, 'y'));
}

function readPoints(r: ByteReader): Point16[] {
  const n = r.u16le();
  r.need(n * 4, 'points');
  return Array.from({ length: n }, () => ({ x: r.u16le(), y: r.u16le() }));
}

function writeCapsSet(w: ByteWriter, set: GfxCapabilitySet): void {
  w.u32le(u32(set.version, 'version'));
  if (set.version === GfxCapsVersion.VERSION101) w.u32le(CAPS_101_DATA_LENGTH).zeros(CAPS_101_DATA_LENGTH);
  else w.u32le(CAPS_FLAGS_DATA_LENGTH).u32le(u32(set.flags, 'flags'));
}

function readCapsSet(r: ByteReader): GfxCapabilitySet {
  const version = r.u32le();
  const data = r.sub(r.u32le(), PDU);
  return { version, flags: version !== GfxCapsVersion.VERSION101 && data.length >= 4 ? data.u32le() : 0 };
}

function writeCacheKey(w: ByteWriter, key: bigint): void {
  if (key < 0n || key > 0xffffffffffffffffn) throw new ProtocolError('INVALID', 'cacheKey outside 64 bits', PDU);
  w.u32le(Number(key & 0xffffffffn)).u32le(Number(key >> 32n));
}

function readCacheKey(r: ByteReader): bigint {
  const low = r.u32le();
  return (BigInt(r.u32le()) << 32n) | BigInt(low);
}

function writeBody(w: ByteWriter, pdu: GfxPdu): void {
  switch (pdu.type) {
    case 'capsAdvertise':
      w.u16le(u16(pdu.capsSets.length, 'capsSetCount'));
      for (const set of pdu.capsSets) writeCapsSet(w, set);
      return;
    case 'capsConfirm':
      writeCapsSet(w, pdu.capsSet);
      return;
    case 'resetGraphics': {
      if (pdu.monitors.length > RESET_GRAPHICS_MAX_MONITORS) {
        throw new ProtocolError('INVALID', `${pdu.monitors.length} monitors over ${RESET_GRAPHICS_MAX_MONITORS}`, PDU);
      }
      w.u32le(u32(pdu.width, 'width')).u32le(u32(pdu.height, 'height')).u32le(pdu.monitors.length);
      for (const m of pdu.monitors) w.i32le(m.left).i32le(m.top).i32le(m.right).i32le(m.bottom).u32le(m.flags);
      w.zeros(RESET_GRAPHICS_PDU_LENGTH - HEADER_LENGTH - 12 - pdu.monitors.length * MONITOR_DEF_LENGTH);
      return;
    }
    case 'createSurface':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u16le(u16(pdu.width, 'width')).u16le(u16(pdu.height, 'height'));
      w.u8(checkUint(pdu.pixelFormat, 0xff, 'pixelFormat', PDU));
      return;
    case 'deleteSurface':
      w.u16le(u16(pdu.surfaceId, 'surfaceId'));
      return;
    case 'mapSurfaceToOutput':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u16le(0);
      w.u32le(u32(pdu.outputOriginX, 'outputOriginX')).u32le(u32(pdu.outputOriginY, 'outputOriginY'));
      return;
    case 'startFrame':
      w.u32le(u32(pdu.timestamp, 'timestamp')).u32le(u32(pdu.frameId, 'frameId'));
      return;
    case 'endFrame':
      w.u32le(u32(pdu.frameId, 'frameId'));
      return;
    case 'frameAcknowledge':
      w.u32le(u32(pdu.queueDepth, 'queueDepth')).u32le(u32(pdu.frameId, 'frameId'));
      w.u32le(u32(pdu.totalFramesDecoded, 'totalFramesDecoded'));
      return;
    case 'qoeFrameAcknowledge':
      w.u32le(u32(pdu.frameId, 'frameId')).u32le(u32(pdu.timestamp, 'timestamp'));
      w.u16le(u16(pdu.timeDiffSE, 'timeDiffSE')).u16le(u16(pdu.timeDiffEDR, 'timeDiffEDR'));
      return;
    case 'solidFill':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u32le(u32(pdu.fillPixel, 'fillPixel'));
      w.u16le(u16(pdu.fillRects.length, 'fillRectCount'));
      for (const r of pdu.fillRects) writeGfxRect(w, r);
      return;
    case 'surfaceToSurface':
      w.u16le(u16(pdu.surfaceIdSrc, 'surfaceIdSrc')).u16le(u16(pdu.surfaceIdDest, 'surfaceIdDest'));
      writeGfxRect(w, pdu.rectSrc);
      writePoints(w, pdu.destPts);
      return;
    case 'surfaceToCache':
      w.u16le(u16(pdu.surfaceId, 'surfaceId'));
      writeCacheKey(w, pdu.cacheKey);
      w.u16le(u16(pdu.cacheSlot, 'cacheSlot'));
      writeGfxRect(w, pdu.rectSrc);
      return;
    case 'cacheToSurface':
      w.u16le(u16(pdu.cacheSlot, 'cacheSlot')).u16le(u16(pdu.surfaceId, 'surfaceId'));
      writePoints(w, pdu.destPts);
      return;
    case 'evictCacheEntry':
      w.u16le(u16(pdu.cacheSlot, 'cacheSlot'));
      return;
    case 'cacheImportOffer':
      if (pdu.cacheEntries.length > CACHE_IMPORT_MAX_ENTRIES) {
        throw new ProtocolError('INVALID', `more than ${CACHE_IMPORT_MAX_ENTRIES} cache entries`, PDU);
      }
      w.u16le(pdu.cacheEntries.length);
      for (const e of pdu.cacheEntries) {
        writeCacheKey(w, e.cacheKey);
        w.u32le(u32(e.bitmapLength, 'bitmapLength'));
      }
      return;
    case 'cacheImportReply':
      if (pdu.cacheSlots.length > CACHE_IMPORT_MAX_ENTRIES) {
        throw new ProtocolError('INVALID', `more than ${CACHE_IMPORT_MAX_ENTRIES} cache slots`, PDU);
      }
      w.u16le(pdu.cacheSlots.length);
      for (const s of pdu.cacheSlots) w.u16le(u16(s, 'cacheSlot'));
      return;
    case 'wireToSurface1':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u16le(u16(pdu.codecId, 'codecId'));
      w.u8(checkUint(pdu.pixelFormat, 0xff, 'pixelFormat', PDU));
      writeGfxRect(w, pdu.destRect);
      w.u32le(pdu.bitmapData.length).bytes(pdu.bitmapData);
      return;
    case 'wireToSurface2':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u16le(u16(pdu.codecId, 'codecId'));
      w.u32le(u32(pdu.codecContextId, 'codecContextId')).u8(checkUint(pdu.pixelFormat, 0xff, 'pixelFormat', PDU));
      w.u32le(pdu.bitmapData.length).bytes(pdu.bitmapData);
      return;
    case 'deleteEncodingContext':
      w.u16le(u16(pdu.surfaceId, 'surfaceId')).u32le(u32(pdu.codecContextId, 'codecContextId'));
      return;
  }
}

/** Encodes PDUs back to back, each behind its RDPGFX_HEADER (flags 0, pduLength including the header). */
export function encodeGfxPdus(pdus: readonly GfxPdu[]): Uint8Array {
  const w = new ByteWriter(pdus.reduce((n, p) => n + 64 + ('bitmapData' in p ? p.bitmapData.length : 0), 0));
  for (const pdu of pdus) {
    const start = w.written().length;
    w.u16le(CMD_OF[pdu.type]).u16le(0).u32le(0);
    writeBody(w, pdu);
    w.setU32le(start + 4, w.written().length - start);
  }
  return w.toBytes();
}

export function encodeGfxPdu(pdu: GfxPdu): Uint8Array {
  return encodeGfxPdus([pdu]);
}

function readBody(cmdId: number, r: ByteReader): GfxPdu {
  switch (cmdId) {
    case GfxCmdId.CAPSADVERTISE: {
      const n = r.u16le();
      return { type: 'capsAdvertise', capsSets: Array.from({ length: n }, () => readCapsSet(r)) };
    }
    case GfxCmdId.CAPSCONFIRM:
      return { type: 'capsConfirm', capsSet: readCapsSet(r) };
    case GfxCmdId.RESETGRAPHICS: {
      const width = r.u32le();
      const height = r.u32le();
      const count = r.u32le();
      if (count > RESET_GRAPHICS_MAX_MONITORS) throw new ProtocolError('INVALID', `monitorCount ${count}`, PDU);
      const monitors = Array.from({ length: count }, () => ({
        left: r.i32le(),
        top: r.i32le(),
        right: r.i32le(),
        bottom: r.i32le(),
        flags: r.u32le(),
      }));
      return { type: 'resetGraphics', width, height, monitors };
    }
    case GfxCmdId.CREATESURFACE:
      return { type: 'createSurface', surfaceId: r.u16le(), width: r.u16le(), height: r.u16le(), pixelFormat: r.u8() };
    case GfxCmdId.DELETESURFACE:
      return { type: 'deleteSurface', surfaceId: r.u16le() };
    case GfxCmdId.MAPSURFACETOOUTPUT: {
      const surfaceId = r.u16le();
      r.skip(2);
      return { type: 'mapSurfaceToOutput', surfaceId, outputOriginX: r.u32le(), outputOriginY: r.u32le() };
    }
    case GfxCmdId.STARTFRAME:
      return { type: 'startFrame', timestamp: r.u32le(), frameId: r.u32le() };
    case GfxCmdId.ENDFRAME:
      return { type: 'endFrame', frameId: r.u32le() };
    case GfxCmdId.FRAMEACKNOWLEDGE:
      return { type: 'frameAcknowledge', queueDepth: r.u32le(), frameId: r.u32le(), totalFramesDecoded: r.u32le() };
    case GfxCmdId.QOEFRAMEACKNOWLEDGE: {
      const frameId = r.u32le();
      const timestamp = r.u32le();
      return { type: 'qoeFrameAcknowledge', frameId, timestamp, timeDiffSE: r.u16le(), timeDiffEDR: r.u16le() };
    }
    case GfxCmdId.SOLIDFILL: {
      const surfaceId = r.u16le();
      const fillPixel = r.u32le();
      const n = r.u16le();
      r.need(n * 8, 'fillRects');
      return { type: 'solidFill', surfaceId, fillPixel, fillRects: Array.from({ length: n }, () => readGfxRect(r)) };
    }
    case GfxCmdId.SURFACETOSURFACE: {
      const surfaceIdSrc = r.u16le();
      const surfaceIdDest = r.u16le();
      const rectSrc = readGfxRect(r);
      return { type: 'surfaceToSurface', surfaceIdSrc, surfaceIdDest, rectSrc, destPts: readPoints(r) };
    }
    case GfxCmdId.SURFACETOCACHE: {
      const surfaceId = r.u16le();
      const cacheKey = readCacheKey(r);
      const cacheSlot = r.u16le();
      return { type: 'surfaceToCache', surfaceId, cacheKey, cacheSlot, rectSrc: readGfxRect(r) };
    }
    case GfxCmdId.CACHETOSURFACE: {
      const cacheSlot = r.u16le();
      const surfaceId = r.u16le();
      return { type: 'cacheToSurface', cacheSlot, surfaceId, destPts: readPoints(r) };
    }
    case GfxCmdId.EVICTCACHEENTRY:
      return { type: 'evictCacheEntry', cacheSlot: r.u16le() };
    case GfxCmdId.CACHEIMPORTOFFER: {
      const n = r.u16le();
      if (n > CACHE_IMPORT_MAX_ENTRIES) throw new ProtocolError('INVALID', `cacheEntriesCount ${n}`, PDU);
      r.need(n * 12, 'cacheEntries');
      const cacheEntries = Array.from({ length: n }, () => ({ cacheKey: readCacheKey(r), bitmapLength: r.u32le() }));
      return { type: 'cacheImportOffer', cacheEntries };
    }
    case GfxCmdId.CACHEIMPORTREPLY: {
      const n = r.u16le();
      if (n > CACHE_IMPORT_MAX_ENTRIES) throw new ProtocolError('INVALID', `importedEntriesCount ${n}`, PDU);
      r.need(n * 2, 'cacheSlots');
      return { type: 'cacheImportReply', cacheSlots: Array.from({ length: n }, () => r.u16le()) };
    }
    case GfxCmdId.WIRETOSURFACE_1: {
      const surfaceId = r.u16le();
      const codecId = r.u16le();
      const pixelFormat = r.u8();
      const destRect = readGfxRect(r);
      const bitmapData = r.bytesView(r.u32le(), 'bitmapData');
      return { type: 'wireToSurface1', surfaceId, codecId, pixelFormat, destRect, bitmapData };
    }
    case GfxCmdId.WIRETOSURFACE_2: {
      const surfaceId = r.u16le();
      const codecId = r.u16le();
      const codecContextId = r.u32le();
      const pixelFormat = r.u8();
      const bitmapData = r.bytesView(r.u32le(), 'bitmapData');
      return { type: 'wireToSurface2', surfaceId, codecId, codecContextId, pixelFormat, bitmapData };
    }
    case GfxCmdId.DELETEENCODINGCONTEXT:
      return { type: 'deleteEncodingContext', surfaceId: r.u16le(), codecContextId: r.u32le() };
    default:
      throw new ProtocolError('UNSUPPORTED', `cmdId 0x${cmdId.toString(16)}`, PDU);
  }
}

/** Decodes back-to-back RDPGFX PDUs (one DVC message may carry several). Views share `bytes`. */
export function decodeGfxPdus(bytes: Uint8Array): GfxPdu[] {
  const r = new ByteReader(bytes, PDU);
  const out: GfxPdu[] = [];
  while (r.remaining > 0) {
    const cmdId = r.u16le();
    r.skip(2);
    const pduLength = r.u32le();
    if (pduLength < HEADER_LENGTH) throw new ProtocolError('INVALID', `pduLength ${pduLength}`, PDU);
    out.push(readBody(cmdId, r.sub(pduLength - HEADER_LENGTH, PDU)));
  }
  return out;
}
