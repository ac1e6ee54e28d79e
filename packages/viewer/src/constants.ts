/** RDPSRAPI_MOUSE_BUTTON_TYPE: the buttons of IRDPViewerInputSink::SendMouseButtonEvent. */
export const MouseButton = {
  /** Left. */
  BUTTON1: 0,
  /** Right. */
  BUTTON2: 1,
  /** Middle. */
  BUTTON3: 2,
  XBUTTON1: 3,
  XBUTTON2: 4,
  /** Defined by the API; RDP has no event for it, so sending it is an INVALID_ARGUMENT. */
  XBUTTON3: 5,
} as const;
export type MouseButton = (typeof MouseButton)[keyof typeof MouseButton];

/** RDPSRAPI_KBD_CODE_TYPE: what `keycode` of SendKeyboardEvent holds. */
export const KeyboardCodeType = { SCANCODE: 0, UNICODE: 1 } as const;
export type KeyboardCodeType = (typeof KeyboardCodeType)[keyof typeof KeyboardCodeType];

/** RDPSRAPI_KBD_SYNC_FLAG: the lock keys of SendSyncEvent (the TS_SYNC_EVENT toggle flags). */
export const KeyboardSyncFlag = { SCROLL_LOCK: 1, NUM_LOCK: 2, CAPS_LOCK: 4, KANA_LOCK: 8 } as const;
export type KeyboardSyncFlag = (typeof KeyboardSyncFlag)[keyof typeof KeyboardSyncFlag];

/**
 * `discReason` of OnConnectionTerminated: the Remote Desktop ActiveX control's disconnect reasons, which the
 * RDPViewer control reports. `extendedInfo` carries the sharer's Set Error Info code (ExtendedDisconnectReasonCode).
 */
export const DisconnectReason = {
  /** The viewer called `disconnect()`. */
  LOCAL_NOT_ERROR: 1,
  /** The sharer's user ended the session. */
  REMOTE_BY_USER: 2,
  /** The sharer ended the connection (refusal, `terminateConnection`, close). */
  BY_SERVER: 3,
  /** A TCP connection to the sharer could not be made. */
  SOCKET_CONNECT_FAILED: 516,
  /** The connection dropped, or the viewer dropped it because the sharer broke the protocol. */
  SOCKET_CLOSED: 2308,
} as const;
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];
