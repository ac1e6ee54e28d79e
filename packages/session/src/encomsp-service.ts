import {
  ENCOMSP_CHANNEL_NAME,
  ENCOMSP_MAX_STRING_LENGTH,
  type EncomspPdu,
  ErrorInfo,
  ParticipantFlags,
  ProtocolError,
} from '@rdshare/protocol';
import type { Attendee } from './attendee.js';
import type { AttendeeService, AttendeeServiceHooks, AttendeeServiceLink } from './attendee-service.js';
import { CTRL_LEVEL, RDPENCOMAPI_CONSTANTS } from './constants.js';
import { type HeldControlLevel, participantFlagsFor, requestedLevelOf } from './control-level-flags.js';
import { disconnectCauseOf } from './disconnect-code.js';
import { type EncomspChannel, EncomspEndpoint, readsWindows10Pdus } from './encomsp-endpoint.js';
import type { Logger } from './logger.js';

/** One attendee as MS-RDPEMC describes it to the viewers. */
export interface ParticipantRecord {
  /** Attendee id, also the ParticipantId. */
  id: number;
  /** Invitation group; each group name gets its own GroupId. */
  groupName: string;
  friendlyName: string;
  level: CTRL_LEVEL;
}

interface Member {
  record: ParticipantRecord;
  endpoint: EncomspEndpoint;
}

/** GroupId of the host participant, which belongs to no invitation group. */
const HOST_GROUP_ID = 0;

const friendly = (name: string) => name.slice(0, ENCOMSP_MAX_STRING_LENGTH);

/**
 * The sharing manager's side of MS-RDPEMC for the whole session: who participates, at which level, and what
 * each viewer is told. Every viewer learns of every participant, the sharer included (participant 0, the host,
 * may view and interact), through OD_PARTICIPANT_CREATED when it joins, again whenever a level changes, and
 * OD_PARTICIPANT_REMOVED when one leaves; the PDU about a viewer itself carries IS_PARTICIPANT.
 *
 * Other features announce through it: `send` to one attendee, `broadcast` to all, and `onJoin` to greet a new
 * viewer after it learned who is here (MS-RDPEMC 3.1.5.3's order: participants, then filter state and lists).
 */
export class EncomspService implements AttendeeService {
  private readonly members = new Map<number, Member>();
  private readonly groupIds = new Map<string, number>();
  private readonly joinListeners = new Set<(attendeeId: number) => void>();
  private readonly windowShowListeners = new Set<(attendeeId: number, windowId: number) => void>();
  private paused = false;

  /** The static channel the service serves. */
  readonly channels: readonly string[] = [ENCOMSP_CHANNEL_NAME];

  constructor(
    /** The sharer's name as viewers see it. */
    private readonly hostName: string,
    private readonly logger: Logger,
    /** A viewer asked for a control level (OnControlLevelChangeRequest). */
    private readonly onRequest: (attendee: Attendee, requestedLevel: HeldControlLevel) => void,
  ) {}

  /** Makes an admitted attendee a participant, for as long as its connection lasts. */
  attach(attendee: Attendee, link: AttendeeServiceLink): AttendeeServiceHooks {
    const endpoint = this.join(
      {
        id: attendee.id,
        groupName: attendee.invitation.groupName,
        friendlyName: attendee.remoteName,
        level: attendee.controlLevel,
      },
      {
        joined: link.hasChannel(ENCOMSP_CHANNEL_NAME),
        send: (message) => link.sendChannelData(ENCOMSP_CHANNEL_NAME, message),
      },
      readsWindows10Pdus(link.client),
      (flags) => this.onRequest(attendee, requestedLevelOf(flags)),
    );
    return {
      onChannelData: (_, data) => {
        try {
          endpoint.receive(data);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          this.logger.warn('malformed MS-RDPEMC message', { attendee: attendee.id, error: error.message });
          link.disconnect(ErrorInfo.VCHANNEL_DATA_TOO_SHORT, `malformed MS-RDPEMC message: ${error.message}`, error);
        }
      },
      onControlLevelChanged: (level) => this.changeLevel(attendee.id, level),
      onDetached: (end) => {
        const { reason, code } = disconnectCauseOf(end);
        this.leave(attendee.id, reason, code);
      },
    };
  }

