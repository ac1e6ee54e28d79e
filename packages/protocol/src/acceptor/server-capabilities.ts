import {
  type CapabilitySet,
  CapabilitySetType,
  GeneralExtraFlag,
  InputFlag,
  LargePointerFlag,
  OrderFlag,
  SurfaceCommandFlag,
} from '../connection/capabilities.js';

/** What the server's Demand Active announces besides fixed values. */
export interface ServerCapabilityParameters {
  width: number;
  height: number;
  colorDepth: number;
  /** The server's MCS channel id, the Share capability nodeId. */
  serverChannelId: number;
}

/**
 * Largest fast-path update (bytes, after reassembly) we let a client expect. FreeRDP clients adopt the server's
 * value as their reassembly limit, so it must fit a full-screen surface bits update.
 */
export const SERVER_MULTIFRAGMENT_MAX_REQUEST_SIZE = 0x800000;
const POINTER_CACHE_SIZE = 25;
const VC_CHUNK_SIZE = 1600;

/**
 * The capability sets of our Demand Active PDU (MS-RDPBCGR 2.2.1.13.1): fast-path output without bulk
 * compression, no drawing orders (graphics go as bitmaps or surface commands), colour and large pointers,
 * fast-path input with scancodes, Unicode and extended mouse buttons, refresh rect and suppress output.
 */
export function serverCapabilitySets(p: ServerCapabilityParameters): CapabilitySet[] {
  return [
    {
      type: CapabilitySetType.GENERAL,
      osMajorType: 1,
      osMinorType: 3,
      protocolVersion: 0x0200,
      generalCompressionTypes: 0,
      extraFlags:
        GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED |
        GeneralExtraFlag.NO_BITMAP_COMPRESSION_HDR |
        GeneralExtraFlag.LONG_CREDENTIALS_SUPPORTED,
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
      terminalDescriptor: new Uint8Array(16),
      desktopSaveXGranularity: 1,
      desktopSaveYGranularity: 20,
      maximumOrderLevel: 1,
      numberFonts: 0,
      orderFlags: OrderFlag.NEGOTIATEORDERSUPPORT | OrderFlag.ZEROBOUNDSDELTASSUPPORT | OrderFlag.COLORINDEXSUPPORT,
      orderSupport: new Uint8Array(32),
      textFlags: 0,
      orderSupportExFlags: 0,
      desktopSaveSize: 0,
      textANSICodePage: 0,
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
      keyboardLayout: 0,
      keyboardType: 0,
      keyboardSubType: 0,
      keyboardFunctionKey: 0,
      imeFileName: new Uint8Array(64),
    },
    { type: CapabilitySetType.VIRTUALCHANNEL, flags: 0, vcChunkSize: VC_CHUNK_SIZE },
    { type: CapabilitySetType.SHARE, nodeId: p.serverChannelId },
    { type: CapabilitySetType.FONT, fontSupportFlags: 1 },
    { type: CapabilitySetType.MULTIFRAGMENTUPDATE, maxRequestSize: SERVER_MULTIFRAGMENT_MAX_REQUEST_SIZE },
    {
      type: CapabilitySetType.LARGE_POINTER,
      largePointerSupportFlags: LargePointerFlag.SUPPORT_96x96 | LargePointerFlag.SUPPORT_384x384,
    },
    {
      type: CapabilitySetType.SURFACE_COMMANDS,
      cmdFlags:
        SurfaceCommandFlag.SET_SURFACE_BITS | SurfaceCommandFlag.FRAME_MARKER | SurfaceCommandFlag.STREAM_SURFACE_BITS,
    },
    { type: CapabilitySetType.FRAME_ACKNOWLEDGE, maxUnacknowledgedFrameCount: 2 },
  ];
}
