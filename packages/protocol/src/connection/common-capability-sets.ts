import {
  type BitmapCapability,
  CapabilitySetType,
  type GeneralCapability,
  GeneralExtraFlag,
  type InputCapability,
  InputFlag,
  type LargePointerCapability,
  LargePointerFlag,
  type OrderCapability,
  OrderFlag,
  type PointerCapability,
  type VirtualChannelCapability,
} from './capabilities.js';

/** Which end announces the sets: the server in its Demand Active, the client in its Confirm Active. */
export type CapabilityRole = 'server' | 'client';

/** What differs between two announcements of the common sets. */
export interface CommonCapabilityValues {
  role: CapabilityRole;
  /** Bitmap preferredBitsPerPixel: the session depth (a client adopts the server's). */
  colorDepth: number;
  width: number;
  height: number;
}

/** The capability sets both Demand Active and Confirm Active carry, with the values both ends send. */
export interface CommonCapabilitySets {
  general: GeneralCapability;
  bitmap: BitmapCapability;
  order: OrderCapability;
  pointer: PointerCapability;
  input: InputCapability;
  virtualChannel: VirtualChannelCapability;
  largePointer: LargePointerCapability;
}

/** OSMAJORTYPE_WINDOWS / OSMINORTYPE_WINDOWS_NT: what Windows announces, server and viewer alike. */
const OS_MAJOR_TYPE_WINDOWS = 1;
const OS_MINOR_TYPE_WINDOWS_NT = 3;
/** TS_CAPS_PROTOCOLVERSION. */
const PROTOCOL_VERSION = 0x0200;
/** The pointer shapes kept (colour and "new" pointers share one cache, as in mstsc). */
const POINTER_CACHE_SIZE = 25;
/** VCChunkSize: CHANNEL_CHUNK_LENGTH, the value every server uses. */
const VC_CHUNK_SIZE = 1600;
const ORDER_SUPPORT_LENGTH = 16 * 2;
const TERMINAL_DESCRIPTOR_LENGTH = 16;
const IME_FILE_NAME_LENGTH = 64;
/** Order capability desktop-save granularity as every implementation sends it. */
const DESKTOP_SAVE_X_GRANULARITY = 1;
const DESKTOP_SAVE_Y_GRANULARITY = 20;
const MAXIMUM_ORDER_LEVEL = 1;
/** The Input capability's keyboard fields are zero: the Client Core Data carries them. */
const KEYBOARD_FROM_CORE_DATA = 0;

/**
 * The sets both ends of an rdshare connection announce alike (MS-RDPBCGR 2.2.7.1): fast-path output without bulk
 * compression, no drawing orders, refresh rect and suppress output, colour and large pointers, fast-path input with
 * scancodes, Unicode, extended buttons and the horizontal wheel. Only a client claims salted MAC checksums
 * (ENC_SALTED_CHECKSUM): the server follows what the client asked for.
 *
 * @example
 * ```ts
 * const common = commonCapabilitySets({ role: 'client', colorDepth: 32, width: 1920, height: 1080 });
 * const sets = [common.general, common.bitmap, common.order, common.pointer, common.input];
 * ```
 */
export function commonCapabilitySets(v: CommonCapabilityValues): CommonCapabilitySets {
  const saltedChecksum = v.role === 'client' ? GeneralExtraFlag.ENC_SALTED_CHECKSUM : 0;
  return {
    general: {
      type: CapabilitySetType.GENERAL,
      osMajorType: OS_MAJOR_TYPE_WINDOWS,
      osMinorType: OS_MINOR_TYPE_WINDOWS_NT,
      protocolVersion: PROTOCOL_VERSION,
      generalCompressionTypes: 0,
      extraFlags:
        GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED |
        GeneralExtraFlag.NO_BITMAP_COMPRESSION_HDR |
        GeneralExtraFlag.LONG_CREDENTIALS_SUPPORTED |
        saltedChecksum,
      updateCapabilityFlag: 0,
      remoteUnshareFlag: 0,
      generalCompressionLevel: 0,
      refreshRectSupport: 1,
      suppressOutputSupport: 1,
    },
    bitmap: {
      type: CapabilitySetType.BITMAP,
      preferredBitsPerPixel: v.colorDepth,
      receive1BitPerPixel: 1,
      receive4BitsPerPixel: 1,
      receive8BitsPerPixel: 1,
      desktopWidth: v.width,
      desktopHeight: v.height,
      desktopResizeFlag: 1,
      bitmapCompressionFlag: 1,
      highColorFlags: 0,
      drawingFlags: 0,
      multipleRectangleSupport: 1,
    },
    order: {
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
    pointer: {
      type: CapabilitySetType.POINTER,
      colorPointerFlag: 1,
      colorPointerCacheSize: POINTER_CACHE_SIZE,
      pointerCacheSize: POINTER_CACHE_SIZE,
    },
    input: {
      type: CapabilitySetType.INPUT,
      inputFlags:
        InputFlag.SCANCODES | InputFlag.MOUSEX | InputFlag.FASTPATH_INPUT2 | InputFlag.UNICODE | InputFlag.MOUSE_HWHEEL,
      keyboardLayout: KEYBOARD_FROM_CORE_DATA,
      keyboardType: KEYBOARD_FROM_CORE_DATA,
      keyboardSubType: KEYBOARD_FROM_CORE_DATA,
      keyboardFunctionKey: KEYBOARD_FROM_CORE_DATA,
      imeFileName: new Uint8Array(IME_FILE_NAME_LENGTH),
    },
    virtualChannel: { type: CapabilitySetType.VIRTUALCHANNEL, flags: 0, vcChunkSize: VC_CHUNK_SIZE },
    largePointer: {
      type: CapabilitySetType.LARGE_POINTER,
      largePointerSupportFlags: LargePointerFlag.SUPPORT_96x96 | LargePointerFlag.SUPPORT_384x384,
    },
  };
}
