export type { AdmissionRefusal } from './admission.js';
export { Application, ApplicationList } from './application.js';
export { ApplicationFilter, type ApplicationFilterEvents } from './application-filter.js';
export { Attendee, type AttendeeDisconnectInfo, type ConnectivityInfo } from './attendee.js';
export { AttendeeManager } from './attendee-manager.js';
export * from './constants.js';
export { DISCONNECT_CODE } from './disconnect-code.js';
export { RdshareError, SessionErrorCode } from './errors.js';
export { FrameBuffer } from './frame-buffer.js';
export type { SharedRect } from './graphics/shared-rect.js';
export type { GuessLimits } from './guess-throttle.js';
export type { HandshakeLimits } from './handshake-limits.js';
export { Invitation } from './invitation.js';
export { type CreateInvitationOptions, InvitationManager } from './invitation-manager.js';
export { ItemList } from './item-list.js';
export { consoleLogger, type Logger } from './logger.js';
export { type ColorDepth, RdpSession, type RdpSessionEventTypes, type RdpSessionOptions } from './rdp-session.js';
export {
  type ClipboardUseCallback,
  SessionProperties,
  type SessionPropertyName,
  type SessionPropertyValues,
} from './session-properties.js';
export type { TlsIdentity } from './tls-certificate.js';
export type { TrafficStatistics } from './traffic-statistics.js';
export type { TransportStream, WebTransportStream } from './transport-stream.js';
export { VirtualChannel } from './virtual-channel.js';
export { RESERVED_CHANNEL_NAMES, VirtualChannelManager } from './virtual-channel-manager.js';
export { WebSocketListener, type WebSocketListenerOptions } from './websocket-listener.js';
export { Window, WindowList } from './window.js';
