import type { ClientInfo } from '../connection/client-info.js';
import { ErrorInfo, encodeSetErrorInfo } from '../connection/error-info.js';
import type { PreconnectionPdu } from '../connection/preconnection.js';
import { PduType2 } from '../connection/share-headers.js';
import { ProtocolError } from '../core/errors.js';
import { FrameReader } from '../transport/frame-reader.js';
import type { AcceptorHost, AcceptorOptions, ActivatedClient, AuthenticationResult } from './acceptor-host.js';
import { AcceptorState } from './acceptor-state.js';
import { ActiveStage } from './active-stage.js';
import {
  INITIAL_SEQUENCE_STATE,
  type SequenceAction,
  type SequenceConfig,
  type SequenceEvent,
  type SequenceState,
  stepConnectionSequence,
} from './connection-sequence.js';
import { encodeDataFrame, encodeDisconnectFrame } from './server-frames.js';

export { AcceptorState } from './acceptor-state.js';

/** States in which the client has not yet joined an MCS domain, so there is no one to send an ultimatum to. */
const BEFORE_MCS_DOMAIN: readonly AcceptorState[] = [
  AcceptorState.INITIAL,
  AcceptorState.TLS_HANDSHAKE,
  AcceptorState.MCS_CONNECT,
];

/**
 * The server role of an RDP connection: feed it the transport's bytes with {@link receive}, it writes its
 * answers through `host.write` and reports the client through the host callbacks. It negotiates TLS (via
 * `host.startTls`) or Standard RDP Security, runs the MCS/GCC exchange, authenticates with `host.authenticate`
 * (synchronously or not), licenses (valid client), activates with a Demand Active PDU and finalizes; then it
 * decodes input and channel data and sends graphics with {@link sendFastPath}.
 *
 * This class only drives: it cuts the stream into frames (FrameReader), steps the connection sequence
 * (`stepConnectionSequence`) until it yields an activation, then hands frames to the {@link ActiveStage}.
 * Protocol violations never throw out of `receive`: they end the connection with `host.onClose(reason, error)`.
 *
 * @example
 * const acceptor = new RdpAcceptor(
 *   { write: (b) => socket.write(b), authenticate: () => ({ accept: true }), onInput: (events) => apply(events) },
 *   { crypto, width: 1280, height: 800, security: { tls: false, rdp: { key, certificate } } },
 * );
 * socket.on('data', (chunk) => acceptor.receive(chunk));
 */
export class RdpAcceptor {
  private sequence: SequenceState = INITIAL_SEQUENCE_STATE;
  private active?: ActiveStage;
  private closed = false;
  private processing = false;
  private readonly reader = new FrameReader({ preconnection: true });
  private readonly config: SequenceConfig;
  private info?: ClientInfo;
  private preconnectionPdu?: PreconnectionPdu;

  constructor(
    private readonly host: AcceptorHost,
    private readonly options: AcceptorOptions,
  ) {
    this.config = { options, tlsAvailable: host.startTls !== undefined };
  }

  get state(): AcceptorState {
    if (this.closed) return AcceptorState.CLOSED;
    return this.active?.phase ?? this.sequence.phase;
  }

  /** The Client Info PDU, once received. */
  get clientInfo(): ClientInfo | undefined {
    return this.info;
  }

  /** The static channel names the client declared, in order. */
  get channels(): string[] {
    if (this.active) return this.active.client.channels;
    return 'channels' in this.sequence ? this.sequence.channels.names : [];
  }

  /** The activated client, from its Confirm Active on. */
  get client(): ActivatedClient | undefined {
    if (this.active) return this.active.client;
    return this.sequence.phase === AcceptorState.FINALIZATION ? this.sequence.client : undefined;
  }

  /** The preconnection PDU, if the client sent one. */
  get preconnection(): PreconnectionPdu | undefined {
    return this.preconnectionPdu;
  }

  /** The active stage once the connection sequence has finished (it survives resizes). */
  get activeStage(): ActiveStage | undefined {
    return this.closed ? undefined : this.active;
  }

  /** Whether the client joined the static virtual channel called `name` (e.g. `encomsp` or an app channel). */
  hasChannel(name: string): boolean {
    if (this.active) return this.active.hasChannel(name);
    return 'channels' in this.sequence && this.sequence.channels.hasChannel(name);
  }

  /** Feeds bytes from the transport. Never throws; errors close the connection through `host.onClose`. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    try {
      this.reader.push(bytes);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.drain();
  }

  /** The transport closed under us. */
  transportClosed(reason = 'transport closed'): void {
    this.close(reason);
  }

