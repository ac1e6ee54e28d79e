export { type ControlDecision, type ControllableAttendee, denyRequest, grantRequest } from './control-decision.js';
export {
  askedLevel,
  ControlLevel,
  type ControlLevelValue,
  type GrantableControlLevel,
  isGrantableControlLevel,
} from './control-level.js';
export {
  type ControlLevelChangeRequest,
  type EventRect,
  type NoPayload,
  SESSION_EVENT_NAMES,
  type SessionEventMap,
  type SessionEventName,
} from './event-catalogue.js';
export { EventHub, type SessionEvents } from './event-hub.js';
export type {
  ApplicationLike,
  AttendeeDisconnectInfoLike,
  AttendeeLike,
  BindSessionEventTypes,
  InvitationLike,
  SessionEventTypeBindings,
  SessionEventTypes,
  VirtualChannelLike,
  WindowLike,
} from './event-object-types.js';
export { applyDecisions, type ControlResponse } from './operators/apply-decisions.js';
export { autoDenyAfter } from './operators/auto-deny-after.js';
export { capRequestedLevel } from './operators/cap-requested-level.js';
export { denyRequestsWhere } from './operators/deny-requests-where.js';
export { grantAsRequested } from './operators/grant-as-requested.js';
export { type GroupedAttendee, grantToGroup } from './operators/grant-to-group.js';
export { singleInteractive } from './operators/single-interactive.js';
