import type { ControlLevel } from './control-level.js';
import type { SessionEventTypeBindings, SessionEventTypes } from './event-object-types.js';

/** An empty payload: the COM event has no parameters. */
export type NoPayload = Record<string, never>;

/** A rectangle in desktop coordinates, as the COM events pass it (`long left, top, right, bottom`). */
export interface EventRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** OnControlLevelChangeRequest's parameters: an attendee asks the sharer for a control level. */
export interface ControlLevelChangeRequest<A = SessionEventTypes['attendee']> {
  /** pAttendee: who asks. */
  readonly attendee: A;
  /**
   * RequestedLevel: NONE, VIEW or INTERACTIVE, or REQCTRL_VIEW / REQCTRL_INTERACTIVE which ask for VIEW /
   * INTERACTIVE (`askedLevel` maps them).
   */
  readonly requestedLevel: ControlLevel;
}

/**
 * The `_IRDPSessionEvents` dispinterface (DIID 98a97042-6698-40e9-8efd-b3200990004b) as a typed catalogue: one
 * entry per event, keyed by the observable's name without the `$`, its payload an object holding the COM
 * parameters by name. Each entry names its DISPID, COM signature and the side that raises it. The object types
 * are bound by the publisher (`T`); see {@link BindSessionEventTypes}.
 */
