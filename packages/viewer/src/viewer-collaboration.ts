import {
  AppFlags,
  ControlChangeFlags,
  type EncomspPdu,
  FilterStateFlags,
  ParticipantFlags,
  WindowFlags,
} from '@rdshare/protocol';
import {
  type ApplicationLike,
  type AttendeeDisconnectInfoLike,
  type AttendeeLike,
  ControlLevel,
  type EventHub,
  type GrantableControlLevel,
  type WindowLike,
} from '@rdshare/rx';
import type { ViewerEventTypes } from './viewer-events.js';

/** IRDPSRAPIAttendee as a viewer sees it: a participant the sharer announced over MS-RDPEMC. */
export interface ViewerAttendee extends AttendeeLike {
  /** Set on the participant that is this viewer (IS_PARTICIPANT). */
  readonly isSelf: boolean;
  /** The MS-RDPEMC GroupId. */
  readonly groupId: number;
}

/** The application filter as the sharer announced it (OD_FILTER_STATE_UPDATED, OD_APP_*, OD_WND_*). */
export interface ViewerApplicationFilter {
  readonly enabled: boolean;
  readonly applications: ReadonlyMap<number, ApplicationLike>;
  readonly windows: ReadonlyMap<number, WindowLike>;
}

/** Most participants, applications and windows kept: a sharer cannot make the viewer grow without bound. */
const MAX_ENTRIES = 1024;
/** ATTENDEE_DISCONNECT_REASON_CLI: the attendee left. */
const ATTENDEE_LEFT = 2;
/** The sharer announces no invitation group to viewers. */
const NO_GROUP = { groupName: '' } as const;

function levelOf(flags: number): GrantableControlLevel {
  if (flags & ParticipantFlags.MAY_INTERACT) return ControlLevel.INTERACTIVE;
  if (flags & ParticipantFlags.MAY_VIEW) return ControlLevel.VIEW;
  return ControlLevel.NONE;
}

/** OD_PARTICIPANT_CTRL_CHANGE flags asking for `level` (REQCTRL_* ask for the same as VIEW / INTERACTIVE). */
export function controlChangeFlags(level: ControlLevel): number {
  switch (level) {
    case ControlLevel.VIEW:
    case ControlLevel.REQCTRL_VIEW:
      return ControlChangeFlags.REQUEST_VIEW;
    case ControlLevel.INTERACTIVE:
    case ControlLevel.REQCTRL_INTERACTIVE:
      return ControlChangeFlags.REQUEST_VIEW | ControlChangeFlags.REQUEST_INTERACT;
    default:
      return 0;
  }
}

/**
 * The collaboration state a viewer learns over the `encomsp` channel (MS-RDPEMC): the participants with their
 * control levels, the application filter and the graphics stream state, published as `_IRDPSessionEvents`.
 */
export class ViewerCollaboration {
  private readonly participants = new Map<number, ViewerAttendee>();
  private readonly applications = new Map<number, ApplicationLike>();
  private readonly windows = new Map<number, WindowLike>();
  private filterEnabled = false;
  private selfId?: number;
  private lastRequested: ControlLevel = ControlLevel.NONE;
  /** After {@link rejoin}: participants known before it that the sharer has not announced again yet. */
  private carried?: Set<number>;

  constructor(private readonly hub: EventHub<ViewerEventTypes>) {}

  get attendees(): ReadonlyMap<number, ViewerAttendee> {
    return this.participants;
  }

  /** This viewer as the sharer sees it, once announced. */
  get self(): ViewerAttendee | undefined {
    return this.selfId === undefined ? undefined : this.participants.get(this.selfId);
  }

  get applicationFilter(): ViewerApplicationFilter {
    return { enabled: this.filterEnabled, applications: this.applications, windows: this.windows };
  }

  /** The participant id to put in OD_PARTICIPANT_CTRL_CHANGE: ours once known, else 0 as FreeRDP sends. */
  requestFor(level: ControlLevel): EncomspPdu {
    this.lastRequested = level;
    return { type: 'participantCtrlChange', flags: controlChangeFlags(level), participantId: this.selfId ?? 0 };
  }

  /**
   * The viewer leaves its connection to join again (a colour depth change): the sharer sees this attendee leave,
   * so its entry goes (`attendeeDisconnected$`), and the new connection announces it under a new id. The others
   * stay until the sharer's greeting on the new connection shows who is still there (see {@link receiveAll}).
   */
  rejoin(): void {
    const self = this.self;
    this.selfId = undefined;
    if (self) this.remove(self.id, ATTENDEE_LEFT);
    this.carried = new Set(this.participants.keys());
  }

  /** The connection ended for good: nobody is known any more (no events: the session itself ended). */
  clear(): void {
    this.participants.clear();
    this.applications.clear();
    this.windows.clear();
    this.filterEnabled = false;
    this.selfId = undefined;
    this.carried = undefined;
  }

