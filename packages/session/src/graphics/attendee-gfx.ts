import { type ActivatedClient, DRDYNVC_CHANNEL_NAME, ErrorInfo, ProtocolError } from '@rdshare/protocol';
import type { AttendeeConnection } from '../attendee-connection.js';
import type { Logger } from '../logger.js';
import { GfxStream } from './gfx-stream.js';
import type { GraphicsViewer } from './graphics-fanout.js';

/** An attendee's graphics pipeline, as attendee wiring sees it. */
export interface AttendeeGfx {
  /** Routes one `drdynvc` message; malformed input ends the connection. */
  receive(data: Uint8Array): void;
  /** The connection was reactivated with a new desktop size. */
  resize(client: ActivatedClient): void;
  close(): void;
}

/**
 * Offers the graphics pipeline to an attendee whose client joined `drdynvc`; once the client confirms it, the
 * attendee's tiles go through it instead of bitmap updates. Clients without `drdynvc` get undefined and keep
 * bitmap updates.
 */
export function attachAttendeeGfx(
  logger: Logger,
  attendeeId: number,
  connection: AttendeeConnection,
  viewer: GraphicsViewer,
  client: ActivatedClient,
): AttendeeGfx | undefined {
  if (!connection.hasChannel(DRDYNVC_CHANNEL_NAME)) return undefined;
  const stream = new GfxStream(
    connection,
    { width: client.width, height: client.height },
    {
      onReady: (sink) => {
        logger.info('graphics pipeline ready', { attendee: attendeeId });
        viewer.useSink(sink, 'gfx-planar-32');
      },
      onUnavailable: (reason) => logger.info('graphics pipeline unavailable', { attendee: attendeeId, reason }),
    },
  );
  return {
    receive: (data) => {
      try {
        stream.receive(data);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        logger.warn('malformed graphics pipeline message', { attendee: attendeeId, error: error.message });
        connection.disconnect(ErrorInfo.VCHANNEL_DATA_TOO_SHORT, `malformed drdynvc message: ${error.message}`, error);
      }
    },
    resize: (reactivated) => stream.resize({ width: reactivated.width, height: reactivated.height }),
    close: () => stream.close(),
  };
}
