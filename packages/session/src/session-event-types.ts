import type { Attendee, AttendeeDisconnectInfo } from './attendee.js';
import type { VirtualChannel } from './virtual-channel.js';

/** The object types the session's events carry. */
export interface RdpSessionEventTypes {
  attendee: Attendee;
  disconnectInfo: AttendeeDisconnectInfo;
  application: unknown;
  window: unknown;
  channel: VirtualChannel;
}
