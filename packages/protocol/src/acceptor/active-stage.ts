import { decodeConfirmActive } from '../connection/active.js';
import { encodeSetErrorInfo } from '../connection/error-info.js';
import { decodeFrameAcknowledge } from '../connection/frame-acknowledge.js';
import { decodeMcsDomainPdu, McsDisconnectReason, McsPduType } from '../connection/mcs.js';
import { decodeRefreshRect } from '../connection/refresh-rect.js';
import { decodeShareControl, PduType, PduType2, type ShareData } from '../connection/share-headers.js';
import { decodeSuppressOutput } from '../connection/suppress-output.js';
import { ProtocolError } from '../core/errors.js';
import { clientDecodesMppc64k, MppcCompressor } from '../data/bulk-compression.js';
import { decodeFastPathInputEvents, decodeFastPathInputHeader } from '../data/fastpath-input.js';
import {
  encodeFastPathOutputPdu,
  encodeFastPathUpdates,
  type FastPathUpdate,
  fastPathUpdateHeaderSize,
  fragmentFastPathUpdate,
  maxFastPathFragmentData,
} from '../data/fastpath-output.js';
import { decodeSlowPathInput } from '../data/slowpath-input.js';
import { SecurityFlag } from '../security/security-flags.js';
import type { ChannelTable } from '../transport/channel-table.js';
import { type Frame, FrameType } from '../transport/frame-reader.js';
import type { SecurityLayerCodec } from '../transport/security-layer.js';
import type { AcceptorHost, AcceptorOptions, ActivatedClient } from './acceptor-host.js';
import { AcceptorState } from './acceptor-state.js';
import { activatedClientOf, encodeDeactivateAllFrame, encodeDemandActiveFrame } from './capability-exchange.js';
import { decodeClientShareData, decodeClientSlowPathFrame, receiveChannelData } from './client-pdus.js';
import { type Activation, demandedDesktop } from './connection-sequence.js';
import { ServerFinalization } from './server-finalization.js';
import { encodeChannelFrame, encodeDataFrame, encodeDisconnectFrame } from './server-frames.js';
import { slowPathUpdate } from './slow-path-update.js';

/** The host callbacks the active stage uses. */
export type ActiveStageHost = Pick<
  AcceptorHost,
  'write' | 'onActive' | 'onInput' | 'onRefreshRect' | 'onSuppressOutput' | 'onFrameAcknowledge' | 'onChannelData'
>;

/** Where the active stage is: serving, or in a Deactivation-Reactivation Sequence after a resize. */
export type ActivePhase =
  | typeof AcceptorState.ACTIVE
  | typeof AcceptorState.CAPABILITIES
  | typeof AcceptorState.FINALIZATION;

type Reactivation =
  | { phase: typeof AcceptorState.CAPABILITIES }
  | { phase: typeof AcceptorState.FINALIZATION; client: ActivatedClient; finalization: ServerFinalization };

/**
 * The server side of an activated connection (MS-RDPBCGR 1.3.1.3 and 2.2.8, 2.2.9): decodes input, refresh
 * rect, suppress output, frame acknowledgements and static channel data for the host; sends graphics (fast-path
 * or their slow-path equivalents), channel data and error info; resizes with a Deactivation-Reactivation
 * Sequence. Built from the {@link Activation} the connection sequence ends with. Methods throw ProtocolError on
 * bad input; the driver ends the connection then.
 */
export class ActiveStage {
  private current: ActivatedClient;
  private reactivation?: Reactivation;
  private width: number;
  private height: number;
  private readonly security: SecurityLayerCodec;
  private readonly channels: ChannelTable;
  /** Bulk compression of fast-path updates, for a client that asked for it (TS_INFO_PACKET). */
  private readonly mppc?: MppcCompressor;

  constructor(
    activation: Activation,
    private readonly host: ActiveStageHost,
    private readonly options: Pick<AcceptorOptions, 'maxColorDepth'>,
  ) {
    this.current = activation.client;
    if (clientDecodesMppc64k(activation.client.clientInfo.flags)) this.mppc = new MppcCompressor();
    this.security = activation.security;
    this.channels = activation.channels;
    this.width = activation.client.width;
    this.height = activation.client.height;
  }

  get phase(): ActivePhase {
    return this.reactivation?.phase ?? AcceptorState.ACTIVE;
  }

  /** The client as of the latest (re)activation. */
  get client(): ActivatedClient {
    return this.current;
  }

  /** Whether the client joined the static virtual channel called `name` (e.g. `encomsp`). */
  hasChannel(name: string): boolean {
    return this.channels.hasChannel(name);
  }

