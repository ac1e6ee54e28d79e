import { ProtocolError } from '../core/errors.js';
import { inverseDwt } from './dwt.js';
import type { ProgressivePainter } from './progressive-decoder.js';
import { decodeRfxMessages, RfxBlockType, type RfxMessage, type RfxRect, type RfxTile } from './remotefx.js';
import { rfxYCbCrToBgra } from './rfx-color.js';
import {
  dequantize,
  differentialDecode,
  RFX_SUBBAND_COUNT,
  RFX_SUBBAND_LAYOUT,
  RFX_TILE_COEFFICIENTS,
  RfxSubband,
} from './rfx-quantization.js';
import { decodeRlgr, type RlgrMode } from './rlgr.js';
import { RFX_TILE_SIZE, tileRects } from './tile-rects.js';

const PDU = 'TS_RFX tile';
const N = RFX_TILE_COEFFICIENTS;
/** TS_RFX_CODEC_QUANT values outside 6..15 would shift by less than 5 bits or past 16 ([MS-RDPRFX] 2.2.2.1.5). */
const MIN_QUANT = 6;
const MAX_QUANT = 15;
/** The largest destination a tile index can address: 16-bit coordinates. */
const MAX_EXTENT = 0x10000;

type Tileset = Extract<RfxMessage, { blockType: typeof RfxBlockType.WBT_EXTENSION }>;

/**
 * Receives a decoded tile: 64x64 BGRA pixels with its top-left at `x`,`y` (relative to the destination of the
 * message), to be drawn only within `rects`.
 */
export type RfxPainter = ProgressivePainter;

/**
 * A RemoteFX decoder for one stream of messages ([MS-RDPRFX] 3.1.8): what the header messages set (the entropy
 * coder, the channel size) lasts across messages, since servers send the headers once and then only frames.
 * Tiles keep no state, so memory is a few fixed buffers.
 */
export class RfxDecoder {
  private entropy: RlgrMode | undefined;
  private width = MAX_EXTENT;
  private height = MAX_EXTENT;
  private rects: RfxRect[] = [];
  private readonly planes = [new Int16Array(N), new Int16Array(N), new Int16Array(N)];
  private readonly scratch = new Int16Array(N);
  private readonly pixels = new Uint8Array(N * 4);
  private readonly shifts = new Uint8Array(RFX_SUBBAND_COUNT);

  /** Decodes one message stream and hands each tile to `paint`; throws ProtocolError on anything malformed. */
  decode(data: Uint8Array, paint: RfxPainter): void {
    for (const m of decodeRfxMessages(data)) {
      switch (m.blockType) {
        case RfxBlockType.WBT_CONTEXT:
          this.entropy = m.entropy;
          break;
        case RfxBlockType.WBT_CHANNELS:
          if (m.channels.length > 0) {
            this.width = m.channels[0].width;
            this.height = m.channels[0].height;
          }
          break;
        case RfxBlockType.WBT_REGION:
          // No rects means the whole channel ([MS-RDPRFX] 2.2.2.3.3).
          this.rects = m.rects.length > 0 ? m.rects : [{ x: 0, y: 0, width: this.width, height: this.height }];
          break;
        case RfxBlockType.WBT_EXTENSION:
          this.tileset(m, paint);
          break;
      }
    }
  }

  private tileset(tileset: Tileset, paint: RfxPainter): void {
    for (const q of tileset.quantVals) {
      for (const v of q) {
        if (v < MIN_QUANT || v > MAX_QUANT) throw new ProtocolError('INVALID', `quantization value ${v}`, PDU);
      }
    }
    // The context's coder governs (as in the reference decoders); a stream without one uses the tileset's.
    const mode = this.entropy ?? tileset.entropy;
    for (const tile of tileset.tiles) {
      const x = tile.xIdx * RFX_TILE_SIZE;
      const y = tile.yIdx * RFX_TILE_SIZE;
      if (x >= MAX_EXTENT || y >= MAX_EXTENT) {
        throw new ProtocolError('INVALID', `tile ${tile.xIdx},${tile.yIdx} past 16-bit coordinates`, PDU);
      }
      const rects = tileRects(this.rects, x, y, this.width, this.height);
      if (rects.length === 0) continue;
      this.decodeTile(tile, tileset.quantVals, mode);
      paint(this.pixels, x, y, rects);
    }
  }

  private decodeTile(tile: RfxTile, quantVals: readonly Uint8Array[], mode: RlgrMode): void {
    const indices = [tile.quantIdxY, tile.quantIdxCb, tile.quantIdxCr];
    const data = [tile.yData, tile.cbData, tile.crData];
    for (let c = 0; c < 3; c++) {
      const quant = quantVals[indices[c]];
      if (!quant) throw new ProtocolError('INVALID', `quantIdx ${indices[c]} of ${quantVals.length}`, PDU);
      const plane = this.planes[c];
      decodeRlgr(data[c], mode, plane);
      differentialDecode(plane, RFX_SUBBAND_LAYOUT.offsets[RfxSubband.LL3], RFX_SUBBAND_LAYOUT.lengths[RfxSubband.LL3]);
      for (let b = 0; b < RFX_SUBBAND_COUNT; b++) this.shifts[b] = quant[b] - 1;
      dequantize(plane, this.shifts, RFX_SUBBAND_LAYOUT);
      inverseDwt(plane, this.scratch);
    }
    rfxYCbCrToBgra(this.planes[0], this.planes[1], this.planes[2], 0, N, this.pixels, 0);
  }
}
