import {
  type ActivatedClient,
  ClientEarlyCapability,
  DRDYNVC_CHANNEL_NAME,
  ErrorInfo,
  ProtocolError,
} from '@rdshare/protocol';
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
 * Offers the graphics pipeline to an attendee whose client joined `drdynvc`, said in its core data that it speaks
 * the pipeline (RNS_UD_CS_SUPPORT_DYNVC_GFX_PROTOCOL) and runs a 32 bpp session (the pipeline's surfaces are
 * 32 bpp: a client at a lower depth, e.g. xfreerdp `/gfx /bpp:8`, joins drdynvc for other channels and must keep
 * its bitmap updates); once the client confirms it, the attendee's tiles go through it instead of bitmap
 * updates. Other clients get undefined and keep bitmap updates.
 */
export function attachAttendeeGfx(
  logger: Logger,
  attendeeId: number,
  connection: AttendeeConnection,
  viewer: GraphicsViewer,
  client: ActivatedClient,
): AttendeeGfx | undefined {
  const speaksGfx =
    ((client.clientData.core.earlyCapabilityFlags ?? 0) & ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL) !== 0;
  if (!connection.hasChannel(DRDYNVC_CHANNEL_NAME) || !speaksGfx || client.colorDepth !== 32) return undefined;
  const stream = new GfxStream(
    connection,
    { width: client.width, height: client.height },
    {
      onReady: (ready) => {
        const format = ready.avcFormat;
        logger.info('graphics pipeline ready', { attendee: attendeeId, avc: format ?? 'none' });
        viewer.useSink(ready, 'gfx-planar-32', format && { sink: ready, format });
      },
      onUnavailable: (reason) => logger.info('graphics pipeline unavailable', { attendee: attendeeId, reason }),
      // MS-RDPEDYC lets a client close any channel: the attendee stays, and gets the desktop as bitmap updates.
      onClosed: () => {
        logger.info('graphics pipeline closed by the client', { attendee: attendeeId, fallback: 'bitmap updates' });
        viewer.useBitmapUpdates();
      },
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
