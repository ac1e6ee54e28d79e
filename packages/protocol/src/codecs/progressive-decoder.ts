import type { Rect } from '../connection/rect.js';
import { ProtocolError } from '../core/errors.js';
import { inverseDwt, inverseDwtReduceExtrapolate } from './dwt.js';
import {
  decodeProgressiveBlocks,
  PROGRESSIVE_QUALITY_FULL,
  PROGRESSIVE_TILE_SIZE,
  type ProgressiveBlock,
  ProgressiveBlockType,
  type ProgressiveTile,
  RFX_DWT_REDUCE_EXTRAPOLATE,
  RFX_TILE_DIFFERENCE,
} from './progressive.js';
import { rfxYCbCrToBgra } from './rfx-color.js';
import {
  dequantize,
  differentialDecode,
  RFX_REDUCE_EXTRAPOLATE_LAYOUT,
  RFX_SUBBAND_COUNT,
  RFX_SUBBAND_LAYOUT,
  RFX_TILE_COEFFICIENTS,
  RfxSubband,
  type RfxSubbandLayout,
} from './rfx-quantization.js';
import { decodeRlgr, RlgrMode } from './rlgr.js';
import { tileRects } from './tile-rects.js';

const PDU = 'RFX_PROGRESSIVE tile';
const N = RFX_TILE_COEFFICIENTS;
/** RFX_COMPONENT_CODEC_QUANT values outside 6..15 would shift by less than 5 bits or past 16 ([MS-RDPEGFX] 2.2.4.2.1.5.2). */
const MIN_QUANT = 6;
const MAX_QUANT = 15;
const NO_PROGRESSIVE_QUANT = new Uint8Array(RFX_SUBBAND_COUNT);

/** Bytes a tile's state takes: coefficients, signs and bit positions of three components. */
export const TILE_STATE_BYTES = 3 * N * 2 + 3 * N + 3 * RFX_SUBBAND_COUNT;

type Region = Extract<ProgressiveBlock, { blockType: typeof ProgressiveBlockType.WBT_REGION }>;

/** Receives a decoded tile: 64x64 BGRA pixels with its top-left at `x`,`y`, to be drawn only within `rects`. */
export type ProgressivePainter = (pixels: Uint8Array, x: number, y: number, rects: readonly Rect[]) => void;

/**
 * What a tile keeps between passes, per component: its dequantized coefficients (in sub-band layout), the sign of
 * each coefficient as first coded (an upgrade reads refinement bits of non-zero ones from the RAW stream and
 * newly significant ones from the SRL stream), and the bit position each band is known down to.
 */
class TileState {
  readonly coefficients = new Int16Array(3 * N);
  readonly signs = new Int8Array(3 * N);
  readonly bitPos = new Uint8Array(3 * RFX_SUBBAND_COUNT);
  coded = false;
}

/** MSB-first bits of an upgrade's SRL or RAW stream; zeros past the end, as the reference decoder reads them. */
class BitSource {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}

  bit(): number {
    const p = this.pos++;
    return p < this.data.length * 8 ? (this.data[p >> 3] >> (7 - (p & 7))) & 1 : 0;
  }

  bits(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) v = v * 2 + this.bit();
    return v;
  }
}

/**
 * The SRL (simplified run-length) code of coefficients that were zero until this pass ([MS-RDPEGFX] 3.2.8.1.3.1):
 * adaptive runs of zeros as in RLGR, each run ended by a non-zero value as a sign bit and a unary magnitude of at
 * most 2^numBits - 1.
 */
class SrlReader {
  private kp = 8;
  private zeros = 0;
  private valueNext = false;
  constructor(private readonly bits: BitSource) {}

  read(numBits: number): number {
    if (this.zeros > 0) {
      this.zeros--;
      return 0;
    }
    const k = this.kp >> 3;
    if (!this.valueNext) {
      if (this.bits.bit() === 0) {
        this.zeros = (1 << k) - 1;
        this.kp = Math.min(this.kp + 4, 80);
        return 0;
      }
      this.valueNext = true;
      this.zeros = this.bits.bits(k);
      if (this.zeros > 0) {
        this.zeros--;
        return 0;
      }
    }
    this.valueNext = false;
    const negative = this.bits.bit() === 1;
    this.kp = Math.max(this.kp - 6, 0);
    let magnitude = 1;
    const max = 2 ** numBits - 1;
    while (magnitude < max && this.bits.bit() === 0) magnitude++;
    return negative ? -magnitude : magnitude;
  }
}

