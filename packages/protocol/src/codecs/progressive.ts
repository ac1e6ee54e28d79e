import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { readComponentCodecQuant, writeComponentCodecQuant } from './rfx-quantization.js';

/**
 * The RemoteFX Progressive codec's block stream (RDPGFX_CODECID_CAPROGRESSIVE, [MS-RDPEGFX] 2.2.4.2): a sequence
 * of blocks, each a blockType and a blockLen that counts its own 6-byte header. Tiles are blocks inside a
 * region's tile data. This file encodes and decodes the blocks; progressive-decoder.ts turns tiles into pixels.
 */
export const ProgressiveBlockType = {
  /** PROGRESSIVE_WBT_SYNC: RFX_PROGRESSIVE_SYNC. */
  WBT_SYNC: 0xccc0,
  /** PROGRESSIVE_WBT_FRAME_BEGIN: RFX_PROGRESSIVE_FRAME_BEGIN. */
  WBT_FRAME_BEGIN: 0xccc1,
  /** PROGRESSIVE_WBT_FRAME_END: RFX_PROGRESSIVE_FRAME_END. */
  WBT_FRAME_END: 0xccc2,
  /** PROGRESSIVE_WBT_CONTEXT: RFX_PROGRESSIVE_CONTEXT. */
  WBT_CONTEXT: 0xccc3,
  /** PROGRESSIVE_WBT_REGION: RFX_PROGRESSIVE_REGION. */
  WBT_REGION: 0xccc4,
  /** PROGRESSIVE_WBT_TILE_SIMPLE: RFX_PROGRESSIVE_TILE_SIMPLE. */
  WBT_TILE_SIMPLE: 0xccc5,
  /** PROGRESSIVE_WBT_TILE_FIRST: RFX_PROGRESSIVE_TILE_FIRST. */
  WBT_TILE_FIRST: 0xccc6,
  /** PROGRESSIVE_WBT_TILE_PROGRESSIVE_UPGRADE: RFX_PROGRESSIVE_TILE_UPGRADE. */
  WBT_TILE_UPGRADE: 0xccc7,
} as const;
export type ProgressiveBlockType = (typeof ProgressiveBlockType)[keyof typeof ProgressiveBlockType];

/** RFX_PROGRESSIVE_SYNC.magic. */
export const PROGRESSIVE_SYNC_MAGIC = 0xcaccacca;
/** RFX_PROGRESSIVE_SYNC.version: 1.0. */
export const PROGRESSIVE_SYNC_VERSION = 0x0100;
/** RFX_PROGRESSIVE_CONTEXT.tileSize and RFX_PROGRESSIVE_REGION.tileSize: tiles are always 64x64. */
export const PROGRESSIVE_TILE_SIZE = 64;
/** RFX_PROGRESSIVE_CONTEXT.flags: sub-band diffing. */
export const RFX_SUBBAND_DIFFING = 0x01;
/** RFX_PROGRESSIVE_REGION.flags: the reduce-extrapolate DWT. */
export const RFX_DWT_REDUCE_EXTRAPOLATE = 0x01;
/** RFX_PROGRESSIVE_TILE_SIMPLE/FIRST.flags: the coefficients are differences from the tile's previous ones. */
export const RFX_TILE_DIFFERENCE = 0x01;
/** progressiveQuality meaning full quality: no progressive quantization on top of the tile's own. */
export const PROGRESSIVE_QUALITY_FULL = 0xff;

const PDU = 'RFX_PROGRESSIVE';
const BLOCK_HEADER = 6;

/** TS_RFX_RECT: a rectangle of the surface the region updates. */
export interface ProgressiveRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** RFX_PROGRESSIVE_CODEC_QUANT: extra quantization of a progressive pass, per component (each 10 values). */
export interface ProgressiveCodecQuant {
  /** 0..100 (100: the tile's final quality); decoders ignore it. */
  quality: number;
  yQuantValues: Uint8Array;
  cbQuantValues: Uint8Array;
  crQuantValues: Uint8Array;
}

interface TileHeader {
  quantIdxY: number;
  quantIdxCb: number;
  quantIdxCr: number;
  xIdx: number;
  yIdx: number;
}