  /**
   * Admits a viewer: tells it about itself, the host and everyone else, and tells everyone else about it.
   * `onControlChange` receives the flags of its OD_PARTICIPANT_CTRL_CHANGE requests.
   */
  join(
    record: ParticipantRecord,
    channel: EncomspChannel,
    readsWindows10Pdus: boolean,
    onControlChange: (flags: number) => void,
  ): EncomspEndpoint {
    const id = record.id;
    const endpoint = new EncomspEndpoint(
      channel,
      readsWindows10Pdus,
      {
        controlChange: onControlChange,
        windowShow: (windowId) => {
          for (const l of this.windowShowListeners) l(id, windowId);
        },
      },
      this.logger,
    );
    const member = { record: { ...record }, endpoint };
    this.members.set(id, member);
    const greeting: EncomspPdu[] = [this.created(member.record, true), this.hostCreated()];
    for (const other of this.members.values()) if (other !== member) greeting.push(this.created(other.record, false));
    if (this.paused) greeting.push({ type: 'graphicsStreamPaused' });
    endpoint.send(greeting);
    this.broadcast([this.created(member.record, false)], id);
    for (const l of this.joinListeners) l(id);
    return endpoint;
  }

  /** Announces an attendee's new control level: to itself with IS_PARTICIPANT, to the others without. */
  changeLevel(attendeeId: number, level: CTRL_LEVEL): void {
    const member = this.members.get(attendeeId);
    if (!member) return;
    member.record.level = level;
    member.endpoint.send([this.created(member.record, true)]);
    this.broadcast([this.created(member.record, false)], attendeeId);
  }

  /** Tells the remaining viewers that an attendee left, why (ATTENDEE_DISCONNECT_REASON) and with what code. */
  leave(attendeeId: number, discType: number, discCode: number): void {
    if (!this.members.delete(attendeeId)) return;
    this.broadcast([{ type: 'participantRemoved', participantId: attendeeId, discType, discCode: discCode >>> 0 }]);
  }

  /** Pause or resume: every viewer, and every viewer that joins while paused, is told. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.broadcast([{ type: paused ? 'graphicsStreamPaused' : 'graphicsStreamResumed' }]);
  }

  /** Sends PDUs to one attendee (those it reads); returns how many went out, 0 when it is not here. */
  send(attendeeId: number, pdus: readonly EncomspPdu[]): number {
    return this.members.get(attendeeId)?.endpoint.send(pdus) ?? 0;
  }

  /** Sends PDUs to every attendee but `exceptId`. */
  broadcast(pdus: readonly EncomspPdu[], exceptId?: number): void {
    for (const [id, member] of this.members) if (id !== exceptId) member.endpoint.send(pdus);
  }

  /** Calls `listener` after each viewer was told who participates; returns an unsubscribe function. */
  onJoin(listener: (attendeeId: number) => void): () => void {
    this.joinListeners.add(listener);
    return () => this.joinListeners.delete(listener);
  }

  /** Calls `listener` on each OD_WND_SHOW request; returns an unsubscribe function. */
  onWindowShow(listener: (attendeeId: number, windowId: number) => void): () => void {
    this.windowShowListeners.add(listener);
    return () => this.windowShowListeners.delete(listener);
  }

  private groupId(groupName: string): number {
    let id = this.groupIds.get(groupName);
    if (id === undefined) {
      id = this.groupIds.size + 1;
      this.groupIds.set(groupName, id);
    }
    return id;
  }

  private created(record: ParticipantRecord, self: boolean): EncomspPdu {
    return {
      type: 'participantCreated',
      participantId: record.id,
      groupId: this.groupId(record.groupName),
      flags: participantFlagsFor(record.level) | (self ? ParticipantFlags.IS_PARTICIPANT : 0),
      friendlyName: friendly(record.friendlyName),
    };
  }

  private hostCreated(): EncomspPdu {
    return {
      type: 'participantCreated',
      participantId: RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_HOST,
      groupId: HOST_GROUP_ID,
      flags: participantFlagsFor(CTRL_LEVEL.INTERACTIVE),
      friendlyName: friendly(this.hostName),
    };
  }
}
