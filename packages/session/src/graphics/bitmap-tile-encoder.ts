import {
  type BitmapBpp,
  type BitmapData,
  BitmapDataFlags,
  encodeInterleaved,
  encodePaletteUpdate,
  encodePlanar,
  FastPathUpdateCode,
  FIXED_PALETTE,
  type InterleavedBpp,
} from '@rdshare/protocol';
import { tileCacheKey } from './client-bitmap-cache.js';
import type { EncodedTile, TileEncoder } from './encoded-tile-cache.js';

/**
 * A codec class: attendees whose clients take the same bitmap format share one encoded-tile cache.
 * Planar at 32 bpp; interleaved RLE below (the colour depths FreeRDP and Windows clients negotiate), at 8 bpp as
 * indices into the fixed palette; planar with top-down scan lines for the graphics pipeline, whose decoders do
 * not flip as Bitmap Update decoders do.
 */
export type BitmapCodecClass =
  | 'planar-32'
  | 'interleaved-24'
  | 'interleaved-16'
  | 'interleaved-15'
  | 'interleaved-8'
  | 'gfx-planar-32';

/** The codec class for a client's negotiated colour depth. */
export function bitmapCodecClassFor(colorDepth: number): BitmapCodecClass {
  if (colorDepth >= 32) return 'planar-32';
  if (colorDepth === 24) return 'interleaved-24';
  if (colorDepth === 16) return 'interleaved-16';
  if (colorDepth === 15) return 'interleaved-15';
  return 'interleaved-8';
}

/**
 * Updates a client of this codec class needs after each activation, before any bitmap: at 8 bpp the palette
 * its pixel values index (a reactivation resets the client's palette too).
 */
export function activationUpdates(codec: BitmapCodecClass): { code: number; data: Uint8Array }[] {
  return codec === 'interleaved-8'
    ? [{ code: FastPathUpdateCode.PALETTE, data: encodePaletteUpdate(FIXED_PALETTE) }]
    : [];
}

const COMPRESSED = BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR;

/**
 * Encodes tiles of the store's BGRX frame as compressed TS_BITMAP_DATA payloads of the given class, with their
 * content's cache key so a client's bitmap cache can stand in for the bytes (but at 8 bpp, whose cached bitmaps
 * would need a color table cache of their own).
 */
export function bitmapTileEncoder(codec: BitmapCodecClass): TileEncoder {
  const bpp = Number(codec.split('-').at(-1)) as BitmapBpp;
  const bottomUp = codec !== 'gfx-planar-32';
  return (store, tile) => {
    const rect = store.grid.rectOf(tile);
    const { data, stride } = store.frame;
    const source = { data, stride, x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    const encoded =
      bpp === 32
        ? encodePlanar(source, { alpha: false, bottomUp })
        : encodeInterleaved(source, { bpp: bpp as InterleavedBpp });
    const tileData = { rect, width: encoded.width, bitsPerPixel: bpp, flags: COMPRESSED, data: encoded.data };
    return bpp === 8 ? tileData : { ...tileData, cacheKey: tileCacheKey(store.frame, rect) };
  };
}

/**
 * TS_BITMAP_DATA for an encoded tile (destination bounds inclusive). Clients that did not announce
 * NO_BITMAP_COMPRESSION_HDR get the TS_CD_HEADER; the encoded bytes are the same either way.
 */
export function bitmapDataOf(tile: EncodedTile, compressionHeader: boolean): BitmapData {
  const { rect } = tile;
  const bytesPerPixel = (tile.bitsPerPixel + 1) >> 3;
  const header = compressionHeader
    ? {
        flags: BitmapDataFlags.COMPRESSION,
        compressionHeader: {
          mainBodySize: tile.data.byteLength,
          scanWidth: tile.width,
          uncompressedSize: tile.width * rect.height * bytesPerPixel,
        },
      }
    : { flags: tile.flags };
  return {
    destLeft: rect.x,
    destTop: rect.y,
    destRight: rect.x + rect.width - 1,
    destBottom: rect.y + rect.height - 1,
    width: tile.width,
    height: rect.height,
    bitsPerPixel: tile.bitsPerPixel,
    ...header,
    data: tile.data,
  };
}
