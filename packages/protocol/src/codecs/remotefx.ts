import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { readComponentCodecQuant, writeComponentCodecQuant } from './rfx-quantization.js';
import { RlgrMode } from './rlgr.js';

/**
 * The RemoteFX message stream ([MS-RDPRFX] 2.2.2): TS_RFX_BLOCKT blocks, each a blockType and a blockLen that
 * counts its own 6-byte header. Header messages (sync, codec versions, channels, context) set the stream up; each
 * frame is FRAME_BEGIN, REGION, TILESET (the tiles), FRAME_END. This file encodes and decodes the blocks;
 * remotefx-decoder.ts turns tiles into pixels.
 */
export const RfxBlockType = {
  /** WBT_SYNC: TS_RFX_SYNC. */
  WBT_SYNC: 0xccc0,
  /** WBT_CODEC_VERSIONS: TS_RFX_CODEC_VERSIONS. */
  WBT_CODEC_VERSIONS: 0xccc1,
  /** WBT_CHANNELS: TS_RFX_CHANNELS. */
  WBT_CHANNELS: 0xccc2,
  /** WBT_CONTEXT: TS_RFX_CONTEXT. */
  WBT_CONTEXT: 0xccc3,
  /** WBT_FRAME_BEGIN: TS_RFX_FRAME_BEGIN. */
  WBT_FRAME_BEGIN: 0xccc4,
  /** WBT_FRAME_END: TS_RFX_FRAME_END. */
  WBT_FRAME_END: 0xccc5,
  /** WBT_REGION: TS_RFX_REGION. */
  WBT_REGION: 0xccc6,
  /** WBT_EXTENSION: TS_RFX_TILESET (the only extension: subtype CBT_TILESET). */
  WBT_EXTENSION: 0xccc7,
} as const;
export type RfxBlockType = (typeof RfxBlockType)[keyof typeof RfxBlockType];

/** TS_RFX_SYNC.magic. */
export const WF_MAGIC = 0xcacc_acca;
/** TS_RFX_SYNC.version and TS_RFX_CODEC_VERSIONT.version: 1.0. */
export const WF_VERSION_1_0 = 0x0100;
/** TS_RFX_CODEC_CHANNELT.codecId and TS_RFX_CODEC_VERSIONT.codecId. */
export const RFX_CODEC_ID = 0x01;
/** TS_RFX_CODEC_CHANNELT.channelId of the context message. */
export const RFX_CONTEXT_CHANNEL_ID = 0xff;
/** TS_RFX_CONTEXT.tileSize and TS_RFX_TILESET.tileSize: CT_TILE_64x64. */
export const CT_TILE_64X64 = 0x40;
/** TS_RFX_REGION.regionType. */
export const CBT_REGION = 0xcac1;
/** TS_RFX_TILESET.subtype. */
export const CBT_TILESET = 0xcac2;
/** TS_RFX_TILE.blockType. */
export const CBT_TILE = 0xcac3;
/** TS_RFX_CONTEXT/TILESET flags: image mode (one frame at a time) rather than video mode. */
export const CODEC_MODE = 0x02;
/** TS_RFX_REGION.regionFlags.lrf: always set. */
export const RFX_REGION_LRF = 0x01;
/** The properties' cct: COL_CONV_ICT, the only colour conversion. */
const COL_CONV_ICT = 0x1;
/** The properties' xft: CLW_XFORM_DWT_53_A, the only transform. */
const CLW_XFORM_DWT_53_A = 0x1;
/** The properties' qt: SCALAR_QUANTIZATION, the only quantization. */
const SCALAR_QUANTIZATION = 0x1;
/** TS_RFX_TILESET.properties.lt: always set. */
const TILESET_LT = 0x1;

const PDU = 'TS_RFX';
const BLOCK_HEADER = 6;
const TILE_HEADER = 19;
const RECT_BYTES = 8;
const QUANT_BYTES = 5;

/** TS_RFX_CHANNELT: the size of the one channel (the surface the frames draw). */
export interface RfxChannel {
  channelId: number;
  width: number;
  height: number;
}

/** TS_RFX_RECT: a rectangle of the destination the region updates. */
export interface RfxRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** TS_RFX_TILE: one 64x64 tile's three components of RLGR data. */
export interface RfxTile {
  quantIdxY: number;
  quantIdxCb: number;
  quantIdxCr: number;
  xIdx: number;
  yIdx: number;
  yData: Uint8Array;
  cbData: Uint8Array;
  crData: Uint8Array;
}

