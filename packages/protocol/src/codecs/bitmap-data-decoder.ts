import { ProtocolError } from '../core/errors.js';
import { type BitmapData, BitmapDataFlags } from '../data/bitmap-update.js';
import { decodeInterleaved } from './interleaved.js';
import type { Palette } from './palette.js';
import { decodePlanar } from './planar.js';
import { decodeRaw } from './raw.js';

export interface BitmapDataDecodeOptions {
  /** Bytes between destination rows (default `rect.width * 4`). */
  readonly stride?: number;
  /** 8 bpp only: the palette of the last palette update (default FIXED_PALETTE, what rdshare sends). */
  readonly palette?: Palette;
}

/**
 * Decodes the bitmapDataStream of one TS_BITMAP_DATA ([MS-RDPBCGR] 2.2.9.1.1.3.1.2.2) into `dst` as top-down
 * B,G,R,A bytes, `rect.width` x `rect.height` pixels (the width may include padding columns that
 * destLeft..destRight clip away). The codec follows from the rectangle, as clients choose it: BITMAP_COMPRESSION
 * at 32 bpp is the RDP 6.0 planar codec, at 8, 15, 16 or 24 bpp interleaved RLE; without it the data are
 * uncompressed. Throws ProtocolError for another depth or a stream its codec rejects.
 *
 * @example
 * ```ts
 * for (const rect of decodeBitmapUpdate(updateData)) {
 *   const pixels = new Uint8Array(rect.width * rect.height * 4);
 *   decodeBitmapData(rect, pixels, { palette });
 *   draw(rect.destLeft, rect.destTop, rect.destRight - rect.destLeft + 1, rect.destBottom - rect.destTop + 1, pixels);
 * }
 * ```
 */
export function decodeBitmapData(rect: BitmapData, dst: Uint8Array, options: BitmapDataDecodeOptions = {}): void {
  const { width, height, bitsPerPixel: bpp, data } = rect;
  if ((rect.flags & BitmapDataFlags.COMPRESSION) === 0) {
    if (bpp !== 8 && bpp !== 15 && bpp !== 16 && bpp !== 24 && bpp !== 32) {
      throw new ProtocolError('UNSUPPORTED', `no uncompressed bitmaps at ${bpp} bpp`, 'TS_BITMAP_DATA');
    }
    decodeRaw(data, width, height, bpp, dst, options);
  } else if (bpp === 32) {
    decodePlanar(data, width, height, dst, { stride: options.stride });
  } else if (bpp === 8 || bpp === 15 || bpp === 16 || bpp === 24) {
    decodeInterleaved(data, width, height, bpp, dst, options);
  } else {
    throw new ProtocolError('UNSUPPORTED', `no compressed bitmaps at ${bpp} bpp`, 'TS_BITMAP_DATA');
  }
}
