/**
 * The `_IRDPSessionEvents` dispinterface (DIID 98a97042-6698-40e9-8efd-b3200990004b) as a typed catalogue:
 * one entry per event, keyed by the observable's name without the `$`. The object types (attendee, window, ...)
 * are parameters so this package does not depend on the session or viewer that publish them.
 */
export interface SessionEventTypes {
  attendee: unknown;
  disconnectInfo: unknown;
  application: unknown;
  window: unknown;
  channel: unknown;
}

/** CTRL_LEVEL values as they travel in events (the enum itself lives with the session and viewer APIs). */
export type ControlLevelValue = number;

export interface SessionEventMap<T extends SessionEventTypes = SessionEventTypes> {
  /** OnAttendeeConnected (301). */
  attendeeConnected: { attendee: T['attendee'] };
  /** OnAttendeeDisconnected (302). */
  attendeeDisconnected: { info: T['disconnectInfo'] };
  /** OnAttendeeUpdate (303): a property such as the control level changed. */
  attendeeUpdate: { attendee: T['attendee'] };
  /** OnError (304). */
  error: { error: Error; attendee?: T['attendee'] };
  /** OnConnectionEstablished (305), viewer. */
  connectionEstablished: Record<string, never>;
  /** OnConnectionTerminated (306), viewer. */
  connectionTerminated: { reason: number; extendedInfo: number };
  /** OnConnectionAuthenticated (307), viewer. */
  connectionAuthenticated: Record<string, never>;
  /** OnConnectionFailed (308), viewer. */
  connectionFailed: { error?: Error };
  /** OnControlLevelChangeRequest (309), sharer. */
  controlLevelChangeRequest: { attendee: T['attendee']; requestedLevel: ControlLevelValue };
  /** OnGraphicsStreamPaused (310). */
  graphicsStreamPaused: Record<string, never>;
  /** OnGraphicsStreamResumed (311). */
  graphicsStreamResumed: Record<string, never>;
  /** OnChannelDataReceived (314). */
  channelDataReceived: { channel: T['channel']; attendeeId: number; data: Uint8Array };
  /** OnChannelDataSent (315). */
  channelDataSent: { channel: T['channel']; attendeeId: number; bytesSent: number };
  /** OnApplicationOpen (316). */
  applicationOpen: { application: T['application'] };
  /** OnApplicationClose (317). */
  applicationClose: { application: T['application'] };
  /** OnApplicationUpdate (318). */
  applicationUpdate: { application: T['application'] };
  /** OnWindowOpen (319). */
  windowOpen: { window: T['window'] };
  /** OnWindowClose (320). */
  windowClose: { window: T['window'] };
  /** OnWindowUpdate (321). */
  windowUpdate: { window: T['window'] };
  /** OnAppFilterUpdate (322). */
  appFilterUpdate: Record<string, never>;
  /** OnSharedRectChanged (323). */
  sharedRectChanged: { left: number; top: number; right: number; bottom: number };
  /** OnFocusReleased (324). */
  focusReleased: { direction: number };
  /** OnSharedDesktopSettingsChanged (325), viewer. */
  sharedDesktopSettingsChanged: { width: number; height: number; colorDepth: number };
  /** OnControlLevelChangeResponse (338), viewer. */
  controlLevelChangeResponse: { attendee: T['attendee']; requestedLevel: ControlLevelValue; reasonCode: number };
  /** OnViewingSizeChanged (340), viewer. */
  viewingSizeChanged: { left: number; top: number; right: number; bottom: number };
}

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
