import { ProtocolError } from '../core/errors.js';

/**
 * An 8 bpp colour table of 256 entries: entry `i` is the 0xRRGGBB colour of pixel value `i` (the
 * paletteEntries of TS_UPDATE_PALETTE_DATA, [MS-RDPBCGR] 2.2.9.1.1.3.1.1.1).
 */
export type Palette = Uint32Array;

/** Palette entries in the palette update, and pixel values at 8 bpp. */
export const PALETTE_SIZE = 256;

/** Levels per channel of the colour cube of {@link FIXED_PALETTE}, 0, 51, ... 255. */
const CUBE_LEVELS = 6;
const CUBE_STEP = 255 / (CUBE_LEVELS - 1);
/** Grey levels of {@link FIXED_PALETTE}: the cube's 6 and 40 more between them, about 5.7 apart. */
const GREY_LEVELS = 46;
const GREY_STEP = 255 / (GREY_LEVELS - 1);
/** A cube grey falls on every this many grey levels. */
const GREYS_PER_CUBE_STEP = (GREY_LEVELS - 1) / (CUBE_LEVELS - 1);
const CUBE_SIZE = CUBE_LEVELS ** 3;

const cubeIndex = (r: number, g: number, b: number): number => (r * CUBE_LEVELS + g) * CUBE_LEVELS + b;

/** Palette index of grey level `k` (0..45): a cube entry on the cube's levels, one of the 40 extra greys otherwise. */
function greyIndex(k: number): number {
  if (k % GREYS_PER_CUBE_STEP === 0) {
    const level = k / GREYS_PER_CUBE_STEP;
    return cubeIndex(level, level, level);
  }
  return CUBE_SIZE + k - Math.floor(k / GREYS_PER_CUBE_STEP) - 1;
}

/**
 * The palette rdshare sends at 8 bpp and quantizes to: a 6x6x6 colour cube (indices 0..215, index =
 * 36 r + 6 g + b over the levels 0, 51, ... 255; 0 is black and 215 white) and 40 greys between the cube's greys
 * (indices 216..255, ascending), giving 46 evenly spaced greys in all.
 *
 * Why this one: desktops are mostly greys (window chrome, backgrounds, anti-aliased text), where the eye sees
 * steps most, so a sixth of the table goes to a fine grey ramp; the rest is a uniform cube, which puts every
 * colour within half a cube step (25.5 levels) per channel of an entry and makes the nearest colour a few table
 * look-ups per pixel. A 6x7x6 cube would leave only 4 entries for greys. No dithering: it would defeat
 * run-length compression and blur text. Shared by every caller: treat it as read-only.
 *
 * @example
 * ```ts
 * // Once after activation, then 8 bpp tiles quantized to the same table:
 * send(FastPathUpdateCode.PALETTE, encodePaletteUpdate(FIXED_PALETTE));
 * const tile = encodeInterleaved(source, { bpp: 8 });
 * ```
 */
export const FIXED_PALETTE: Palette = (() => {
  const palette = new Uint32Array(PALETTE_SIZE);
  for (let r = 0; r < CUBE_LEVELS; r++) {
    for (let g = 0; g < CUBE_LEVELS; g++) {
      for (let b = 0; b < CUBE_LEVELS; b++) {
        const level = (v: number) => Math.round(v * CUBE_STEP);
        palette[cubeIndex(r, g, b)] = (level(r) << 16) | (level(g) << 8) | level(b);
      }
    }
  }
  for (let k = 0; k < GREY_LEVELS; k++) {
    const v = Math.round(k * GREY_STEP);
    palette[greyIndex(k)] = (v << 16) | (v << 8) | v;
  }
  return palette;
})();

/**
 * Channel value → (squared distance to the nearest cube level) << 8 | that level's share of the cube index. The
 * sum over a colour's three channels holds its nearest cube entry in the low byte (at most 215) and the squared
 * distance to it above.
 */
const CUBE_R = new Uint32Array(256);
const CUBE_G = new Uint32Array(256);
const CUBE_B = new Uint32Array(256);
for (let v = 0; v < 256; v++) {
  const level = Math.round(v / CUBE_STEP);
  const error = ((v - Math.round(level * CUBE_STEP)) ** 2) << 8;
  CUBE_R[v] = error | cubeIndex(level, 0, 0);
  CUBE_G[v] = error | cubeIndex(0, level, 0);
  CUBE_B[v] = error | cubeIndex(0, 0, level);
}
/** Squares of -255..255: `SQUARE[d + 255]` is d². */
const SQUARE = new Int32Array(511);
for (let d = -255; d <= 255; d++) SQUARE[d + 255] = d * d;
/** r + g + b → the palette index of the grey nearest the mean, and 255 minus that grey (a SQUARE offset). */
const GREY_INDEX = new Uint8Array(3 * 255 + 1);
const GREY_OFFSET = new Int16Array(3 * 255 + 1);
for (let sum = 0; sum <= 3 * 255; sum++) {
  const k = Math.round(sum / 3 / GREY_STEP);
  GREY_INDEX[sum] = greyIndex(k);
  GREY_OFFSET[sum] = 255 - Math.round(k * GREY_STEP);
}

/**
 * Index of the {@link FIXED_PALETTE} entry nearest (in squared RGB distance) to a colour: the nearest cube
 * colour or the grey nearest its mean, whichever is closer. Channels are 0..255.
 */
export function fixedPaletteIndex(b: number, g: number, r: number): number {
  const sum = r + g + b;
  const o = GREY_OFFSET[sum];
  const greyError = SQUARE[r + o] + SQUARE[g + o] + SQUARE[b + o];
  const cube = CUBE_R[r] + CUBE_G[g] + CUBE_B[b];
  // All ones when the grey is closer; selecting without a branch keeps mixed content from mispredicting.
  const greyCloser = (greyError - (cube >>> 8)) >> 31;
  return (cube & 0xff) ^ ((GREY_INDEX[sum] ^ cube) & 0xff & greyCloser);
}

/** log2 of the slots of the colour → index cache. */
const CACHE_BITS = 12;
const CACHE_SIZE = 1 << CACHE_BITS;
/** 0xBBGGRR keys (-1: empty) and their indices; direct-mapped by a multiplicative hash of the key. */
const cacheKeys = new Int32Array(CACHE_SIZE).fill(-1);
const cacheIndices = new Uint8Array(CACHE_SIZE);

/**
 * {@link fixedPaletteIndex} through a small cache of recent colours: desktop content repeats few colours, so most
 * pixels cost one hashed look-up. The result is the same either way.
 */
export function fixedPaletteIndexCached(b: number, g: number, r: number): number {
  const key = (b << 16) | (g << 8) | r;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheKeys[slot] === key) return cacheIndices[slot];
  const index = fixedPaletteIndex(b, g, r);
  cacheKeys[slot] = key;
  cacheIndices[slot] = index;
  return index;
}

/** Throws unless `palette` is a Uint32Array of 256 0xRRGGBB entries. @internal */
export function checkPalette(palette: Palette, pdu: string): void {
  if (!(palette instanceof Uint32Array) || palette.length !== PALETTE_SIZE) {
    throw new ProtocolError('INVALID', `a palette is a Uint32Array of ${PALETTE_SIZE} 0xRRGGBB entries`, pdu);
  }
}
