import { type CapabilitySet, CapabilitySetType } from '../connection/capabilities.js';
import { commonCapabilitySets } from '../connection/common-capability-sets.js';

/** What the Confirm Active PDU adapts to the server's Demand Active. */
export interface ClientCapabilityParameters {
  /** The session depth: the Demand Active's preferredBitsPerPixel, which the client adopts. */
  colorDepth: number;
  width: number;
  height: number;
}

/**
 * The largest reassembled fast-path update accepted: a full 32 bpp 4K frame. The server's own MultifragmentUpdate
 * does not bind us; this is what we tell it we can reassemble.
 */
export const CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE = 3840 * 2160 * 4;
/** BRUSH_DEFAULT: no brush cache. */
const BRUSH_DEFAULT = 0;
/** GLYPH_SUPPORT_NONE: no glyph orders. */
const GLYPH_SUPPORT_NONE = 0;
const GLYPH_CACHE_DEFINITIONS = 40;

/**
 * The capability sets of the viewer's Confirm Active PDU (MS-RDPBCGR 2.2.1.13.2): fast-path output without bulk
 * compression, bitmap updates only (no drawing orders, no surface commands or codecs, so every server falls back
 * to interleaved RLE, planar or raw bitmaps), colour and large pointers, fast-path input with scancodes, Unicode,
 * extended buttons and the horizontal wheel, refresh rect and suppress output.
 */
export function clientCapabilitySets(p: ClientCapabilityParameters): CapabilitySet[] {
  const common = commonCapabilitySets({ role: 'client', colorDepth: p.colorDepth, width: p.width, height: p.height });
  return [
    common.general,
    common.bitmap,
    common.order,
    {
      type: CapabilitySetType.BITMAPCACHE,
      cache0Entries: 0,
      cache0MaximumCellSize: 0,
      cache1Entries: 0,
      cache1MaximumCellSize: 0,
      cache2Entries: 0,
      cache2MaximumCellSize: 0,
    },
    common.pointer,
    common.input,
    { type: CapabilitySetType.BRUSH, brushSupportLevel: BRUSH_DEFAULT },
    {
      type: CapabilitySetType.GLYPHCACHE,
      glyphCache: new Uint8Array(GLYPH_CACHE_DEFINITIONS),
      fragCache: 0,
      glyphSupportLevel: GLYPH_SUPPORT_NONE,
    },
    common.virtualChannel,
    { type: CapabilitySetType.SOUND, soundFlags: 0 },
    { type: CapabilitySetType.MULTIFRAGMENTUPDATE, maxRequestSize: CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE },
    common.largePointer,
  ];
}
