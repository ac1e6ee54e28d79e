export { decodeChannelText, encodeChannelText } from './channel-text.js';
export { DisconnectReason, KeyboardCodeType, KeyboardSyncFlag, MouseButton } from './constants.js';
export { ViewerError, ViewerErrorCode } from './errors.js';
export { FocusDirection } from './focus-release.js';
export { FrameBuffer, type FrameRect } from './frame-buffer.js';
export { GFX_SMALL_CACHE_BYTES, GFX_SMALL_CACHE_SLOTS, type GfxCacheEntry } from './graphics-pipeline/gfx-cache.js';
export { type GfxClientStats, gfxClientCapabilities } from './graphics-pipeline/gfx-client.js';
export { GfxPersistentCache } from './graphics-pipeline/gfx-persistent-cache.js';
export type { H264Decoder, H264DecoderFactory, H264Picture, H264Planes } from './graphics-pipeline/h264-decoder.js';
export { webCodecsH264Decoder } from './graphics-pipeline/web-codecs-h264-decoder.js';
export { type PointerImage, PointerState, type PointerView, pointerImage } from './pointer-state.js';
export { RdpViewer, type RdpViewerOptions, ViewerState } from './rdp-viewer.js';
export { scriptCryptoProvider } from './script-crypto.js';
export type { SurfaceBitsStats } from './surface-bits.js';
export { controlChangeFlags, type ViewerApplicationFilter, type ViewerAttendee } from './viewer-collaboration.js';
export type { ViewerEventTypes } from './viewer-events.js';
export type { ViewerConnection, ViewerTransport } from './viewer-transport.js';
export {
  ChannelFlags,
  ChannelPriority,
  type ViewerVirtualChannel,
  VirtualChannelManager,
} from './virtual-channel-manager.js';
export {
  type WebSocketFactory,
  type WebSocketLike,
  type WebSocketTransportOptions,
  webSocketTransport,
} from './web-socket-transport.js';
