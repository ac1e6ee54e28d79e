import { CODEC_MODE } from '../codecs/remotefx.js';
import { CARDP_CAPS_CAPTURE_NON_CAC, encodeRfxClientCapabilities } from '../codecs/remotefx-capabilities.js';
import { RlgrMode } from '../codecs/rlgr.js';
import { type CapabilitySet, CapabilitySetType, CodecGuid, SurfaceCommandFlag } from '../connection/capabilities.js';
import { commonCapabilitySets } from '../connection/common-capability-sets.js';

/** What the Confirm Active PDU adapts to the server's Demand Active. */
export interface ClientCapabilityParameters {
  /** The session depth: the Demand Active's preferredBitsPerPixel, which the client adopts. */
  colorDepth: number;
  width: number;
  height: number;
}

/** Surface codecs the client offers on top of bitmap updates (MS-RDPBCGR 2.2.7.2.10); none by default. */
export interface ClientSurfaceCodecs {
  /**
   * RemoteFX ([MS-RDPRFX]): lossy surface bits, and RemoteFX (CAVIDEO) on the graphics pipeline of servers that
   * pick the codec from this set.
   */
  remoteFx?: boolean;
}

/**
 * The codecID this client gives RemoteFX in its Bitmap Codecs capability set: the client assigns the ids (only
 * NSCodec's, 1, is fixed) and the server's surface bits name the codec by it. 3 is the id FreeRDP clients give
 * it, so server logs read the same.
 */
export const CLIENT_REMOTEFX_CODEC_ID = 3;
/**
 * TS_FRAME_ACKNOWLEDGE_CAPABILITYSET.maxUnacknowledgedFrameCount: a hint of the frames the client buffers. The
 * viewer decodes each frame as it arrives and acknowledges at once; 2 is the hint FreeRDP clients send.
 */
const CLIENT_MAX_UNACKNOWLEDGED_FRAMES = 2;

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
 * compression, bitmap updates (no drawing orders; without `codecs` no surface commands or codecs either, so every
 * server falls back to interleaved RLE, planar or raw bitmaps), colour and large pointers, fast-path input with
 * scancodes, Unicode, extended buttons and the horizontal wheel, refresh rect and suppress output. `codecs` appends
 * the sets a surface codec needs, after the others, so the sets before them stay byte for byte the same.
 */
export function clientCapabilitySets(p: ClientCapabilityParameters, codecs: ClientSurfaceCodecs = {}): CapabilitySet[] {
  const common = commonCapabilitySets({ role: 'client', colorDepth: p.colorDepth, width: p.width, height: p.height });
  const base: CapabilitySet[] = [
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
  return codecs.remoteFx ? [...base, ...remoteFxCapabilitySets()] : base;
}

/**
 * What offering RemoteFX takes: the surface commands that carry it and the frame markers around each frame, the
 * codec with its TS_RFX_CLNT_CAPS_CONTAINER (both entropy coders, image mode), and frame acknowledgement, on which
 * servers pace surface bits (FreeRDP's shadow server slows to a few frames a second without it).
 */
function remoteFxCapabilitySets(): CapabilitySet[] {
  return [
    {
      type: CapabilitySetType.SURFACE_COMMANDS,
      cmdFlags:
        SurfaceCommandFlag.SET_SURFACE_BITS | SurfaceCommandFlag.STREAM_SURFACE_BITS | SurfaceCommandFlag.FRAME_MARKER,
    },
    {
      type: CapabilitySetType.BITMAP_CODECS,
      codecs: [
        {
          guid: CodecGuid.REMOTEFX,
          codecId: CLIENT_REMOTEFX_CODEC_ID,
          properties: encodeRfxClientCapabilities({
            captureFlags: CARDP_CAPS_CAPTURE_NON_CAC,
            icaps: [
              { flags: CODEC_MODE, entropy: RlgrMode.RLGR1 },
              { flags: CODEC_MODE, entropy: RlgrMode.RLGR3 },
            ],
          }),
        },
      ],
    },
    { type: CapabilitySetType.FRAME_ACKNOWLEDGE, maxUnacknowledgedFrameCount: CLIENT_MAX_UNACKNOWLEDGED_FRAMES },
  ];
}
