import { encodeDisconnectFrame } from '../acceptor/server-frames.js';
import { McsDisconnectReason } from '../connection/mcs.js';
import type { Rect } from '../connection/rect.js';
import { ProtocolError } from '../core/errors.js';
import type { InputEvent } from '../data/input-event.js';
import { FrameReader } from '../transport/frame-reader.js';
import { ClientActiveStage } from './client-active-stage.js';
import type { SharedDesktop } from './client-capability-exchange.js';
import {
  type ConnectorAction,
  type ConnectorEvent,
  type ConnectorSequenceState,
  INITIAL_CONNECTOR_STATE,
  stepConnector,
} from './connection-sequence.js';
import { type ConnectorClose, type ConnectorConfig, ConnectorFailure, type TlsPeer } from './connector-config.js';
import { ConnectorState } from './connector-state.js';
import { KEY_PIN_PDU } from './server-key-pin.js';
import type { ServerUpdate } from './server-update.js';

/** The environment the connector runs in: a byte transport and the listeners of what the server sends. */
export interface ConnectorHost {
  /** Bytes for the transport, in order. */
  write(bytes: Uint8Array): void;
  /**
   * Upgrades the transport to TLS (client side) right after the server selected PROTOCOL_SSL; resolves with the
   * server certificate's RSA key for the invitation's key pin. Without it TLS is never asked for.
   */
  startTls?(): Promise<TlsPeer>;
  /** The server accepted the Client Info: the invitation and password were good. */
  onAuthenticated?(): void;
  /** The connection sequence finished: the desktop's size and depth. */
  onActive?(desktop: SharedDesktop): void;
  onUpdate?(update: ServerUpdate): void;
  /** One reassembled message of a joined static channel. */
  onChannelData?(name: string, data: Uint8Array): void;
  /** Deactivate All: graphics pause until {@link onReactivated}. */
  onDeactivated?(): void;
  /** The desktop came back after a Deactivation-Reactivation, perhaps with a new size or depth. */
  onReactivated?(desktop: SharedDesktop): void;
  /** The connection is over. Called exactly once. */
  onClose?(close: ConnectorClose): void;
}

/** Largest server frame: fast-path and TPKT lengths both fit 16 bits. */
const MAX_SERVER_FRAME = 0xffff;

/**
 * The client role of an RDP connection as a state machine over an abstract byte transport, the mirror of
 * `RdpAcceptor`: call {@link start}, feed the transport's bytes to {@link receive}, and it writes through
 * `host.write` and reports through the host callbacks. It negotiates TLS (via `host.startTls`) or Standard RDP
 * Security, checks the sharer's key against the invitation, joins its channels, answers the invitation in the
 * Client Info PDU, then hands over to a {@link ClientActiveStage} that decodes graphics and sends input.
 *
 * Nothing the server sends makes `receive` throw: violations end the connection through `host.onClose`.
 *
 * @example
 * const connector = new RdpConnector(
 *   { write: (b) => socket.write(b), onUpdate: (u) => draw(u), onClose: (c) => console.log(c.reason) },
 *   { crypto, userName: 'Ann', password: 'secret', authString: 'auth', desktopWidth: 1024, desktopHeight: 768,
 *     channels: ['encomsp'], security: { tls: false, rdp: true }, keyHashes: { kh: ticket.kh } },
 * );
 * socket.on('data', (b) => connector.receive(b));
 * connector.start();
 */
export class RdpConnector {
  private sequence: ConnectorSequenceState = INITIAL_CONNECTOR_STATE;
  private active?: ClientActiveStage;
  private closed = false;
  private processing = false;
  private readonly reader = new FrameReader({ maxFrame: MAX_SERVER_FRAME });

  constructor(
    private readonly host: ConnectorHost,
    private readonly config: ConnectorConfig,
  ) {
    if (config.security.tls && !host.startTls) {
      throw new ProtocolError('INVALID', 'TLS was asked for but the host cannot start it (no startTls)', 'connector');
    }
  }

  get state(): ConnectorState {
    if (this.closed) return ConnectorState.CLOSED;
    return this.sequence.phase;
  }

  /** The shared desktop, once active. */
  get desktop(): SharedDesktop | undefined {
    return this.active?.desktop;
  }

  /** Whether the server joined the static channel `name` (false before activation). */
  hasChannel(name: string): boolean {
    return this.active?.hasChannel(name) ?? false;
  }

  /** Sends the Connection Request (and the preconnection PDU, if the invitation has a session id). */
  start(): void {
    this.guard(() => this.apply(stepConnector(this.sequence, { type: 'start' }, this.config)));
  }

  /** Feeds bytes from the transport. Never throws. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    this.guard(() => {
      this.reader.push(bytes);
      this.drain();
    });
  }

  /**
   * The transport closed or failed under us. Right after the Client Info PDU, or after a Set Error Info, that is
   * the sharer refusing the viewer (a wrong password): sharers close without a Disconnect Provider Ultimatum.
   */
  transportClosed(reason = 'the connection was closed'): void {
    const state = this.sequence;
    const errorInfo = 'errorInfo' in state ? state.errorInfo : undefined;
    if (state.phase === ConnectorState.LICENSING || errorInfo !== undefined) {
      this.close({
        kind: ConnectorFailure.REFUSED,
        reason: `the server closed the connection after the Client Info PDU (${reason})`,
        ...(errorInfo !== undefined ? { errorInfo } : {}),
      });
      return;
    }
    this.close({ kind: ConnectorFailure.TRANSPORT, reason });
  }

