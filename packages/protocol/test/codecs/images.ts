import { type BitmapBpp, packPixel, unpackPixel } from '../../src/codecs/index.js';

import { prng as rng } from '../data/fuzz.js';

/** Seeded PRNG so fuzz and noise images are reproducible. */
export { rng };

export type Pattern = 'solid' | 'gradient' | 'text' | 'noise' | 'desktop';
export const PATTERNS: readonly Pattern[] = ['solid', 'gradient', 'text', 'noise', 'desktop'];

/**
 * A BGRX frame of `width` x `height` with a random X byte (it must never matter). `desktop` mixes a flat
 * background, a title bar gradient, text-like glyph strokes and a photo-like noisy block.
 */
export function makeFrame(pattern: Pattern, width: number, height: number, seed = 1): Uint8Array {
  const rand = rng(seed);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let b: number;
      let g: number;
      let r: number;
      switch (pattern) {
        case 'solid':
          [b, g, r] = [0x30, 0x60, 0x90];
          break;
        case 'gradient':
          [b, g, r] = [(x * 7) & 0xff, (y * 5) & 0xff, ((x + y) * 3) & 0xff];
          break;
        case 'text': {
          const ink = (x * 7 + y * 3) % 11 < 3 && y % 12 < 9;
          [b, g, r] = ink ? [0x10, 0x10, 0x10] : [0xff, 0xff, 0xff];
          break;
        }
        case 'noise':
          [b, g, r] = [(rand() * 256) | 0, (rand() * 256) | 0, (rand() * 256) | 0];
          break;
        default: {
          if (y < 8) [b, g, r] = [0x80 + x, 0x40, 0x20 + y * 4];
          else if (x > width / 2 && y > height / 2) [b, g, r] = [(rand() * 256) | 0, (x * 3) & 0xff, (rand() * 64) | 0];
          else if ((x * 5 + y * 7) % 13 < 3 && y % 10 < 7) [b, g, r] = [0, 0, 0];
          else [b, g, r] = [0xf0, 0xf0, 0xf0];
        }
      }
      const p = (y * width + x) * 4;
      data[p] = b & 0xff;
      data[p + 1] = g & 0xff;
      data[p + 2] = r & 0xff;
      data[p + 3] = (rand() * 256) | 0;
    }
  }
  return data;
}

/** 0xRRGGBB of a BGRX pixel after reduction to `bpp` and expansion back. */
export function expected(bpp: BitmapBpp, frame: Uint8Array, p: number): number {
  return unpackPixel(bpp, packPixel(bpp, frame[p], frame[p + 1], frame[p + 2]));
}

/** 0xRRGGBB of a decoded BGRA pixel. */
export const rgbAt = (dst: Uint8Array, p: number): number => (dst[p + 2] << 16) | (dst[p + 1] << 8) | dst[p];
