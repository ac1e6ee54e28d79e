import { encodeRfxMessages, encodeRlgr, RFX_REGION_LRF, RfxBlockType, type RlgrMode } from '@rdshare/protocol';

/** A component whose LL3 band is all `value` (sent as its first value and zero steps), the rest zero. */
function flat(value: number, entropy: RlgrMode): Uint8Array {
  const coefficients = new Int16Array(4096);
  coefficients[4032] = value;
  return encodeRlgr(coefficients, entropy);
}

/**
 * A RemoteFX message stream, headers and one frame, on an 8x4 channel: one tile of Y 50 and no colour (grey 178
 * once decoded) that the region lets draw only within the 3x2 rect at the channel's origin.
 */
export function greyTileRfxStream(entropy: RlgrMode): Uint8Array {
  return encodeRfxMessages([
    { blockType: RfxBlockType.WBT_SYNC },
    { blockType: RfxBlockType.WBT_CODEC_VERSIONS },
    { blockType: RfxBlockType.WBT_CHANNELS, channels: [{ channelId: 0, width: 8, height: 4 }] },
    { blockType: RfxBlockType.WBT_CONTEXT, ctxId: 0, flags: 0, entropy },
    { blockType: RfxBlockType.WBT_FRAME_BEGIN, frameIdx: 0, numRegions: 1 },
    {
      blockType: RfxBlockType.WBT_REGION,
      regionFlags: RFX_REGION_LRF,
      rects: [{ x: 0, y: 0, width: 3, height: 2 }],
      numTilesets: 1,
    },
    {
      blockType: RfxBlockType.WBT_EXTENSION,
      idx: 0,
      flags: 0,
      entropy,
      quantVals: [new Uint8Array(10).fill(6)],
      tiles: [
        {
          quantIdxY: 0,
          quantIdxCb: 0,
          quantIdxCr: 0,
          xIdx: 0,
          yIdx: 0,
          yData: flat(50, entropy),
          cbData: flat(0, entropy),
          crData: flat(0, entropy),
        },
      ],
    },
    { blockType: RfxBlockType.WBT_FRAME_END },
  ]);
}
