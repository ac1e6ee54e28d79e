import type { ByteReader } from '../core/byte-reader.js';
import type { ByteWriter } from '../core/byte-writer.js';

/**
 * The ten sub-bands of a RemoteFX tile's 4096 coefficients, in the order they follow each other in the
 * coefficient array ([MS-RDPRFX] 3.1.8.1.4): level 1 (largest) first, the LL3 band last.
 */
export const RfxSubband = {
  HL1: 0,
  LH1: 1,
  HH1: 2,
  HL2: 3,
  LH2: 4,
  HH2: 5,
  HL3: 6,
  LH3: 7,
  HH3: 8,
  LL3: 9,
} as const;
export type RfxSubband = (typeof RfxSubband)[keyof typeof RfxSubband];

export const RFX_SUBBAND_COUNT = 10;
/** A tile is 64x64 coefficients per component. */
export const RFX_TILE_COEFFICIENTS = 4096;

/** Where each sub-band starts in the coefficient array and how many coefficients it has. */
export interface RfxSubbandLayout {
  readonly offsets: readonly number[];
  readonly lengths: readonly number[];
}

/** RemoteFX's layout: each level halves the one above (32x32, 16x16, 8x8 bands). */
export const RFX_SUBBAND_LAYOUT: RfxSubbandLayout = {
  offsets: [0, 1024, 2048, 3072, 3328, 3584, 3840, 3904, 3968, 4032],
  lengths: [1024, 1024, 1024, 256, 256, 256, 64, 64, 64, 64],
};

/**
 * The layout under RFX_DWT_REDUCE_EXTRAPOLATE ([MS-RDPEGFX] 3.2.8.1.2): low bands keep one coefficient more and
 * high bands one fewer at level 1 (33 and 31), so level 2 splits 33 into 17 and 16 and level 3 17 into 9 and 8.
 * A band of L low rows and H high columns (HL) is H wide and L high.
 */
export const RFX_REDUCE_EXTRAPOLATE_LAYOUT: RfxSubbandLayout = {
  offsets: [0, 1023, 2046, 3007, 3279, 3551, 3807, 3879, 3951, 4015],
  lengths: [1023, 1023, 961, 272, 272, 256, 72, 72, 64, 81],
};

/** RFX_COMPONENT_CODEC_QUANT's order on the wire, two 4-bit values a byte, low nibble first. */
const WIRE_ORDER: readonly RfxSubband[] = [
  RfxSubband.LL3,
  RfxSubband.HL3,
  RfxSubband.LH3,
  RfxSubband.HH3,
  RfxSubband.HL2,
  RfxSubband.LH2,
  RfxSubband.HH2,
  RfxSubband.HL1,
  RfxSubband.LH1,
  RfxSubband.HH1,
];

/**
 * Reads an RFX_COMPONENT_CODEC_QUANT ([MS-RDPEGFX] 2.2.4.2.1.5.2, the same packing as [MS-RDPRFX]
 * TS_RFX_CODEC_QUANT): ten 4-bit values, LL3 HL3 LH3 HH3 HL2 LH2 HH2 HL1 LH1 HH1, low nibble first. Returns them
 * indexed by {@link RfxSubband}.
 */
export function readComponentCodecQuant(r: ByteReader): Uint8Array {
  r.need(5, 'RFX_COMPONENT_CODEC_QUANT');
  const q = new Uint8Array(RFX_SUBBAND_COUNT);
  for (let i = 0; i < RFX_SUBBAND_COUNT; i += 2) {
    const b = r.u8();
    q[WIRE_ORDER[i]] = b & 0x0f;
    q[WIRE_ORDER[i + 1]] = b >> 4;
  }
  return q;
}

/** Writes the ten values (indexed by {@link RfxSubband}, each 0..15) as {@link readComponentCodecQuant} reads them. */
export function writeComponentCodecQuant(w: ByteWriter, q: ArrayLike<number>): void {
  for (let i = 0; i < RFX_SUBBAND_COUNT; i += 2) {
    w.u8((q[WIRE_ORDER[i]] & 0x0f) | ((q[WIRE_ORDER[i + 1]] & 0x0f) << 4));
  }
}

/**
 * Dequantizes in place: each band's coefficients shifted left by its shift ([MS-RDPRFX] 3.1.8.1.5). Callers pass
 * the quantization value minus one: a value q divides the coefficients of 8-bit samples by 2^(q-6), and the
 * colour conversion takes samples with 5 fraction bits (q - 6 + 5).
 */
export function dequantize(coefficients: Int16Array, shifts: ArrayLike<number>, layout: RfxSubbandLayout): void {
  for (let band = 0; band < RFX_SUBBAND_COUNT; band++) {
    const shift = shifts[band];
    if (shift === 0) continue;
    const start = layout.offsets[band];
    const end = start + layout.lengths[band];
    for (let i = start; i < end; i++) coefficients[i] <<= shift;
  }
}

/** Undoes the LL3 band's differential coding ([MS-RDPRFX] 3.1.8.1.6): each value was sent as its step from the one before. */
export function differentialDecode(coefficients: Int16Array, start: number, count: number): void {
  for (let i = start + 1; i < start + count; i++) coefficients[i] += coefficients[i - 1];
}
