import type { CryptoProvider } from '@rdshare/protocol';
import type { EventHub } from '@rdshare/rx';
import type { ApplicationFilter } from './application-filter.js';
import type { AttendeeManager } from './attendee-manager.js';
import type { AttendeeService } from './attendee-service.js';
import type { SharedRect } from './graphics/shared-rect.js';
import type { Logger } from './logger.js';
import type { RdpSessionEventTypes } from './session-event-types.js';
import type { SessionProperties } from './session-properties.js';
import type { TrafficCounter } from './traffic-statistics.js';

/** What the open session and its attendees share with the `RdpSession` that made them. */
export interface SessionContext {
  readonly display: string;
  readonly properties: SessionProperties;
  readonly logger: Logger;
  readonly hub: EventHub<RdpSessionEventTypes>;
  readonly attendees: AttendeeManager;
  readonly crypto: CryptoProvider;
  /** Services attached to every admitted attendee. */
  readonly services: readonly AttendeeService[];
  /** The session's application filter; the open session feeds it the desktop's windows. */
  readonly applicationFilter: ApplicationFilter;
  /** The shared rectangle changed (set by the app, or the display was resized): raises `sharedRectChanged$`. */
  sharedRectChanged(rect: SharedRect): void;
  /** The session's ColorDepth now. */
  colorDepth(): number;
  /** False once `close()` began: closing raises no attendee events, as on Windows. */
  isOpen(): boolean;
  /** Logs a failure and raises `error$`. */
  report(error: unknown, what: string): void;
  /** Every connection's traffic since the session opened. */
  readonly traffic: TrafficCounter;
  /** The next attendee id (unique in the session). */
  nextAttendeeId(): number;
}