export interface SessionEventMap<T extends SessionEventTypeBindings = SessionEventTypes> {
  /** 301 `OnAttendeeConnected(IDispatch* pAttendee)`. Sharer: an attendee was admitted. Viewer: another joined. */
  attendeeConnected: { readonly attendee: T['attendee'] };
  /**
   * 302 `OnAttendeeDisconnected(IDispatch* pDisconnectInfo)`. Sharer and viewer: an attendee left, for any
   * reason but the session's own `close()`.
   */
  attendeeDisconnected: { readonly info: T['disconnectInfo'] };
  /** 303 `OnAttendeeUpdate(IDispatch* pAttendee)`. Sharer and viewer: a property such as the control level changed. */
  attendeeUpdate: { readonly attendee: T['attendee'] };
  /**
   * 304 `OnError(VARIANT ErrorInfo)`. Sharer and viewer: something failed outside any call the app made;
   * `attendee` is set when one attendee's connection failed (the others carry on).
   */
  error: { readonly error: Error; readonly attendee?: T['attendee'] };
  /** 305 `OnConnectionEstablished()`. Viewer: the connection to the sharer is up. */
  connectionEstablished: NoPayload;
  /** 306 `OnConnectionTerminated(long discReason, long ExtendedInfo)`. Viewer: the connection closed. */
  connectionTerminated: { readonly reason: number; readonly extendedInfo: number };
  /** 307 `OnConnectionAuthenticated()`. Viewer: the sharer accepted the invitation and password. */
  connectionAuthenticated: NoPayload;
  /** 308 `OnConnectionFailed()`. Viewer: connecting failed; rdshare adds the cause when it has one. */
  connectionFailed: { readonly error?: Error };
  /**
   * 309 `OnControlLevelChangeRequest(IDispatch* pAttendee, CTRL_LEVEL RequestedLevel)`. Sharer: an attendee asks
   * for a control level; the app decides by setting `attendee.controlLevel` (see the policy operators).
   */
  controlLevelChangeRequest: ControlLevelChangeRequest<T['attendee']>;
  /** 310 `OnGraphicsStreamPaused()`. Viewer: the sharer paused; the sharer raises it too when its app pauses. */
  graphicsStreamPaused: NoPayload;
  /** 311 `OnGraphicsStreamResumed()`. Viewer: the sharer resumed; the sharer raises it too when its app resumes. */
  graphicsStreamResumed: NoPayload;
  /**
   * 314 `OnChannelDataReceived(IUnknown* pChannel, long lAttendeeId, BSTR bstrData)`. Sharer and viewer: data
   * arrived on an app channel; `attendeeId` is the sender (CONST_ATTENDEE_ID_HOST = 0 for the sharer), `data`
   * the bytes Windows passes as a BSTR.
   */
  channelDataReceived: { readonly channel: T['channel']; readonly attendeeId: number; readonly data: Uint8Array };
  /**
   * 315 `OnChannelDataSent(IUnknown* pChannel, long lAttendeeId, long BytesSent)`. Sharer and viewer: a `sendData`
   * went out to `attendeeId` (CONST_ATTENDEE_ID_EVERYONE = -1 for all).
   */
  channelDataSent: { readonly channel: T['channel']; readonly attendeeId: number; readonly bytesSent: number };
  /** 316 `OnApplicationOpen(IDispatch* pApplication)`. Sharer and viewer: an application started. */
  applicationOpen: { readonly application: T['application'] };
  /** 317 `OnApplicationClose(IDispatch* pApplication)`. Sharer and viewer: an application ended. */
  applicationClose: { readonly application: T['application'] };
  /** 318 `OnApplicationUpdate(IDispatch* pApplication)`. Sharer and viewer: its name or `shared` changed. */
  applicationUpdate: { readonly application: T['application'] };
  /** 319 `OnWindowOpen(IDispatch* pWindow)`. Sharer and viewer: a top-level window appeared. */
  windowOpen: { readonly window: T['window'] };
  /** 320 `OnWindowClose(IDispatch* pWindow)`. Sharer and viewer: a top-level window went away. */
  windowClose: { readonly window: T['window'] };
  /** 321 `OnWindowUpdate(IDispatch* pWindow)`. Sharer and viewer: its title or `shared` changed. */
  windowUpdate: { readonly window: T['window'] };
  /** 322 `OnAppFilterUpdate()`. Sharer and viewer: the application filter was enabled or disabled. */
  appFilterUpdate: NoPayload;
  /**
   * 323 `OnSharedRectChanged(long left, long top, long right, long bottom)`. Sharer: `setDesktopSharedRect`
   * changed the shared part of the desktop to this rectangle.
   */
  sharedRectChanged: EventRect;
  /** 324 `OnFocusReleased(long iDirection)`. Viewer: the viewer control gave up the keyboard focus that way. */
  focusReleased: { readonly direction: number };
  /**
   * 325 `OnSharedDesktopSettingsChanged(long width, long height, long colordepth)`. Viewer: the shared desktop's
   * size or color depth (bits per pixel) changed.
   */
  sharedDesktopSettingsChanged: { readonly width: number; readonly height: number; readonly colorDepth: number };
  /**
   * 338 `OnControlLevelChangeResponse(IDispatch* pAttendee, CTRL_LEVEL RequestedLevel, long ReasonCode)`. Viewer:
   * the sharer answered a control request with `sendControlLevelChangeResponse`.
   */
  controlLevelChangeResponse: {
    readonly attendee: T['attendee'];
    readonly requestedLevel: ControlLevel;
    readonly reasonCode: number;
  };
  /**
   * 340 `OnViewingSizeChanged(long left, long top, long right, long bottom)`. Viewer: the part of the shared
   * desktop the viewer shows changed.
   */
  viewingSizeChanged: EventRect;
}

/** The name of an event, e.g. `'controlLevelChangeRequest'` (its observable is `controlLevelChangeRequest$`). */
export type SessionEventName = keyof SessionEventMap;

/** Every event name, in DISPID order; the hub builds one observable per entry. */
export const SESSION_EVENT_NAMES = [
  'attendeeConnected',
  'attendeeDisconnected',
  'attendeeUpdate',
  'error',
  'connectionEstablished',
  'connectionTerminated',
  'connectionAuthenticated',
  'connectionFailed',
  'controlLevelChangeRequest',
  'graphicsStreamPaused',
  'graphicsStreamResumed',
  'channelDataReceived',
  'channelDataSent',
  'applicationOpen',
  'applicationClose',
  'applicationUpdate',
  'windowOpen',
  'windowClose',
  'windowUpdate',
  'appFilterUpdate',
  'sharedRectChanged',
  'focusReleased',
  'sharedDesktopSettingsChanged',
  'controlLevelChangeResponse',
  'viewingSizeChanged',
] as const satisfies readonly SessionEventName[];