  private drain(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let frame = this.reader.next(); frame && !this.closed; frame = this.reader.next()) {
        if (this.active) {
          const ended = this.active.receive(frame);
          if (ended !== undefined) this.close(ended);
        } else {
          this.apply(stepConnectionSequence(this.sequence, { type: 'frame', frame }, this.config));
        }
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.processing = false;
    }
  }

  /** Steps the sequence with the outcome of something the host did, then carries on with held input. */
  private resume(event: SequenceEvent): void {
    if (this.closed) return;
    this.reader.release();
    try {
      this.apply(stepConnectionSequence(this.sequence, event, this.config));
    } catch (err) {
      this.fail(err);
      return;
    }
    this.drain();
  }

  private apply(step: ReturnType<typeof stepConnectionSequence>): void {
    this.sequence = step.next;
    for (const frame of step.output) this.host.write(frame);
    for (const action of step.actions) {
      if (this.closed) return;
      this.perform(action);
    }
    if (step.next.phase === AcceptorState.ACTIVE && !this.closed && !this.active) {
      this.active = new ActiveStage(step.next.activation, this.host, this.options);
      this.host.onActive?.(step.next.activation.client);
    }
  }

  private perform(action: SequenceAction): void {
    switch (action.type) {
      case 'preconnection':
        this.preconnectionPdu = action.pdu;
        return;
      case 'start-tls':
        this.startTls();
        return;
      case 'authenticate':
        this.authenticate(action.clientInfo, action.channels);
        return;
      case 'channel-data':
        this.host.onChannelData?.(action.name, action.data);
        return;
      case 'close':
        this.close(action.reason);
        return;
    }
  }

  private startTls(): void {
    const startTls = this.host.startTls;
    if (!startTls) throw new ProtocolError('UNSUPPORTED', 'the host cannot start TLS', 'acceptor');
    this.reader.hold();
    startTls.call(this.host).then(
      () => this.resume({ type: 'tls-established' }),
      (err: unknown) => this.close(`TLS handshake failed: ${messageOf(err)}`),
    );
  }

  private authenticate(info: ClientInfo, channels: string[]): void {
    this.info = info;
    let verdict: AuthenticationResult | PromiseLike<AuthenticationResult>;
    try {
      verdict = this.host.authenticate(info, { channels });
    } catch (err) {
      verdict = refusal(err);
    }
    if (!isPromiseLike(verdict)) {
      this.apply(stepConnectionSequence(this.sequence, { type: 'authenticated', result: verdict }, this.config));
      return;
    }
    this.reader.hold();
    verdict.then(
      (result) => this.resume({ type: 'authenticated', result }),
      (err: unknown) => this.resume({ type: 'authenticated', result: refusal(err) }),
    );
  }

  /**
   * Sends graphics updates (TS_FP_UPDATE code and uncompressed data, e.g. a bitmap update from
   * `encodeBitmapUpdate`); see {@link ActiveStage.sendFastPath}. Only valid once active.
   */
  sendFastPath(updates: readonly { code: number; data: Uint8Array }[]): void {
    this.activeOrThrow('send graphics').sendFastPath(updates);
  }

  /**
   * Changes the desktop size with a Deactivation-Reactivation Sequence (MS-RDPBCGR 1.3.1.3). Graphics must wait
   * for the next `host.onActive`.
   */
  resize(width: number, height: number): void {
    this.activeOrThrow('resize').resize(width, height);
  }

  /** Sends one message on a joined static virtual channel, chunked (2.2.6.1). */
  sendChannelData(name: string, data: Uint8Array): void {
    this.activeOrThrow('send channel data').sendChannelData(name, data);
  }

  /** Sends a Set Error Info PDU (2.2.5.1.1), e.g. before a deliberate disconnect. */
  sendErrorInfo(code: number): void {
    if (this.active && !this.closed) {
      this.active.sendErrorInfo(code);
      return;
    }
    if (this.closed || !('security' in this.sequence))
      throw new ProtocolError('UNEXPECTED', `cannot send error info in state ${this.state}`, 'acceptor');
    this.host.write(encodeDataFrame(this.sequence.security, PduType2.SET_ERROR_INFO, encodeSetErrorInfo(code)));
  }

  /** Ends the connection: optional Set Error Info (once capabilities are being exchanged), then Disconnect Provider Ultimatum. */
  disconnect(errorInfo?: number): void {
    if (this.closed) return;
    if (this.active) {
      this.active.disconnect(errorInfo);
    } else {
      const phase = this.sequence.phase;
      if (errorInfo !== undefined && (phase === AcceptorState.CAPABILITIES || phase === AcceptorState.FINALIZATION))
        this.sendErrorInfo(errorInfo);
      if (!BEFORE_MCS_DOMAIN.includes(phase)) this.host.write(encodeDisconnectFrame());
    }
    this.close('server disconnected the client');
  }

  private activeOrThrow(what: string): ActiveStage {
    if (!this.active || this.closed)
      throw new ProtocolError('UNEXPECTED', `cannot ${what} in state ${this.state}`, 'acceptor');
    return this.active;
  }

  private fail(err: unknown): void {
    const error = err instanceof ProtocolError ? err : new ProtocolError('INVALID', messageOf(err), 'acceptor');
    this.close(error.message, error);
  }

  private close(reason: string, error?: ProtocolError): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.clear();
    this.host.onClose?.(reason, error);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A host whose authenticate throws or rejects refuses the client, as a wrong password would. */
function refusal(err: unknown): AuthenticationResult {
  return {
    accept: false,
    errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION,
    reason: `authenticate() failed: ${messageOf(err)}`,
  };
}

function isPromiseLike(
  value: AuthenticationResult | PromiseLike<AuthenticationResult>,
): value is PromiseLike<AuthenticationResult> {
  return typeof (value as PromiseLike<AuthenticationResult>).then === 'function';
}
