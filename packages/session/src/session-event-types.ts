import type { Application } from './application.js';
import type { Attendee, AttendeeDisconnectInfo } from './attendee.js';
import type { VirtualChannel } from './virtual-channel.js';
import type { Window } from './window.js';

/** The object types the session's events carry. */
export interface RdpSessionEventTypes {
  attendee: Attendee;
  disconnectInfo: AttendeeDisconnectInfo;
  application: Application;
  window: Window;
  channel: VirtualChannel;
}
