import type { GrantableControlLevel } from './control-level.js';

/** IRDPSRAPIInvitation, as far as events and policies read it. */
export interface InvitationLike {
  /** get_GroupName: the group the invitation was created for (unique per session). */
  readonly groupName: string;
}

/** IRDPSRAPIAttendee: what any attendee object offers, on the sharer and on the viewer. */
export interface AttendeeLike {
  /** get_Id: unique in the session; also the MS-RDPEMC ParticipantId. */
  readonly id: number;
  /** get_RemoteName: the name the viewer gave when it connected. */
  readonly remoteName: string;
  /** get_ControlLevel / put_ControlLevel. */
  controlLevel: GrantableControlLevel;
  /** get_Invitation: the invitation the attendee joined with. */
  readonly invitation: InvitationLike;
}

/** IRDPSRAPIAttendeeDisconnectInfo: who left, and why. */
export interface AttendeeDisconnectInfoLike<A = AttendeeLike> {
  /** get_Attendee. */
  readonly attendee: A;
  /** get_Reason: ATTENDEE_DISCONNECT_REASON, APP (0) = the app disconnected it, ERR (1), CLI (2) = it left. */
  readonly reason: number;
  /** get_Code: the status code of the disconnect, 0 when orderly. */
  readonly code: number;
}

/** IRDPSRAPIApplication: an application on the shared desktop, as the application filter lists it. */
export interface ApplicationLike {
  /** get_Id. */
  readonly id: number;
  /** get_Name. */
  readonly name: string;
  /** get_Shared / put_Shared: sharing an application shares all its windows. */
  shared: boolean;
  /** get_Flags: RDPSRAPI_APP_FLAGS (APP_FLAG_PRIVILEGED = 1). */
  readonly flags: number;
}

/** IRDPSRAPIWindow: a top-level window on the shared desktop. */
export interface WindowLike<App = ApplicationLike> {
  /** get_Id. */
  readonly id: number;
  /** get_Name: the window title. */
  readonly name: string;
  /** get_Application: the application that owns the window. */
  readonly application: App;
  /** get_Shared / put_Shared. */
  shared: boolean;
  /** get_Flags: RDPSRAPI_WND_FLAGS (WND_FLAG_PRIVILEGED = 1). */
  readonly flags: number;
}

/** IRDPSRAPIVirtualChannel: an app-defined channel created with `createVirtualChannel`. */
export interface VirtualChannelLike {
  /** get_Name: the channel name (at most 7 characters, CONST_MAX_CHANNEL_NAME_LEN counts the NUL). */
  readonly name: string;
  /** get_Flags: CHANNEL_FLAGS (LEGACY = 1, UNCOMPRESSED = 2, DYNAMIC = 4). */
  readonly flags: number;
  /** get_Priority: CHANNEL_PRIORITY (LO = 0, MED = 1, HI = 2). */
  readonly priority: number;
}

/**
 * The object types the events carry. A publisher binds them to its own classes (the session's `Attendee`, the
 * viewer's, ...) so this package depends on neither; an unbound catalogue uses these structural defaults, which
 * name what the COM interfaces offer.
 */
export interface SessionEventTypes {
  attendee: AttendeeLike;
  disconnectInfo: AttendeeDisconnectInfoLike;
  application: ApplicationLike;
  window: WindowLike;
  channel: VirtualChannelLike;
}

/**
 * What a type argument of the catalogue must provide: one type per object kind. The catalogue never reads these
 * objects, so it asks nothing more of them; operators that read a member say so in their own constraints
 * (`grantToGroup` needs `attendee.invitation.groupName`, `applyDecisions` a writable `attendee.controlLevel`).
 */
export type SessionEventTypeBindings = { [K in keyof SessionEventTypes]: unknown };

/**
 * Binds some object types and keeps the structural defaults for the rest, so no payload is left `unknown`.
 *
 * @example
 * ```ts
 * import type { BindSessionEventTypes, SessionEvents } from '@rdshare/rx';
 * type RdpSessionEventTypes = BindSessionEventTypes<{
 *   attendee: Attendee;
 *   disconnectInfo: AttendeeDisconnectInfo;
 *   application: Application;
 *   window: Window;
 *   channel: VirtualChannel;
 * }>;
 * declare const events: SessionEvents<RdpSessionEventTypes>;
 * events.channelDataReceived$.subscribe(({ channel, data }) => console.log(channel.name, data.length));
 * ```
 */
export type BindSessionEventTypes<B extends Partial<SessionEventTypeBindings>> = {
  [K in keyof SessionEventTypes]: K extends keyof B ? B[K] : SessionEventTypes[K];
};
