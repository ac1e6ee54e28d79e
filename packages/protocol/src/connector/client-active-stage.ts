import { decodeSetErrorInfo } from '../connection/error-info.js';
import { encodeFrameAcknowledge } from '../connection/frame-acknowledge.js';
import { McsPduType } from '../connection/mcs.js';
import type { Rect } from '../connection/rect.js';
import { encodeRefreshRect } from '../connection/refresh-rect.js';
import { PduType, PduType2 } from '../connection/share-headers.js';
import { encodeShutdownRequest } from '../connection/shutdown.js';
import { encodeSuppressOutput } from '../connection/suppress-output.js';
import { ProtocolError } from '../core/errors.js';
import { MppcDecompressor } from '../data/bulk-compression.js';
import { encodeFastPathInputEvents, encodeFastPathInputPdu } from '../data/fastpath-input.js';
import { decodeFastPathOutputPdu, decodeFastPathUpdates, FastPathReassembler } from '../data/fastpath-output.js';
import type { InputEvent } from '../data/input-event.js';
import { type SurfaceCommand, SurfaceCommandType, SurfaceFrameAction } from '../data/surface-commands.js';
import { type Frame, FrameType } from '../transport/frame-reader.js';
import { CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE } from './client-capabilities.js';
import { answerDemandActive, type SharedDesktop } from './client-capability-exchange.js';
import { ClientFinalization } from './client-finalization.js';
import { type ClientAddress, encodeClientChannelFrame, encodeClientDataFrame } from './client-frames.js';
import type { ConnectorActivation } from './connection-sequence.js';
import { classifyServerIoPdu, decodeServerSlowPathFrame, unwrapServerIoPdu } from './server-pdus.js';
import {
  decodeFastPathServerUpdate,
  decodeSlowPathPointerUpdate,
  decodeSlowPathServerUpdate,
  type ServerUpdate,
} from './server-update.js';

/** Most input events in one fast-path PDU (numEvents is a byte when it does not fit the header's 4 bits). */
const MAX_EVENTS_PER_PDU = 255;

/** What the active stage reports while the session runs. */
export type ActiveStageEvent =
  | { type: 'update'; update: ServerUpdate }
  | { type: 'channel-data'; name: string; data: Uint8Array }
  /** Deactivate All: graphics stop until the reactivation completes. */
  | { type: 'deactivated' }
  /** A Deactivation-Reactivation finished: the desktop may have a new size or depth. */
  | { type: 'reactivated'; desktop: SharedDesktop }
  | { type: 'error-info'; errorInfo: number }
  /** The server ended the session (Disconnect Provider Ultimatum or X.224 Disconnect Request). */
  | { type: 'disconnected'; errorInfo?: number };

/** What one received frame produced: frames to send back (reactivation) and events, in order. */
export interface ActiveStageOutput {
  output: Uint8Array[];
  events: ActiveStageEvent[];
}

/**
 * The client's data phase: decodes what the server sends (fast-path and slow-path graphics, pointer updates,
 * channel messages, error info, reactivations) and encodes what the client sends (fast-path input, channel data,
 * refresh rect, suppress output, shutdown). Pure: the driver writes the frames it returns.
 */
export class ClientActiveStage {
  private desktopValue: SharedDesktop;
  private address: ClientAddress;
  private reactivating = false;
  private frameAcknowledge: boolean;
  private errorInfo?: number;
  private readonly reassembler = new FastPathReassembler(CLIENT_MULTIFRAGMENT_MAX_REQUEST_SIZE);
  /** The bulk compression history the Client Info offered (MPPC, 64 KB). */
  private readonly mppc = new MppcDecompressor();

  constructor(private readonly activation: ConnectorActivation) {
    this.desktopValue = activation.desktop;
    this.address = activation.address;
    this.frameAcknowledge = activation.frameAcknowledge;
  }

  get desktop(): SharedDesktop {
    return this.desktopValue;
  }