  /**
   * Applies one `encomsp` message. After {@link rejoin}, the message that announces this viewer again is the
   * sharer's greeting to a joining participant (it, then every other participant, in OD_PARTICIPANT_CREATED PDUs):
   * those known from before that it leaves out have gone meanwhile and are removed.
   */
  receiveAll(pdus: readonly EncomspPdu[]): void {
    for (const pdu of pdus) this.receive(pdu);
    const carried = this.carried;
    if (!carried || this.selfId === undefined) return;
    this.carried = undefined;
    for (const id of carried) this.remove(id, ATTENDEE_LEFT);
  }

  /** Applies one MS-RDPEMC PDU from the sharer. */
  receive(pdu: EncomspPdu): void {
    switch (pdu.type) {
      case 'participantCreated':
        this.participantCreated(pdu);
        return;
      case 'participantRemoved':
        this.remove(pdu.participantId, pdu.discType, pdu.discCode);
        return;
      case 'participantCtrlChangeResponse': {
        const attendee = this.self ?? this.participants.get(pdu.participantId);
        if (!attendee) return;
        this.hub.publish('controlLevelChangeResponse', {
          attendee,
          requestedLevel: this.lastRequested,
          reasonCode: pdu.reasonCode,
        });
        return;
      }
      case 'graphicsStreamPaused':
        this.hub.publish('graphicsStreamPaused', {});
        return;
      case 'graphicsStreamResumed':
        this.hub.publish('graphicsStreamResumed', {});
        return;
      case 'filterStateUpdated':
        // The sharer is about to resend its lists (MS-RDPEMC 3.2.5.1.3).
        this.filterEnabled = (pdu.flags & FilterStateFlags.FILTER_ENABLED) !== 0;
        this.applications.clear();
        this.windows.clear();
        this.hub.publish('appFilterUpdate', {});
        return;
      case 'appCreated': {
        const known = this.applications.has(pdu.appId);
        if (!known && this.applications.size >= MAX_ENTRIES) return;
        const application: ApplicationLike = {
          id: pdu.appId,
          name: pdu.name,
          shared: (pdu.flags & AppFlags.APPLICATION_SHARED) !== 0,
          flags: 0,
        };
        this.applications.set(pdu.appId, application);
        this.hub.publish(known ? 'applicationUpdate' : 'applicationOpen', { application });
        return;
      }
      case 'appRemoved': {
        const application = this.applications.get(pdu.appId);
        if (!application) return;
        this.applications.delete(pdu.appId);
        for (const [id, window] of this.windows) {
          if (window.application === application) this.removeWindow(id, window);
        }
        this.hub.publish('applicationClose', { application });
        return;
      }
      case 'windowCreated': {
        const application = this.applications.get(pdu.appId);
        const known = this.windows.has(pdu.windowId);
        if (!application || (!known && this.windows.size >= MAX_ENTRIES)) return;
        const window: WindowLike = {
          id: pdu.windowId,
          name: pdu.name,
          application,
          shared: (pdu.flags & WindowFlags.WINDOW_SHARED) !== 0,
          flags: 0,
        };
        this.windows.set(pdu.windowId, window);
        this.hub.publish(known ? 'windowUpdate' : 'windowOpen', { window });
        return;
      }
      case 'windowRemoved': {
        const window = this.windows.get(pdu.windowId);
        if (window) this.removeWindow(pdu.windowId, window);
        return;
      }
      default:
        return;
    }
  }

  private remove(id: number, reason: number, code = 0): void {
    const attendee = this.participants.get(id);
    if (!attendee) return;
    this.participants.delete(id);
    this.carried?.delete(id);
    const info: AttendeeDisconnectInfoLike<ViewerAttendee> = { attendee, reason, code };
    this.hub.publish('attendeeDisconnected', { info });
  }

  private removeWindow(id: number, window: WindowLike): void {
    this.windows.delete(id);
    this.hub.publish('windowClose', { window });
  }

  private participantCreated(pdu: Extract<EncomspPdu, { type: 'participantCreated' }>): void {
    const existing = this.participants.get(pdu.participantId);
    if (!existing && this.participants.size >= MAX_ENTRIES) return;
    this.carried?.delete(pdu.participantId);
    const isSelf = (pdu.flags & ParticipantFlags.IS_PARTICIPANT) !== 0 || existing?.isSelf === true;
    if (isSelf) this.selfId = pdu.participantId;
    const attendee: ViewerAttendee = {
      id: pdu.participantId,
      remoteName: pdu.friendlyName,
      controlLevel: levelOf(pdu.flags),
      invitation: NO_GROUP,
      isSelf,
      groupId: pdu.groupId,
    };
    this.participants.set(pdu.participantId, attendee);
    this.hub.publish(existing ? 'attendeeUpdate' : 'attendeeConnected', { attendee });
  }
}
