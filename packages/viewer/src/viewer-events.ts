import type { BindSessionEventTypes } from '@rdshare/rx';
import type { ViewerAttendee } from './viewer-collaboration.js';
import type { ViewerVirtualChannel } from './virtual-channel-manager.js';

/** The object types the viewer's `_IRDPSessionEvents` carry. */
export type ViewerEventTypes = BindSessionEventTypes<{
  attendee: ViewerAttendee;
  channel: ViewerVirtualChannel;
}>;