  /** Sends input as fast-path PDUs; UNEXPECTED before activation. */
  sendInput(events: readonly InputEvent[]): void {
    const stage = this.activeOrThrow('send input');
    for (const frame of stage.encodeInput(events)) this.host.write(frame);
  }

  /** Sends one message on a joined static channel; INVALID when the server did not join it. */
  sendChannelData(name: string, data: Uint8Array): void {
    const stage = this.activeOrThrow('send channel data');
    for (const frame of stage.encodeChannelData(name, data)) this.host.write(frame);
  }

  /** Asks the server to send these areas again (Refresh Rect). */
  refreshRect(areas: readonly Rect[]): void {
    this.host.write(this.activeOrThrow('refresh').encodeRefreshRect(areas));
  }

  /** Stops (false) or resumes (true) graphics from the server (Suppress Output). */
  suppressOutput(allowDisplayUpdates: boolean): void {
    this.host.write(this.activeOrThrow('suppress output').encodeSuppressOutput(allowDisplayUpdates));
  }

  /** Leaves: a Disconnect Provider Ultimatum (user requested) once MCS is up, then closes. */
  disconnect(reason = 'the client disconnected'): void {
    if (this.closed) return;
    const phase = this.sequence.phase;
    if (
      phase !== ConnectorState.INITIAL &&
      phase !== ConnectorState.NEGOTIATION &&
      phase !== ConnectorState.TLS_HANDSHAKE
    ) {
      this.host.write(encodeDisconnectFrame(McsDisconnectReason.USER_REQUESTED));
    }
    this.close({ kind: ConnectorFailure.LOCAL, reason });
  }

  /**
   * Ends the session for a protocol violation found outside the connector (a decoder that runs asynchronously,
   * such as the graphics pipeline's): a Disconnect Provider Ultimatum, then a PROTOCOL close carrying `error`.
   */
  fail(error: ProtocolError): void {
    if (this.closed) return;
    if (this.active) this.host.write(encodeDisconnectFrame(McsDisconnectReason.USER_REQUESTED));
    this.close({ kind: ConnectorFailure.PROTOCOL, reason: error.message, error });
  }

  private drain(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let frame = this.reader.next(); frame && !this.closed; frame = this.reader.next()) {
        if (this.active) {
          const result = this.active.receive(frame);
          // Events first: a frame acknowledgement in the output must follow the drawing of its frame, and must
          // not go out when drawing it failed and closed the connection.
          for (const event of result.events) this.dispatch(event);
          if (!this.closed) for (const bytes of result.output) this.host.write(bytes);
        } else {
          this.apply(stepConnector(this.sequence, { type: 'frame', frame }, this.config));
        }
      }
    } finally {
      this.processing = false;
    }
  }

  private dispatch(event: ReturnType<ClientActiveStage['receive']>['events'][number]): void {
    switch (event.type) {
      case 'update':
        this.host.onUpdate?.(event.update);
        return;
      case 'channel-data':
        this.host.onChannelData?.(event.name, event.data);
        return;
      case 'deactivated':
        this.host.onDeactivated?.();
        return;
      case 'reactivated':
        this.host.onReactivated?.(event.desktop);
        return;
      case 'error-info':
        return;
      case 'disconnected':
        this.close({
          kind: ConnectorFailure.SERVER_DISCONNECT,
          reason: 'the server ended the session',
          ...(event.errorInfo !== undefined ? { errorInfo: event.errorInfo } : {}),
        });
        return;
    }
  }

  private apply(step: ReturnType<typeof stepConnector>): void {
    this.sequence = step.next;
    for (const frame of step.output) this.host.write(frame);
    for (const action of step.actions) this.perform(action);
    if (step.next.phase === ConnectorState.ACTIVE && !this.closed && !this.active) {
      this.active = new ClientActiveStage(step.next.activation);
      this.host.onActive?.(step.next.activation.desktop);
    }
  }

  private perform(action: ConnectorAction): void {
    switch (action.type) {
      case 'start-tls':
        this.startTls();
        return;
      case 'authenticated':
        this.host.onAuthenticated?.();
        return;
      case 'close':
        this.close(action.close);
        return;
    }
  }

  private startTls(): void {
    this.reader.hold();
    (this.host.startTls as () => Promise<TlsPeer>).call(this.host).then(
      (peer) => this.resume({ type: 'tls-established', peer }),
      (err: unknown) =>
        this.close({
          kind: ConnectorFailure.TRANSPORT,
          reason: `TLS handshake failed: ${err instanceof Error ? err.message : String(err)}`,
        }),
    );
  }

  private resume(event: ConnectorEvent): void {
    if (this.closed) return;
    this.guard(() => {
      this.reader.release();
      this.apply(stepConnector(this.sequence, event, this.config));
      this.drain();
    });
  }

  private activeOrThrow(what: string): ClientActiveStage {
    if (this.closed || !this.active)
      throw new ProtocolError('UNEXPECTED', `cannot ${what} in state ${this.state}`, 'connector');
    return this.active;
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (err) {
      const error =
        err instanceof ProtocolError
          ? err
          : new ProtocolError('INVALID', err instanceof Error ? err.message : String(err), 'connector');
      const keyPin = error.code === 'SECURITY' && error.pdu === KEY_PIN_PDU;
      this.close({
        kind: keyPin ? ConnectorFailure.KEY_MISMATCH : ConnectorFailure.PROTOCOL,
        reason: error.message,
        error,
      });
    }
  }

  private close(close: ConnectorClose): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.clear();
    this.host.onClose?.(close);
  }
}