export type RfxMessage =
  | { blockType: typeof RfxBlockType.WBT_SYNC }
  | { blockType: typeof RfxBlockType.WBT_CODEC_VERSIONS }
  | { blockType: typeof RfxBlockType.WBT_CHANNELS; channels: RfxChannel[] }
  | {
      blockType: typeof RfxBlockType.WBT_CONTEXT;
      ctxId: number;
      /** properties.flags: {@link CODEC_MODE} or 0 (video mode). */
      flags: number;
      /** properties.et: the entropy coder of the tiles. */
      entropy: RlgrMode;
    }
  | { blockType: typeof RfxBlockType.WBT_FRAME_BEGIN; frameIdx: number; numRegions: number }
  | { blockType: typeof RfxBlockType.WBT_FRAME_END }
  | {
      blockType: typeof RfxBlockType.WBT_REGION;
      /** regionFlags: {@link RFX_REGION_LRF} and bits the spec reserves (Windows sets some; kept as sent). */
      regionFlags: number;
      rects: RfxRect[];
      numTilesets: number;
    }
  | {
      blockType: typeof RfxBlockType.WBT_EXTENSION;
      idx: number;
      flags: number;
      entropy: RlgrMode;
      /** TS_RFX_CODEC_QUANT tables, each 10 values indexed by RfxSubband. */
      quantVals: Uint8Array[];
      tiles: RfxTile[];
    };

/** The fields of TS_RFX_CONTEXT.properties (flags 3 bits, cct 2, xft 4, et 4, qt 2, r 1). */
function contextProperties(flags: number, entropy: RlgrMode): number {
  return flags | (COL_CONV_ICT << 3) | (CLW_XFORM_DWT_53_A << 5) | (entropy << 9) | (SCALAR_QUANTIZATION << 13);
}

/** The fields of TS_RFX_TILESET.properties (lt 1 bit, flags 3, cct 2, xft 4, et 4, qt 2). */
function tilesetProperties(flags: number, entropy: RlgrMode): number {
  return (
    TILESET_LT |
    (flags << 1) |
    (COL_CONV_ICT << 4) |
    (CLW_XFORM_DWT_53_A << 6) |
    (entropy << 10) |
    (SCALAR_QUANTIZATION << 14)
  );
}

function entropyOf(et: number): RlgrMode {
  if (et !== RlgrMode.RLGR1 && et !== RlgrMode.RLGR3) throw new ProtocolError('INVALID', `entropy ${et}`, PDU);
  return et;
}

/** Checks the properties' fixed fields (cct, xft, qt) at the given bit positions. */
function checkTransform(properties: number, cctAt: number): void {
  const cct = (properties >> cctAt) & 0x3;
  const xft = (properties >> (cctAt + 2)) & 0xf;
  const qt = (properties >> (cctAt + 10)) & 0x3;
  if (cct !== COL_CONV_ICT || xft !== CLW_XFORM_DWT_53_A || qt !== SCALAR_QUANTIZATION) {
    throw new ProtocolError('UNSUPPORTED', `cct ${cct}, xft ${xft}, qt ${qt}`, PDU);
  }
}

function readCodecChannel(r: ByteReader): number {
  const codecId = r.u8();
  if (codecId !== RFX_CODEC_ID) throw new ProtocolError('INVALID', `codecId ${codecId}`, PDU);
  return r.u8();
}

function readRegion(r: ByteReader): RfxMessage {
  const regionFlags = r.u8();
  const numRects = r.u16le();
  r.need(numRects * RECT_BYTES + 4, 'TS_RFX_REGION rects');
  const rects: RfxRect[] = [];
  for (let i = 0; i < numRects; i++) rects.push({ x: r.u16le(), y: r.u16le(), width: r.u16le(), height: r.u16le() });
  const regionType = r.u16le();
  if (regionType !== CBT_REGION) throw new ProtocolError('INVALID', `regionType 0x${regionType.toString(16)}`, PDU);
  return { blockType: RfxBlockType.WBT_REGION, regionFlags, rects, numTilesets: r.u16le() };
}