/** RFX_PROGRESSIVE_TILE_SIMPLE: a tile coded once, at full quality. */
export interface ProgressiveTileSimple extends TileHeader {
  blockType: typeof ProgressiveBlockType.WBT_TILE_SIMPLE;
  flags: number;
  yData: Uint8Array;
  cbData: Uint8Array;
  crData: Uint8Array;
  tailData: Uint8Array;
}

/** RFX_PROGRESSIVE_TILE_FIRST: the first pass of a tile, at `progressiveQuality`. */
export interface ProgressiveTileFirst extends TileHeader {
  blockType: typeof ProgressiveBlockType.WBT_TILE_FIRST;
  flags: number;
  progressiveQuality: number;
  yData: Uint8Array;
  cbData: Uint8Array;
  crData: Uint8Array;
  tailData: Uint8Array;
}

/** RFX_PROGRESSIVE_TILE_UPGRADE: bits that refine a tile's coefficients to `progressiveQuality`. */
export interface ProgressiveTileUpgrade extends TileHeader {
  blockType: typeof ProgressiveBlockType.WBT_TILE_UPGRADE;
  progressiveQuality: number;
  ySrlData: Uint8Array;
  yRawData: Uint8Array;
  cbSrlData: Uint8Array;
  cbRawData: Uint8Array;
  crSrlData: Uint8Array;
  crRawData: Uint8Array;
}

export type ProgressiveTile = ProgressiveTileSimple | ProgressiveTileFirst | ProgressiveTileUpgrade;

export type ProgressiveBlock =
  | { blockType: typeof ProgressiveBlockType.WBT_SYNC }
  | { blockType: typeof ProgressiveBlockType.WBT_FRAME_BEGIN; frameIndex: number; regionCount: number }
  | { blockType: typeof ProgressiveBlockType.WBT_FRAME_END }
  | { blockType: typeof ProgressiveBlockType.WBT_CONTEXT; ctxId: number; flags: number }
  | {
      blockType: typeof ProgressiveBlockType.WBT_REGION;
      rects: ProgressiveRect[];
      /** RFX_COMPONENT_CODEC_QUANT tables, each 10 values indexed by RfxSubband. */
      quantVals: Uint8Array[];
      quantProgVals: ProgressiveCodecQuant[];
      flags: number;
      tiles: ProgressiveTile[];
    };

function checkLength(blockType: number, blockLen: number, expected: number): void {
  if (blockLen !== expected) {
    throw new ProtocolError('INVALID', `block 0x${blockType.toString(16)} of ${blockLen} bytes, not ${expected}`, PDU);
  }
}

/** Reads the next block's header and returns a reader over its body (the blockLen checked against what is left). */
function nextBlock(r: ByteReader): { blockType: number; body: ByteReader } {
  r.need(BLOCK_HEADER, 'block header');
  const blockType = r.u16le();
  const blockLen = r.u32le();
  if (blockLen < BLOCK_HEADER) throw new ProtocolError('INVALID', `blockLen ${blockLen}`, PDU);
  return { blockType, body: r.sub(blockLen - BLOCK_HEADER) };
}

function decodeTile(blockType: number, r: ByteReader): ProgressiveTile {
  const header = (): TileHeader => ({
    quantIdxY: r.u8(),
    quantIdxCb: r.u8(),
    quantIdxCr: r.u8(),
    xIdx: r.u16le(),
    yIdx: r.u16le(),
  });
  switch (blockType) {
    case ProgressiveBlockType.WBT_TILE_SIMPLE:
    case ProgressiveBlockType.WBT_TILE_FIRST: {
      const h = header();
      const flags = r.u8();
      const progressiveQuality = blockType === ProgressiveBlockType.WBT_TILE_FIRST ? r.u8() : PROGRESSIVE_QUALITY_FULL;
      const yLen = r.u16le();
      const cbLen = r.u16le();
      const crLen = r.u16le();
      const tailLen = r.u16le();
      const yData = r.bytesView(yLen);
      const cbData = r.bytesView(cbLen);
      const crData = r.bytesView(crLen);
      const tailData = r.bytesView(tailLen);
      r.end();
      if (blockType === ProgressiveBlockType.WBT_TILE_SIMPLE) {
        return { blockType, ...h, flags, yData, cbData, crData, tailData };
      }
      return { blockType, ...h, flags, progressiveQuality, yData, cbData, crData, tailData };
    }
    case ProgressiveBlockType.WBT_TILE_UPGRADE: {
      const h = header();
      const progressiveQuality = r.u8();
      const lengths = [r.u16le(), r.u16le(), r.u16le(), r.u16le(), r.u16le(), r.u16le()];
      const [ySrlData, yRawData, cbSrlData, cbRawData, crSrlData, crRawData] = lengths.map((n) => r.bytesView(n));
      r.end();
      return { blockType, ...h, progressiveQuality, ySrlData, yRawData, cbSrlData, cbRawData, crSrlData, crRawData };
    }
    default:
      throw new ProtocolError('INVALID', `block 0x${blockType.toString(16)} among a region's tiles`, PDU);
  }
}