  /** Handles one frame from the client; returns a reason when the client ended the connection. */
  receive(frame: Frame): string | undefined {
    if (frame.type === FrameType.FAST_PATH) {
      this.fastPathInput(frame.bytes);
      return undefined;
    }
    if (frame.type === FrameType.PRECONNECTION)
      throw new ProtocolError('UNEXPECTED', 'preconnection PDU', 'active stage');
    const slow = decodeClientSlowPathFrame(frame.bytes);
    if (slow.type === 'disconnect-request') return 'client sent X.224 Disconnect Request';
    if (slow.type === 'connection-request')
      throw new ProtocolError('UNEXPECTED', `X.224 Connection Request in state ${this.phase}`, 'active stage');
    const pdu = decodeMcsDomainPdu(slow.userData);
    if (pdu.type === McsPduType.DISCONNECT_PROVIDER_ULTIMATUM)
      return 'client disconnected (MCS Disconnect Provider Ultimatum)';
    if (pdu.type !== McsPduType.SEND_DATA_REQUEST)
      throw new ProtocolError('UNEXPECTED', `MCS PDU ${pdu.type} in state ${this.phase}`, 'active stage');
    if (pdu.channelId === this.channels.ioChannelId) return this.ioChannel(pdu.data);
    const message = receiveChannelData(
      this.channels,
      this.security,
      pdu.channelId,
      pdu.data,
      this.phase !== AcceptorState.CAPABILITIES,
    );
    if (message) this.host.onChannelData?.(message.name, message.data);
    return undefined;
  }

  private fastPathInput(frame: Uint8Array): void {
    const header = decodeFastPathInputHeader(frame, { fips: this.security.fips });
    const payload = this.security.unprotectFastPath({
      flags: header.flags,
      ...(header.signature ? { signature: header.signature } : {}),
      ...(header.fipsInformation ? { fipsInformation: header.fipsInformation } : {}),
      payload: frame.subarray(header.payloadOffset, header.length),
    });
    const events = decodeFastPathInputEvents(payload, header.numEvents);
    // During a reactivation the input is decrypted (it advances the cipher) but meant for the old desktop.
    if (events.length > 0 && this.phase === AcceptorState.ACTIVE) this.host.onInput?.(events);
  }

  private ioChannel(data: Uint8Array): string | undefined {
    const { flags, payload } = this.security.unwrap(data);
    // Licensing PDUs from the client (we never ask for any) are dropped.
    if (flags & SecurityFlag.LICENSE_PKT) return undefined;
    const control = decodeShareControl(payload);
    if (!control) return undefined;
    if (control.pduType === PduType.CONFIRM_ACTIVE) {
      if (this.reactivation?.phase !== AcceptorState.CAPABILITIES)
        throw new ProtocolError('UNEXPECTED', `Confirm Active PDU in state ${this.phase}`, 'active stage');
      const client = activatedClientOf(decodeConfirmActive(control.body).capabilitySets, {
        ...this.current,
        width: this.width,
        height: this.height,
      });
      this.reactivation = {
        phase: AcceptorState.FINALIZATION,
        client,
        finalization: new ServerFinalization(this.channels.userId),
      };
      return undefined;
    }
    if (control.pduType !== PduType.DATA) return undefined;
    const share = decodeClientShareData(control.body);
    if (share.pduType2 === PduType2.SHUTDOWN_REQUEST) {
      // A viewer leaving a shared desktop is always allowed to: no Shutdown Denied, just end the connection.
      this.host.write(encodeDisconnectFrame(McsDisconnectReason.USER_REQUESTED));
      return 'client shut down';
    }
    // Between a Deactivate All and the next Confirm Active the client may still have input in flight.
    if (this.reactivation?.phase === AcceptorState.CAPABILITIES) return undefined;
    if (this.reactivation?.phase === AcceptorState.FINALIZATION) {
      this.finalizing(this.reactivation, share);
      return undefined;
    }
    this.dataPdu(share);
    return undefined;
  }

  private finalizing(reactivation: Extract<Reactivation, { phase: 'finalization' }>, share: ShareData): void {
    const step = reactivation.finalization.receive(share.pduType2, share.body);
    if (!step) return;
    for (const reply of step.replies) this.host.write(encodeDataFrame(this.security, reply.pduType2, reply.body));
    if (!step.complete) return;
    this.current = reactivation.client;
    this.reactivation = undefined;
    // Whatever the client did with its history over the reactivation, the next packet starts a new one.
    this.mppc?.reset();
    this.host.onActive?.(this.current);
  }