function readTileset(r: ByteReader): RfxMessage {
  const subtype = r.u16le();
  if (subtype !== CBT_TILESET) throw new ProtocolError('INVALID', `extension subtype 0x${subtype.toString(16)}`, PDU);
  const idx = r.u16le();
  const properties = r.u16le();
  if ((properties & TILESET_LT) === 0) throw new ProtocolError('INVALID', 'TS_RFX_TILESET.lt clear', PDU);
  checkTransform(properties, 4);
  const numQuant = r.u8();
  const tileSize = r.u8();
  if (tileSize !== CT_TILE_64X64) throw new ProtocolError('INVALID', `tileSize ${tileSize}`, PDU);
  const numTiles = r.u16le();
  const tilesDataSize = r.u32le();
  r.need(numQuant * QUANT_BYTES, 'TS_RFX_TILESET quantVals');
  const quantVals: Uint8Array[] = [];
  for (let i = 0; i < numQuant; i++) quantVals.push(readComponentCodecQuant(r));
  const data = r.sub(tilesDataSize, 'TS_RFX_TILESET tiles');
  data.need(numTiles * TILE_HEADER, 'TS_RFX_TILESET tiles');
  const tiles: RfxTile[] = [];
  for (let i = 0; i < numTiles; i++) {
    const blockType = data.u16le();
    const blockLen = data.u32le();
    if (blockType !== CBT_TILE) throw new ProtocolError('INVALID', `tile blockType 0x${blockType.toString(16)}`, PDU);
    if (blockLen < TILE_HEADER) throw new ProtocolError('INVALID', `tile blockLen ${blockLen}`, PDU);
    const t = data.sub(blockLen - BLOCK_HEADER, 'TS_RFX_TILE');
    const header = {
      quantIdxY: t.u8(),
      quantIdxCb: t.u8(),
      quantIdxCr: t.u8(),
      xIdx: t.u16le(),
      yIdx: t.u16le(),
    };
    const yLen = t.u16le();
    const cbLen = t.u16le();
    const crLen = t.u16le();
    tiles.push({ ...header, yData: t.bytesView(yLen), cbData: t.bytesView(cbLen), crData: t.bytesView(crLen) });
  }
  return {
    blockType: RfxBlockType.WBT_EXTENSION,
    idx,
    flags: (properties >> 1) & 0x7,
    entropy: entropyOf((properties >> 10) & 0xf),
    quantVals,
    tiles,
  };
}

function readBlock(blockType: number, r: ByteReader): RfxMessage {
  switch (blockType) {
    case RfxBlockType.WBT_SYNC: {
      const magic = r.u32le();
      const version = r.u16le();
      if (magic !== WF_MAGIC || version !== WF_VERSION_1_0) {
        throw new ProtocolError('INVALID', `sync magic 0x${magic.toString(16)} version 0x${version.toString(16)}`, PDU);
      }
      return { blockType };
    }
    case RfxBlockType.WBT_CODEC_VERSIONS: {
      const numCodecs = r.u8();
      r.need(numCodecs * 3, 'TS_RFX_CODEC_VERSIONT');
      for (let i = 0; i < numCodecs; i++) {
        const codecId = r.u8();
        const version = r.u16le();
        if (codecId !== RFX_CODEC_ID || version !== WF_VERSION_1_0) {
          throw new ProtocolError('UNSUPPORTED', `codec ${codecId} version 0x${version.toString(16)}`, PDU);
        }
      }
      return { blockType };
    }
    case RfxBlockType.WBT_CHANNELS: {
      const numChannels = r.u8();
      r.need(numChannels * 5, 'TS_RFX_CHANNELT');
      const channels: RfxChannel[] = [];
      for (let i = 0; i < numChannels; i++) {
        const channel = { channelId: r.u8(), width: r.i16le(), height: r.i16le() };
        if (channel.width < 1 || channel.height < 1) {
          throw new ProtocolError('INVALID', `a ${channel.width}x${channel.height} channel`, PDU);
        }
        channels.push(channel);
      }
      return { blockType, channels };
    }
    case RfxBlockType.WBT_CONTEXT: {
      readCodecChannel(r);
      const ctxId = r.u8();
      const tileSize = r.u16le();
      if (tileSize !== CT_TILE_64X64) throw new ProtocolError('INVALID', `tileSize ${tileSize}`, PDU);
      const properties = r.u16le();
      checkTransform(properties, 3);
      return { blockType, ctxId, flags: properties & 0x7, entropy: entropyOf((properties >> 9) & 0xf) };
    }
    case RfxBlockType.WBT_FRAME_BEGIN:
      readCodecChannel(r);
      return { blockType, frameIdx: r.u32le(), numRegions: r.i16le() };
    case RfxBlockType.WBT_FRAME_END:
      readCodecChannel(r);
      return { blockType };
    case RfxBlockType.WBT_REGION:
      readCodecChannel(r);
      return readRegion(r);
    case RfxBlockType.WBT_EXTENSION:
      readCodecChannel(r);
      return readTileset(r);
    default:
      throw new ProtocolError('INVALID', `blockType 0x${blockType.toString(16)}`, PDU);
  }
}