function decodeRegion(r: ByteReader): Extract<ProgressiveBlock, { blockType: 0xccc4 }> {
  const tileSize = r.u8();
  const numRects = r.u16le();
  const numQuant = r.u8();
  const numProgQuant = r.u8();
  const flags = r.u8();
  const numTiles = r.u16le();
  const tileDataSize = r.u32le();
  if (tileSize !== PROGRESSIVE_TILE_SIZE) throw new ProtocolError('INVALID', `tileSize ${tileSize}`, PDU);
  if (numRects === 0) throw new ProtocolError('INVALID', 'a region without rects', PDU);
  // Everything the counts promise must be there before anything is allocated for them.
  r.need(numRects * 8 + numQuant * 5 + numProgQuant * 16 + tileDataSize, 'RFX_PROGRESSIVE_REGION');
  const rects: ProgressiveRect[] = [];
  for (let i = 0; i < numRects; i++) rects.push({ x: r.u16le(), y: r.u16le(), width: r.u16le(), height: r.u16le() });
  const quantVals: Uint8Array[] = [];
  for (let i = 0; i < numQuant; i++) quantVals.push(readComponentCodecQuant(r));
  const quantProgVals: ProgressiveCodecQuant[] = [];
  for (let i = 0; i < numProgQuant; i++) {
    quantProgVals.push({
      quality: r.u8(),
      yQuantValues: readComponentCodecQuant(r),
      cbQuantValues: readComponentCodecQuant(r),
      crQuantValues: readComponentCodecQuant(r),
    });
  }
  const tileData = r.sub(tileDataSize);
  const tiles: ProgressiveTile[] = [];
  while (tileData.remaining > 0) {
    const { blockType, body } = nextBlock(tileData);
    if (tiles.length === numTiles) throw new ProtocolError('INVALID', `more than numTiles ${numTiles} tiles`, PDU);
    tiles.push(decodeTile(blockType, body));
  }
  if (tiles.length !== numTiles) throw new ProtocolError('INVALID', `${tiles.length} tiles, numTiles ${numTiles}`, PDU);
  r.end();
  return { blockType: ProgressiveBlockType.WBT_REGION, rects, quantVals, quantProgVals, flags, tiles };
}

/**
 * Decodes the blocks of one WireToSurface bitmapData. Every count and length is checked against the bytes left
 * before anything is read or allocated for it, and every block must use exactly its blockLen.
 */
export function decodeProgressiveBlocks(data: Uint8Array): ProgressiveBlock[] {
  const r = new ByteReader(data, PDU);
  const blocks: ProgressiveBlock[] = [];
  while (r.remaining > 0) {
    const { blockType, body } = nextBlock(r);
    const blockLen = body.length + BLOCK_HEADER;
    switch (blockType) {
      case ProgressiveBlockType.WBT_SYNC: {
        checkLength(blockType, blockLen, 12);
        const magic = body.u32le();
        const version = body.u16le();
        if (magic !== PROGRESSIVE_SYNC_MAGIC || version !== PROGRESSIVE_SYNC_VERSION) {
          throw new ProtocolError(
            'INVALID',
            `sync magic 0x${magic.toString(16)} version 0x${version.toString(16)}`,
            PDU,
          );
        }
        blocks.push({ blockType });
        break;
      }
      case ProgressiveBlockType.WBT_FRAME_BEGIN:
        checkLength(blockType, blockLen, 12);
        blocks.push({ blockType, frameIndex: body.u32le(), regionCount: body.u16le() });
        break;
      case ProgressiveBlockType.WBT_FRAME_END:
        checkLength(blockType, blockLen, 6);
        blocks.push({ blockType });
        break;
      case ProgressiveBlockType.WBT_CONTEXT: {
        checkLength(blockType, blockLen, 10);
        const ctxId = body.u8();
        const tileSize = body.u16le();
        const flags = body.u8();
        if (tileSize !== PROGRESSIVE_TILE_SIZE) throw new ProtocolError('INVALID', `tileSize ${tileSize}`, PDU);
        blocks.push({ blockType, ctxId, flags });
        break;
      }
      case ProgressiveBlockType.WBT_REGION:
        blocks.push(decodeRegion(body));
        break;
      default:
        throw new ProtocolError('INVALID', `block type 0x${blockType.toString(16)}`, PDU);
    }
  }
  return blocks;
}

