/**
 * CTRL_LEVEL: what an attendee may do. Values are Windows' own, so code ported from C++/C# reads the same.
 */
export const CTRL_LEVEL = {
  MIN: 0,
  INVALID: 0,
  /** Cannot view or interact. */
  NONE: 1,
  /** Sees the shared desktop; its input is dropped. */
  VIEW: 2,
  /** Sees the desktop and its keyboard and mouse input reach it. */
  INTERACTIVE: 3,
  /** Asks for view control (requests only). */
  REQCTRL_VIEW: 4,
  /** Asks for interactive control (requests only). */
  REQCTRL_INTERACTIVE: 5,
  MAX: 5,
} as const;
export type CTRL_LEVEL = (typeof CTRL_LEVEL)[keyof typeof CTRL_LEVEL];

/** ATTENDEE_DISCONNECT_REASON. */
export const ATTENDEE_DISCONNECT_REASON = {
  MIN: 0,
  /** The sharing application called `terminateConnection()` (or closed the session). */
  APP: 0,
  /** An internal error: protocol error, socket failure, refused authentication. */
  ERR: 1,
  /** The attendee disconnected itself. */
  CLI: 2,
  MAX: 2,
} as const;
export type ATTENDEE_DISCONNECT_REASON = (typeof ATTENDEE_DISCONNECT_REASON)[keyof typeof ATTENDEE_DISCONNECT_REASON];

/**
 * Address families as Windows numbers them (winsock's AF_*): the values of the `PortProtocol` property and of
 * `ConnectivityInfo.protocol`.
 */
export const ADDRESS_FAMILY = {
  /** Either family (listener on both IPv4 and IPv6), or no socket at all (a caller's transport stream). */
  AF_UNSPEC: 0,
  AF_INET: 2,
  AF_INET6: 23,
} as const;
export type ADDRESS_FAMILY = (typeof ADDRESS_FAMILY)[keyof typeof ADDRESS_FAMILY];

/** RDPENCOMAPI_ATTENDEE_FLAGS. */
export const ATTENDEE_FLAGS = { LOCAL: 1 } as const;

/** RDPENCOMAPI_CONSTANTS. */
export const RDPENCOMAPI_CONSTANTS = {
  CONST_MAX_CHANNEL_MESSAGE_SIZE: 1024,
  CONST_MAX_CHANNEL_NAME_LEN: 8,
  CONST_MAX_LEGACY_CHANNEL_MESSAGE_SIZE: 409600,
  CONST_ATTENDEE_ID_EVERYONE: -1,
  CONST_ATTENDEE_ID_HOST: 0,
  CONST_CONN_INTERVAL: 50,
  CONST_ATTENDEE_ID_DEFAULT: -1,
} as const;

/** RDPSRAPI_APP_FLAGS: an application's get_Flags. */
export const RDPSRAPI_APP_FLAGS = {
  /** The application runs with more privileges than the sharer and cannot be shared. */
  APP_FLAG_PRIVILEGED: 1,
} as const;

/** RDPSRAPI_WND_FLAGS: a window's get_Flags. */
export const RDPSRAPI_WND_FLAGS = {
  /** The window belongs to a process with more privileges than the sharer and cannot be shared. */
  WND_FLAG_PRIVILEGED: 1,
} as const;

/** CHANNEL_PRIORITY: which application channel's queued data goes out first to an attendee. */
export const CHANNEL_PRIORITY = { LO: 0, MED: 1, HI: 2 } as const;
export type CHANNEL_PRIORITY = (typeof CHANNEL_PRIORITY)[keyof typeof CHANNEL_PRIORITY];

/** CHANNEL_FLAGS: options of `createVirtualChannel` (and of `sendData`). */
export const CHANNEL_FLAGS = {
  /** Messages up to CONST_MAX_LEGACY_CHANNEL_MESSAGE_SIZE instead of CONST_MAX_CHANNEL_MESSAGE_SIZE. */
  LEGACY: 0x01,
  /** Never compress this channel's data (rdshare never compresses channel data anyway). */
  UNCOMPRESSED: 0x02,
  /** A dynamic (drdynvc) channel; not offered by rdshare, whose application channels are static. */
  DYNAMIC: 0x04,
} as const;
export type CHANNEL_FLAGS = (typeof CHANNEL_FLAGS)[keyof typeof CHANNEL_FLAGS];

/** CHANNEL_ACCESS_ENUM: what an attendee may do on an application channel (`VirtualChannel.setAccess`). */
export const CHANNEL_ACCESS_ENUM = {
  /** The default: nothing reaches the attendee on this channel, and what it sends is dropped. */
  NONE: 0,
  SENDRECEIVE: 1,
} as const;
export type CHANNEL_ACCESS_ENUM = (typeof CHANNEL_ACCESS_ENUM)[keyof typeof CHANNEL_ACCESS_ENUM];