/** Decodes a RemoteFX message stream into its blocks; throws ProtocolError on anything malformed. */
export function decodeRfxMessages(data: Uint8Array): RfxMessage[] {
  const r = new ByteReader(data, PDU);
  const messages: RfxMessage[] = [];
  while (r.remaining > 0) {
    const blockType = r.u16le();
    const blockLen = r.u32le();
    if (blockLen < BLOCK_HEADER) throw new ProtocolError('INVALID', `blockLen ${blockLen}`, PDU);
    messages.push(readBlock(blockType, r.sub(blockLen - BLOCK_HEADER)));
  }
  return messages;
}

function writeTile(w: ByteWriter, t: RfxTile): void {
  const blockLen = TILE_HEADER + t.yData.length + t.cbData.length + t.crData.length;
  w.u16le(CBT_TILE).u32le(blockLen).u8(t.quantIdxY).u8(t.quantIdxCb).u8(t.quantIdxCr);
  w.u16le(t.xIdx).u16le(t.yIdx).u16le(t.yData.length).u16le(t.cbData.length).u16le(t.crData.length);
  w.bytes(t.yData).bytes(t.cbData).bytes(t.crData);
}

function writeBody(w: ByteWriter, m: RfxMessage): void {
  const channel = (channelId = 0) => w.u8(RFX_CODEC_ID).u8(channelId);
  switch (m.blockType) {
    case RfxBlockType.WBT_SYNC:
      w.u32le(WF_MAGIC).u16le(WF_VERSION_1_0);
      return;
    case RfxBlockType.WBT_CODEC_VERSIONS:
      w.u8(1).u8(RFX_CODEC_ID).u16le(WF_VERSION_1_0);
      return;
    case RfxBlockType.WBT_CHANNELS:
      w.u8(m.channels.length);
      for (const c of m.channels) w.u8(c.channelId).i16le(c.width).i16le(c.height);
      return;
    case RfxBlockType.WBT_CONTEXT:
      channel(RFX_CONTEXT_CHANNEL_ID);
      w.u8(m.ctxId).u16le(CT_TILE_64X64).u16le(contextProperties(m.flags, m.entropy));
      return;
    case RfxBlockType.WBT_FRAME_BEGIN:
      channel();
      w.u32le(m.frameIdx).i16le(m.numRegions);
      return;
    case RfxBlockType.WBT_FRAME_END:
      channel();
      return;
    case RfxBlockType.WBT_REGION:
      channel();
      w.u8(m.regionFlags).u16le(m.rects.length);
      for (const r of m.rects) w.u16le(r.x).u16le(r.y).u16le(r.width).u16le(r.height);
      w.u16le(CBT_REGION).u16le(m.numTilesets);
      return;
    case RfxBlockType.WBT_EXTENSION: {
      channel();
      const tiles = new ByteWriter();
      for (const t of m.tiles) writeTile(tiles, t);
      const tileBytes = tiles.toBytes();
      w.u16le(CBT_TILESET).u16le(m.idx).u16le(tilesetProperties(m.flags, m.entropy));
      w.u8(m.quantVals.length).u8(CT_TILE_64X64).u16le(m.tiles.length).u32le(tileBytes.length);
      for (const q of m.quantVals) writeComponentCodecQuant(w, q);
      w.bytes(tileBytes);
    }
  }
}

/** Encodes RemoteFX blocks (the inverse of {@link decodeRfxMessages}). */
export function encodeRfxMessages(messages: readonly RfxMessage[]): Uint8Array {
  const w = new ByteWriter();
  for (const m of messages) {
    const start = w.written().length;
    w.u16le(m.blockType).u32le(0);
    writeBody(w, m);
    w.setU32le(start + 2, w.written().length - start);
  }
  return w.toBytes();
}
