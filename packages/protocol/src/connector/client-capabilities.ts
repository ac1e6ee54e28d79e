import {
  type CapabilitySet,
  CapabilitySetType,
  GeneralExtraFlag,
  InputFlag,
  LargePointerFlag,
  OrderFlag,
} from '../connection/capabilities.js';

/** What the Confirm Active PDU adapts to the server's Demand Active. */
export interface ClientCapabilityParameters {
  /** The session depth: the Demand Active's preferredBitsPerPixel, which the client adopts. */
  colorDepth: number;
  width: number;
  height: number;
}

/** OSMAJORTYPE_WINDOWS / OSMINORTYPE_WINDOWS_NT: what a Windows viewer announces. */
const OS_MAJOR_TYPE_WINDOWS = 1;
const OS_MINOR_TYPE_WINDOWS_NT = 3;
/** TS_CAPS_PROTOCOLVERSION. */
const PROTOCOL_VERSION = 0x0200;
/** The pointer shapes the client keeps (colour and "new" pointers share one cache, as in mstsc). */
const POINTER_CACHE_SIZE = 25;
/**
 * The largest reassembled fast-path update accepted: a full 32 bpp 4K frame. The server's own MultifragmentUpdate
 * does not bind us; this is what we tell it we can reassemble.
 */
export const CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE = 3840 * 2160 * 4;
/** VCChunkSize the client accepts (CHANNEL_CHUNK_LENGTH, the value every server uses). */
const VC_CHUNK_SIZE = 1600;
/** BRUSH_DEFAULT: no brush cache. */
const BRUSH_DEFAULT = 0;
/** GLYPH_SUPPORT_NONE: no glyph orders. */
const GLYPH_SUPPORT_NONE = 0;
const GLYPH_CACHE_DEFINITIONS = 40;
const ORDER_SUPPORT_LENGTH = 16 * 2;
const TERMINAL_DESCRIPTOR_LENGTH = 16;
const IME_FILE_NAME_LENGTH = 64;
/** Order capability desktop-save granularity as every client sends it. */
const DESKTOP_SAVE_X_GRANULARITY = 1;
const DESKTOP_SAVE_Y_GRANULARITY = 20;
const MAXIMUM_ORDER_LEVEL = 1;
/** CS_NET-independent keyboard fields are zero: the Client Core Data carries them. */
const KEYBOARD_FROM_CORE_DATA = 0;

/**
 * The capability sets of the viewer's Confirm Active PDU (MS-RDPBCGR 2.2.1.13.2): fast-path output without bulk
 * compression, bitmap updates only (no drawing orders, no surface commands or codecs, so every server falls back
 * to interleaved RLE, planar or raw bitmaps), colour and large pointers, fast-path input with scancodes, Unicode,
 * extended buttons and the horizontal wheel, refresh rect and suppress output.
 */
export function clientCapabilitySets(p: ClientCapabilityParameters): CapabilitySet[] {
  return [
    {
      type: CapabilitySetType.GENERAL,
      osMajorType: OS_MAJOR_TYPE_WINDOWS,
      osMinorType: OS_MINOR_TYPE_WINDOWS_NT,
      protocolVersion: PROTOCOL_VERSION,
      generalCompressionTypes: 0,
      extraFlags:
        GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED |
        GeneralExtraFlag.NO_BITMAP_COMPRESSION_HDR |
        GeneralExtraFlag.LONG_CREDENTIALS_SUPPORTED |
        GeneralExtraFlag.ENC_SALTED_CHECKSUM,
      updateCapabilityFlag: 0,
      remoteUnshareFlag: 0,
      generalCompressionLevel: 0,
      refreshRectSupport: 1,
      suppressOutputSupport: 1,
    },
    {
      type: CapabilitySetType.BITMAP,
      preferredBitsPerPixel: p.colorDepth,
      receive1BitPerPixel: 1,
      receive4BitsPerPixel: 1,
      receive8BitsPerPixel: 1,
      desktopWidth: p.width,
      desktopHeight: p.height,
      desktopResizeFlag: 1,
      bitmapCompressionFlag: 1,
      highColorFlags: 0,
      drawingFlags: 0,
      multipleRectangleSupport: 1,
    },
    {
      type: CapabilitySetType.ORDER,
      terminalDescriptor: new Uint8Array(TERMINAL_DESCRIPTOR_LENGTH),
      desktopSaveXGranularity: DESKTOP_SAVE_X_GRANULARITY,
      desktopSaveYGranularity: DESKTOP_SAVE_Y_GRANULARITY,
      maximumOrderLevel: MAXIMUM_ORDER_LEVEL,
      numberFonts: 0,
      orderFlags: OrderFlag.NEGOTIATEORDERSUPPORT | OrderFlag.ZEROBOUNDSDELTASSUPPORT | OrderFlag.COLORINDEXSUPPORT,
      orderSupport: new Uint8Array(ORDER_SUPPORT_LENGTH),
      textFlags: 0,
      orderSupportExFlags: 0,
      desktopSaveSize: 0,
      textANSICodePage: 0,
    },
    {
      type: CapabilitySetType.BITMAPCACHE,
      cache0Entries: 0,
      cache0MaximumCellSize: 0,
      cache1Entries: 0,
      cache1MaximumCellSize: 0,
      cache2Entries: 0,
      cache2MaximumCellSize: 0,
    },
    {
      type: CapabilitySetType.POINTER,
      colorPointerFlag: 1,
      colorPointerCacheSize: POINTER_CACHE_SIZE,
      pointerCacheSize: POINTER_CACHE_SIZE,
    },
    {
      type: CapabilitySetType.INPUT,
      inputFlags:
        InputFlag.SCANCODES | InputFlag.MOUSEX | InputFlag.FASTPATH_INPUT2 | InputFlag.UNICODE | InputFlag.MOUSE_HWHEEL,
      keyboardLayout: KEYBOARD_FROM_CORE_DATA,
      keyboardType: KEYBOARD_FROM_CORE_DATA,
      keyboardSubType: KEYBOARD_FROM_CORE_DATA,
      keyboardFunctionKey: KEYBOARD_FROM_CORE_DATA,
      imeFileName: new Uint8Array(IME_FILE_NAME_LENGTH),
    },
    { type: CapabilitySetType.BRUSH, brushSupportLevel: BRUSH_DEFAULT },
    {
      type: CapabilitySetType.GLYPHCACHE,
      glyphCache: new Uint8Array(GLYPH_CACHE_DEFINITIONS),
      fragCache: 0,
      glyphSupportLevel: GLYPH_SUPPORT_NONE,
    },
    { type: CapabilitySetType.VIRTUALCHANNEL, flags: 0, vcChunkSize: VC_CHUNK_SIZE },
    { type: CapabilitySetType.SOUND, soundFlags: 0 },
    { type: CapabilitySetType.MULTIFRAGMENTUPDATE, maxRequestSize: CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE },
    {
      type: CapabilitySetType.LARGE_POINTER,
      largePointerSupportFlags: LargePointerFlag.SUPPORT_96x96 | LargePointerFlag.SUPPORT_384x384,
    },
  ];
}