/**
 * A RemoteFX Progressive decoding context for one surface ([MS-RDPEGFX] 3.3.8.3): decodes the block streams of
 * the surface's WireToSurface PDUs and keeps every tile's coefficients so later passes can refine them. Tiles
 * outside the surface are refused, so the state is bounded by the surface: at most {@link TILE_STATE_BYTES} per
 * 64x64 tile of it.
 */
export class ProgressiveDecoder {
  private readonly tiles: (TileState | undefined)[];
  private readonly gridWidth: number;
  private readonly gridHeight: number;
  private tileCount = 0;
  private readonly coefficients = new Int16Array(N);
  private readonly planes = [new Int16Array(N), new Int16Array(N), new Int16Array(N)];
  private readonly scratch = new Int16Array(N);
  private readonly pixels = new Uint8Array(N * 4);
  private readonly shifts = new Uint8Array(RFX_SUBBAND_COUNT);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!(width >= 1 && height >= 1 && width <= 0xffff && height <= 0xffff)) {
      throw new ProtocolError('INVALID', `a progressive context for ${width}x${height}`, PDU);
    }
    this.gridWidth = Math.ceil(width / PROGRESSIVE_TILE_SIZE);
    this.gridHeight = Math.ceil(height / PROGRESSIVE_TILE_SIZE);
    this.tiles = new Array(this.gridWidth * this.gridHeight);
  }

  /** Bytes of tile state held. */
  get byteLength(): number {
    return this.tileCount * TILE_STATE_BYTES;
  }

  /** Decodes one bitmapData and hands each decoded tile to `paint`; throws ProtocolError on anything malformed. */
  decode(data: Uint8Array, paint: ProgressivePainter): void {
    for (const block of decodeProgressiveBlocks(data)) {
      if (block.blockType === ProgressiveBlockType.WBT_REGION) this.region(block, paint);
    }
  }

  private region(region: Region, paint: ProgressivePainter): void {
    for (const q of region.quantVals) {
      for (const v of q) {
        if (v < MIN_QUANT || v > MAX_QUANT) throw new ProtocolError('INVALID', `quantization value ${v}`, PDU);
      }
    }
    const layout = region.flags & RFX_DWT_REDUCE_EXTRAPOLATE ? RFX_REDUCE_EXTRAPOLATE_LAYOUT : RFX_SUBBAND_LAYOUT;
    for (const tile of region.tiles) {
      if (tile.xIdx >= this.gridWidth || tile.yIdx >= this.gridHeight) {
        throw new ProtocolError(
          'INVALID',
          `tile ${tile.xIdx},${tile.yIdx} outside a ${this.width}x${this.height} surface`,
          PDU,
        );
      }
      const quants = [tile.quantIdxY, tile.quantIdxCb, tile.quantIdxCr].map((i) => {
        const q = region.quantVals[i];
        if (!q) throw new ProtocolError('INVALID', `quantIdx ${i} of ${region.quantVals.length}`, PDU);
        return q;
      });
      const progressive = this.progressiveQuant(region, tile);
      const index = tile.yIdx * this.gridWidth + tile.xIdx;
      let state = this.tiles[index];
      if (!state) {
        state = new TileState();
        this.tiles[index] = state;
        this.tileCount++;
      }
      for (let c = 0; c < 3; c++) {
        if (tile.blockType === ProgressiveBlockType.WBT_TILE_UPGRADE) {
          if (!state.coded)
            throw new ProtocolError(
              'INVALID',
              `an upgrade of tile ${tile.xIdx},${tile.yIdx} before its first pass`,
              PDU,
            );
          const srl = [tile.ySrlData, tile.cbSrlData, tile.crSrlData][c];
          const raw = [tile.yRawData, tile.cbRawData, tile.crRawData][c];
          this.upgradeComponent(state, c, quants[c], progressive[c], layout, srl, raw);
        } else {
          const data = [tile.yData, tile.cbData, tile.crData][c];
          this.firstComponent(
            state,
            c,
            quants[c],
            progressive[c],
            layout,
            data,
            (tile.flags & RFX_TILE_DIFFERENCE) !== 0,
          );
        }
        const plane = this.planes[c];
        plane.set(state.coefficients.subarray(c * N, (c + 1) * N));
        if (layout === RFX_SUBBAND_LAYOUT) inverseDwt(plane, this.scratch);
        else inverseDwtReduceExtrapolate(plane, this.scratch);
      }
      state.coded = true;
      rfxYCbCrToBgra(this.planes[0], this.planes[1], this.planes[2], 0, N, this.pixels, 0);
      const x = tile.xIdx * PROGRESSIVE_TILE_SIZE;
      const y = tile.yIdx * PROGRESSIVE_TILE_SIZE;
      const rects = tileRects(region.rects, x, y, this.width, this.height);
      if (rects.length > 0) paint(this.pixels, x, y, rects);
    }
  }

  /** The progressive quantization of the tile's pass for Y, Cb and Cr (none at full quality). */
  private progressiveQuant(region: Region, tile: ProgressiveTile): Uint8Array[] {
    const quality =
      tile.blockType === ProgressiveBlockType.WBT_TILE_SIMPLE ? PROGRESSIVE_QUALITY_FULL : tile.progressiveQuality;
    if (quality === PROGRESSIVE_QUALITY_FULL) return [NO_PROGRESSIVE_QUANT, NO_PROGRESSIVE_QUANT, NO_PROGRESSIVE_QUANT];
    const q = region.quantProgVals[quality];
    if (!q) throw new ProtocolError('INVALID', `progressiveQuality ${quality} of ${region.quantProgVals.length}`, PDU);
    return [q.yQuantValues, q.cbQuantValues, q.crQuantValues];
  }

  /** A TILE_SIMPLE or TILE_FIRST component: RLGR1, LL3 differences, dequantization, kept (or added, for a difference tile). */
  private firstComponent(
    state: TileState,
    c: number,
    quant: Uint8Array,
    progressive: Uint8Array,
    layout: RfxSubbandLayout,
    data: Uint8Array,
    difference: boolean,
  ): void {
    const coefficients = this.coefficients;
    decodeRlgr(data, RlgrMode.RLGR1, coefficients);
    const signs = state.signs;
    for (let i = 0, s = c * N; i < N; i++, s++) {
      const v = coefficients[i];
      signs[s] = v > 0 ? 1 : v < 0 ? -1 : 0;
    }
    differentialDecode(coefficients, layout.offsets[RfxSubband.LL3], layout.lengths[RfxSubband.LL3]);
    for (let b = 0; b < RFX_SUBBAND_COUNT; b++) {
      const bitPos = quant[b] + progressive[b];
      state.bitPos[c * RFX_SUBBAND_COUNT + b] = bitPos;
      this.shifts[b] = bitPos - 1;
    }
    dequantize(coefficients, this.shifts, layout);
    const current = state.coefficients.subarray(c * N, (c + 1) * N);
    if (difference) for (let i = 0; i < N; i++) current[i] += coefficients[i];
    else current.set(coefficients);
  }

  /**
   * A TILE_UPGRADE component ([MS-RDPEGFX] 3.2.8.1.3): each band gains the bits between its previous and its new
   * bit position, taken from the RAW stream for coefficients already significant (and all of LL3) and from the
   * SRL stream for the others, which may become significant now.
   */
  private upgradeComponent(
    state: TileState,
    c: number,
    quant: Uint8Array,
    progressive: Uint8Array,
    layout: RfxSubbandLayout,
    srlData: Uint8Array,
    rawData: Uint8Array,
  ): void {
    const raw = new BitSource(rawData);
    const srl = new SrlReader(new BitSource(srlData));
    const current = state.coefficients;
    const signs = state.signs;
    for (let b = 0; b < RFX_SUBBAND_COUNT; b++) {
      const at = c * RFX_SUBBAND_COUNT + b;
      const bitPos = quant[b] + progressive[b];
      const numBits = state.bitPos[at] - bitPos;
      if (numBits < 0) {
        throw new ProtocolError('INVALID', `an upgrade to bit position ${bitPos} from ${state.bitPos[at]}`, PDU);
      }
      state.bitPos[at] = bitPos;
      if (numBits === 0) continue;
      const scale = 2 ** (bitPos - 1);
      const start = c * N + layout.offsets[b];
      const end = start + layout.lengths[b];
      for (let i = start; i < end; i++) {
        let v: number;
        const sign = signs[i];
        if (b === RfxSubband.LL3 || sign > 0) v = raw.bits(numBits);
        else if (sign < 0) v = -raw.bits(numBits);
        else {
          v = srl.read(numBits);
          signs[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
        }
        current[i] += v * scale;
      }
    }
  }
}
