import {
  decodeInterleaved,
  decodePaletteUpdate,
  decodePlanar,
  FastPathUpdateCode,
  FIXED_PALETTE,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { activationUpdates, bitmapCodecClassFor, bitmapTileEncoder } from '../../src/graphics/bitmap-tile-encoder.js';
import { TileStore } from '../../src/graphics/tile-store.js';

/** A 96x64 frame of smooth gradients: every tile has many colours. */
function store() {
  const width = 96;
  const height = 64;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / (width - 1);
      data[i + 1] = (y * 255) / (height - 1);
      data[i + 2] = ((x + y) * 97) & 0xff;
    }
  return new TileStore({ width, height, stride: width * 4, data });
}

/** Largest RGB distance between a tile of the store and decoded B,G,R,A pixels `width` wide. */
function maxError(s: TileStore, tile: number, pixels: Uint8Array, width: number): number {
  const rect = s.grid.rectOf(tile);
  let worst = 0;
  for (let y = 0; y < rect.height; y++)
    for (let x = 0; x < rect.width; x++) {
      let squared = 0;
      for (let c = 0; c < 3; c++) {
        const want = s.frame.data[((rect.y + y) * s.frame.width + rect.x + x) * 4 + c];
        squared += (want - pixels[(y * width + x) * 4 + c]) ** 2;
      }
      worst = Math.max(worst, Math.sqrt(squared));
    }
  return worst;
}

describe('bitmap tile encoder', () => {
  it('maps colour depths to codec classes, 8 bpp to true 8 bpp', () => {
    expect([32, 24, 16, 15, 8].map(bitmapCodecClassFor)).toEqual([
      'planar-32',
      'interleaved-24',
      'interleaved-16',
      'interleaved-15',
      'interleaved-8',
    ]);
  });

  it('8 bpp tiles are palette indices within the fixed palette quantization error', () => {
    const s = store();
    const encode = bitmapTileEncoder('interleaved-8');
    for (const tile of [0, 1]) {
      const encoded = encode(s, tile);
      expect(encoded.bitsPerPixel).toBe(8);
      const out = new Uint8Array(encoded.width * encoded.rect.height * 4);
      decodeInterleaved(encoded.data, encoded.width, encoded.rect.height, 8, out);
      // The nearest entry is no farther than the nearest cube colour: half a cube step (25.5) on each channel.
      expect(maxError(s, tile, out, encoded.width)).toBeLessThanOrEqual(25.5 * Math.sqrt(3));
    }
    const planar = bitmapTileEncoder('planar-32')(s, 0);
    const exact = new Uint8Array(64 * 64 * 4);
    decodePlanar(planar.data, planar.width, 64, exact);
    expect(maxError(s, 0, exact, planar.width)).toBe(0);
  });

  it('an 8 bpp client gets the fixed palette after activation; others get nothing', () => {
    const [update] = activationUpdates('interleaved-8');
    expect(update.code).toBe(FastPathUpdateCode.PALETTE);
    expect(decodePaletteUpdate(update.data)).toEqual(FIXED_PALETTE);
    expect(activationUpdates('planar-32')).toEqual([]);
    expect(activationUpdates('interleaved-15')).toEqual([]);
  });
});