  /** Static channels the server joined, by name. */
  hasChannel(name: string): boolean {
    return this.activation.channels.hasChannel(name);
  }

  /** Handles one frame from the server; ProtocolError on a violation. */
  receive(frame: Frame): ActiveStageOutput {
    const out: ActiveStageOutput = { output: [], events: [] };
    if (frame.type === FrameType.FAST_PATH) this.receiveFastPath(frame.bytes, out);
    else if (frame.type === FrameType.SLOW_PATH) this.receiveSlowPath(frame.bytes, out);
    return out;
  }

  private receiveFastPath(bytes: Uint8Array, out: ActiveStageOutput): void {
    const { security } = this.activation;
    const pdu = decodeFastPathOutputPdu(bytes, { fips: security.fips });
    const payload = security.unprotectFastPath({
      flags: pdu.flags,
      ...(pdu.signature ? { signature: pdu.signature } : {}),
      ...(pdu.fipsInformation ? { fipsInformation: pdu.fipsInformation } : {}),
      payload: pdu.updates,
    });
    for (const sent of decodeFastPathUpdates(payload)) {
      // Each fragment on its own, before reassembly; copied out of the history the next packet overwrites.
      const fragment =
        sent.compressionFlags === undefined
          ? sent
          : { ...sent, data: this.mppc.decompress(sent.data, sent.compressionFlags).slice() };
      const update = this.reassembler.push(fragment);
      if (!update || this.reactivating) continue;
      const decoded = decodeFastPathServerUpdate(update.code, update.data);
      if (!decoded) continue;
      out.events.push({ type: 'update', update: decoded });
      if (decoded.kind === 'surface-commands' && this.frameAcknowledge) this.acknowledgeFrames(decoded.commands, out);
    }
  }

  /**
   * TS_FRAME_ACKNOWLEDGE_PDU for each frame a Frame Marker ends ([MS-RDPRFX] 2.2.3.1): the frame's surface bits
   * precede its END marker in the events, which the driver hands out before it writes this output.
   */
  private acknowledgeFrames(commands: readonly SurfaceCommand[], out: ActiveStageOutput): void {
    for (const c of commands) {
      if (
        c.cmdType === SurfaceCommandType.FRAME_MARKER &&
        c.frameAction === SurfaceFrameAction.SURFACECMD_FRAMEACTION_END
      )
        out.output.push(this.dataFrame(PduType2.FRAME_ACKNOWLEDGE, encodeFrameAcknowledge(c.frameId)));
    }
  }

  private receiveSlowPath(bytes: Uint8Array, out: ActiveStageOutput): void {
    const pdu = decodeServerSlowPathFrame(bytes);
    if (pdu.type === 'x224-disconnect' || pdu.type === McsPduType.DISCONNECT_PROVIDER_ULTIMATUM) {
      out.events.push({ type: 'disconnected', ...(this.errorInfo !== undefined ? { errorInfo: this.errorInfo } : {}) });
      return;
    }
    if (pdu.type !== McsPduType.SEND_DATA_INDICATION)
      throw new ProtocolError('UNEXPECTED', `MCS PDU ${pdu.type} in the data phase`, 'client active stage');
    const { channels, security } = this.activation;
    if (pdu.channelId !== channels.ioChannelId) {
      const { payload } = security.unwrap(pdu.data);
      if (channels.nameOf(pdu.channelId) === undefined) return;
      const message = channels.reassemble(pdu.channelId, payload);
      if (message) out.events.push({ type: 'channel-data', name: message.name, data: message.data });
      return;
    }
    const { flags, payload } = unwrapServerIoPdu(security, pdu.data);
    const io = classifyServerIoPdu(flags, payload);
    if (io.kind === 'control') {
      if (io.pduType === PduType.DEACTIVATE_ALL) {
        this.reactivating = true;
        out.events.push({ type: 'deactivated' });
      } else if (io.pduType === PduType.DEMAND_ACTIVE) {
        this.reactivate(io.pduSource, io.body, out);
      }
      return;
    }
    if (io.kind !== 'data') return;
    const { pduType2, compressedType } = io.data;
    // Slow-path data shares the fast-path updates' history (compressedType is its compressionFlags).
    const body = compressedType === 0 ? io.data.body : this.mppc.decompress(io.data.body, compressedType).slice();
    switch (pduType2) {
      case PduType2.UPDATE: {
        const update = decodeSlowPathServerUpdate(body);
        if (update && !this.reactivating) out.events.push({ type: 'update', update });
        return;
      }
      case PduType2.POINTER:
        out.events.push({ type: 'update', update: decodeSlowPathPointerUpdate(body) });
        return;
      case PduType2.SET_ERROR_INFO:
        this.errorInfo = decodeSetErrorInfo(body);
        out.events.push({ type: 'error-info', errorInfo: this.errorInfo });
        return;
      default:
        if (ClientFinalization.receive(pduType2, body) === true && this.reactivating) {
          this.reactivating = false;
          out.events.push({ type: 'reactivated', desktop: this.desktopValue });
        }
    }
  }