/** Writes a block: header with blockLen, then what `body` writes. */
function writeBlock(w: ByteWriter, blockType: number, body: (w: ByteWriter) => void): void {
  const inner = new ByteWriter();
  body(inner);
  const bytes = inner.written();
  w.u16le(blockType)
    .u32le(bytes.length + BLOCK_HEADER)
    .bytes(bytes);
}

function writeTile(w: ByteWriter, tile: ProgressiveTile): void {
  writeBlock(w, tile.blockType, (b) => {
    b.u8(tile.quantIdxY).u8(tile.quantIdxCb).u8(tile.quantIdxCr).u16le(tile.xIdx).u16le(tile.yIdx);
    if (tile.blockType === ProgressiveBlockType.WBT_TILE_UPGRADE) {
      const parts = [tile.ySrlData, tile.yRawData, tile.cbSrlData, tile.cbRawData, tile.crSrlData, tile.crRawData];
      b.u8(tile.progressiveQuality);
      for (const p of parts) b.u16le(p.length);
      for (const p of parts) b.bytes(p);
      return;
    }
    b.u8(tile.flags);
    if (tile.blockType === ProgressiveBlockType.WBT_TILE_FIRST) b.u8(tile.progressiveQuality);
    const parts = [tile.yData, tile.cbData, tile.crData, tile.tailData];
    for (const p of parts) b.u16le(p.length);
    for (const p of parts) b.bytes(p);
  });
}

/** Encodes blocks as {@link decodeProgressiveBlocks} reads them (numTiles, tileDataSize and lengths computed). */
export function encodeProgressiveBlocks(blocks: readonly ProgressiveBlock[]): Uint8Array {
  const w = new ByteWriter();
  for (const block of blocks) {
    switch (block.blockType) {
      case ProgressiveBlockType.WBT_SYNC:
        writeBlock(w, block.blockType, (b) => b.u32le(PROGRESSIVE_SYNC_MAGIC).u16le(PROGRESSIVE_SYNC_VERSION));
        break;
      case ProgressiveBlockType.WBT_FRAME_BEGIN:
        writeBlock(w, block.blockType, (b) => b.u32le(block.frameIndex).u16le(block.regionCount));
        break;
      case ProgressiveBlockType.WBT_FRAME_END:
        writeBlock(w, block.blockType, () => undefined);
        break;
      case ProgressiveBlockType.WBT_CONTEXT:
        writeBlock(w, block.blockType, (b) => b.u8(block.ctxId).u16le(PROGRESSIVE_TILE_SIZE).u8(block.flags));
        break;
      case ProgressiveBlockType.WBT_REGION: {
        const tiles = new ByteWriter();
        for (const tile of block.tiles) writeTile(tiles, tile);
        const tileData = tiles.written();
        writeBlock(w, block.blockType, (b) => {
          b.u8(PROGRESSIVE_TILE_SIZE)
            .u16le(block.rects.length)
            .u8(block.quantVals.length)
            .u8(block.quantProgVals.length)
            .u8(block.flags)
            .u16le(block.tiles.length)
            .u32le(tileData.length);
          for (const rect of block.rects) b.u16le(rect.x).u16le(rect.y).u16le(rect.width).u16le(rect.height);
          for (const q of block.quantVals) writeComponentCodecQuant(b, q);
          for (const q of block.quantProgVals) {
            b.u8(q.quality);
            writeComponentCodecQuant(b, q.yQuantValues);
            writeComponentCodecQuant(b, q.cbQuantValues);
            writeComponentCodecQuant(b, q.crQuantValues);
          }
          b.bytes(tileData);
        });
        break;
      }
    }
  }
  return w.written();
}
