import type { ActivatedClient } from '@rdshare/protocol';
import type { Attendee } from './attendee.js';
import type { ConnectionEnd } from './attendee-connection.js';
import type { CTRL_LEVEL } from './constants.js';

/** What a service can do with the attendee it is attached to. */
export interface AttendeeServiceLink {
  /** The client as activated: its capabilities, joined channels, colour depth. */
  readonly client: ActivatedClient;
  /** Sends one message on a static virtual channel the client joined. */
  sendChannelData(channel: string, data: Uint8Array): void;
  /** Whether the client joined the static virtual channel called `channel`. */
  hasChannel(channel: string): boolean;
  /** Bytes waiting to leave for this attendee: a service sending bulk data holds back (latest wins) while high. */
  backlog(): number;
  /** Calls `listener` when the attendee's transport drained; returns an unsubscribe function. */
  onDrain(listener: () => void): () => void;
  /**
   * Ends the attendee's connection, telling the viewer why (Set Error Info `errorInfo`); pass the `error` when the
   * viewer's own input caused it, so the attendee leaves with ATTENDEE_DISCONNECT_REASON.ERR.
   */
  disconnect(errorInfo: number, reason: string, error?: Error): void;
}

/** A service's per-attendee hooks, alive from admission until the attendee leaves. */
export interface AttendeeServiceHooks {
  /** A reassembled message on one of the service's channels. */
  onChannelData?(channel: string, data: Uint8Array): void;
  /** The attendee's control level changed (by the app or a granted request). */
  onControlLevelChanged?(level: CTRL_LEVEL): void;
  /** The connection was reactivated (desktop resize): same attendee, new client state. */
  onReactivated?(client: ActivatedClient): void;
  /** The attendee left; the link is dead from here on. */
  onDetached?(end: ConnectionEnd): void;
}

/**
 * Something every attendee gets, such as the MS-RDPEMC `encomsp` channel or the app's virtual channels: the
 * session attaches each registered service to each admitted attendee and routes the messages of the static
 * channels the service names to its hooks (messages on channels no service names are dropped).
 */
export interface AttendeeService {
  /** Static virtual channel names the service serves; read when each connection starts. */
  readonly channels: readonly string[];
  attach(attendee: Attendee, link: AttendeeServiceLink): AttendeeServiceHooks;
}