  private reactivate(serverChannelId: number, body: Uint8Array, out: ActiveStageOutput): void {
    const { security, channels } = this.activation;
    const exchange = answerDemandActive(
      security,
      { userId: channels.userId, ioChannelId: channels.ioChannelId },
      serverChannelId,
      body,
      this.activation.surfaceCodecs,
    );
    this.address = exchange.address;
    this.frameAcknowledge = exchange.frameAcknowledge;
    this.desktopValue = exchange.desktop;
    this.reactivating = true;
    out.output.push(...exchange.frames);
  }

  /** Fast-path input PDUs for `events` (MS-RDPBCGR 2.2.8.1.2), encrypted under Standard RDP Security. */
  encodeInput(events: readonly InputEvent[]): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_PDU) {
      const { numEvents, payload } = encodeFastPathInputEvents(events.slice(i, i + MAX_EVENTS_PER_PDU));
      const secured = this.activation.security.protectFastPath(payload);
      frames.push(
        encodeFastPathInputPdu({
          numEvents,
          flags: secured.flags,
          ...(secured.signature ? { signature: secured.signature } : {}),
          ...(secured.fipsInformation ? { fipsInformation: secured.fipsInformation } : {}),
          payload: secured.payload,
        }),
      );
    }
    return frames;
  }

  /** One message on a joined static channel, chunked (2.2.6.1); INVALID when the channel is not joined. */
  encodeChannelData(name: string, data: Uint8Array): Uint8Array[] {
    const { security, channels } = this.activation;
    const { channelId, pdus } = channels.chunks(name, data);
    return pdus.map((pdu) => encodeClientChannelFrame(security, channels.userId, channelId, pdu));
  }

  /** Refresh Rect PDU (2.2.11.2): asks the server to send these areas again. */
  encodeRefreshRect(areas: readonly Rect[]): Uint8Array {
    return this.dataFrame(PduType2.REFRESH_RECT, encodeRefreshRect(areas));
  }

  /** Suppress Output PDU (2.2.11.3): stop (false) or resume (true) graphics, e.g. while minimized. */
  encodeSuppressOutput(allowDisplayUpdates: boolean): Uint8Array {
    const { width, height } = this.desktopValue;
    return this.dataFrame(
      PduType2.SUPPRESS_OUTPUT,
      encodeSuppressOutput(
        allowDisplayUpdates
          ? { allowDisplayUpdates, rect: { left: 0, top: 0, right: width - 1, bottom: height - 1 } }
          : { allowDisplayUpdates },
      ),
    );
  }

  /** Shutdown Request PDU (2.2.2.2): the orderly way for a client to leave. */
  encodeShutdownRequest(): Uint8Array {
    return this.dataFrame(PduType2.SHUTDOWN_REQUEST, encodeShutdownRequest());
  }

  private dataFrame(pduType2: number, body: Uint8Array): Uint8Array {
    return encodeClientDataFrame(this.activation.security, this.address, pduType2, body);
  }
}