  private dataPdu(share: ShareData): void {
    switch (share.pduType2) {
      case PduType2.INPUT:
        this.host.onInput?.(decodeSlowPathInput(share.body));
        return;
      case PduType2.REFRESH_RECT:
        this.host.onRefreshRect?.(decodeRefreshRect(share.body));
        return;
      case PduType2.SUPPRESS_OUTPUT: {
        const s = decodeSuppressOutput(share.body);
        this.host.onSuppressOutput?.(s.allowDisplayUpdates, s.rect);
        return;
      }
      case PduType2.FRAME_ACKNOWLEDGE:
        this.host.onFrameAcknowledge?.(decodeFrameAcknowledge(share.body));
        return;
      case PduType2.FONTLIST:
        throw new ProtocolError('UNEXPECTED', 'Font List PDU after activation', 'active stage');
      default:
        // Late finalization PDUs and everything this server does not use.
        return;
    }
  }

  /**
   * Sends graphics updates (TS_FP_UPDATE code and uncompressed data, e.g. a bitmap update from
   * `encodeBitmapUpdate`). Over fast-path, each update is fragmented to the client's MultifragmentUpdate size,
   * each fragment compressed (MPPC, 64 KB history) where that is worth it for a client that asked for bulk
   * compression, small ones share a PDU, and everything is encrypted under Standard RDP Security. A client without
   * fast-path output gets the slow-path equivalents (`slowPathUpdate`). Only valid while active.
   */
  sendFastPath(updates: readonly { code: number; data: Uint8Array }[]): void {
    this.expectActive('send graphics');
    if (!this.current.capabilities.fastPathOutput) {
      for (const update of updates) {
        const { pduType2, body } = slowPathUpdate(update.code, update.data);
        this.host.write(encodeDataFrame(this.security, pduType2, body));
      }
      return;
    }
    const mppc = this.mppc;
    const limits = {
      maxRequestSize: this.current.capabilities.multifragmentMaxRequestSize,
      // A compressed fragment's compressionFlags byte counts against the fragment's room like a header byte.
      securityHeaderSize: this.security.fastPathSecurityHeaderSize + (mppc ? 1 : 0),
    };
    const updateHeaderSize = fastPathUpdateHeaderSize(mppc !== undefined);
    const room = maxFastPathFragmentData(limits) + updateHeaderSize;
    let batch: FastPathUpdate[] = [];
    let batchSize = 0;
    const flush = () => {
      if (batch.length === 0) return;
      this.writeFastPath(encodeFastPathUpdates(batch));
      batch = [];
      batchSize = 0;
    };
    for (const update of updates) {
      for (const whole of fragmentFastPathUpdate(update.code, update.data, limits)) {
        // Each fragment is compressed on its own, as clients decompress each before reassembling.
        const packed = mppc?.compress(whole.data);
        const fragment =
          packed?.flags !== undefined ? { ...whole, data: packed.data, compressionFlags: packed.flags } : whole;
        const size = fragment.data.byteLength + updateHeaderSize;
        if (batchSize + size > room) flush();
        batch.push(fragment);
        batchSize += size;
      }
    }
    flush();
  }

  private writeFastPath(updates: Uint8Array): void {
    const { payload, ...fields } = this.security.protectFastPath(updates);
    this.host.write(encodeFastPathOutputPdu({ ...fields, updates: payload }));
  }

  /**
   * Changes the desktop size with a Deactivation-Reactivation Sequence (MS-RDPBCGR 1.3.1.3): Deactivate All,
   * then a Demand Active with the new size. Graphics must wait for the next `host.onActive`.
   */
  resize(width: number, height: number): void {
    this.expectActive('resize');
    this.width = width;
    this.height = height;
    this.host.write(encodeDeactivateAllFrame(this.security));
    this.host.write(
      encodeDemandActiveFrame(
        this.security,
        demandedDesktop({ width, height, maxColorDepth: this.options.maxColorDepth }, this.current.clientData),
      ),
    );
    this.reactivation = { phase: AcceptorState.CAPABILITIES };
  }

  /** Sends one message on a joined static virtual channel, chunked (2.2.6.1). Only valid while active. */
  sendChannelData(name: string, data: Uint8Array): void {
    this.expectActive('send channel data');
    const { channelId, pdus } = this.channels.chunks(name, data);
    for (const pdu of pdus) this.host.write(encodeChannelFrame(this.security, channelId, pdu));
  }

  /** Sends a Set Error Info PDU (2.2.5.1.1), e.g. before a deliberate disconnect. */
  sendErrorInfo(code: number): void {
    this.host.write(encodeDataFrame(this.security, PduType2.SET_ERROR_INFO, encodeSetErrorInfo(code)));
  }

  /** Writes the optional Set Error Info and the Disconnect Provider Ultimatum; the driver closes after. */
  disconnect(errorInfo?: number): void {
    if (errorInfo !== undefined) this.sendErrorInfo(errorInfo);
    this.host.write(encodeDisconnectFrame());
  }

  private expectActive(what: string): void {
    if (this.phase !== AcceptorState.ACTIVE)
      throw new ProtocolError('UNEXPECTED', `cannot ${what} in state ${this.phase}`, 'acceptor');
  }
}
