import { decodeConfirmActive } from '../connection/active.js';
import { type ClientData, decodeClientData, requestedColorDepth } from '../connection/client-data.js';
import { type ClientInfo, decodeClientInfo } from '../connection/client-info.js';
import { encodeSetErrorInfo } from '../connection/error-info.js';
import { decodeConferenceCreateRequest, encodeConferenceCreateResponse } from '../connection/gcc.js';
import { encodeLicenseValidClient } from '../connection/licensing.js';
import {
  type DomainParameters,
  decodeConnectInitial,
  decodeMcsDomainPdu,
  encodeConnectResponse,
  McsDisconnectReason,
  type McsDomainPdu,
  McsPduType,
} from '../connection/mcs.js';
import { decodePreconnectionPdu, type PreconnectionPdu } from '../connection/preconnection.js';
import { encodeServerData, RdpVersion } from '../connection/server-data.js';
import { decodeShareControl, PduType, PduType2 } from '../connection/share-headers.js';
import { encodeTpkt } from '../connection/tpkt.js';
import {
  type ConnectionConfirm,
  decodeConnectionRequest,
  encodeConnectionConfirm,
  encodeX224Data,
  NegFailureCode,
  NegProtocol,
  NegResponseFlags,
} from '../connection/x224.js';
import { ProtocolError } from '../core/errors.js';
import { SecurityFlag } from '../security/security-flags.js';
import { ChannelTable } from '../transport/channel-table.js';
import { type Frame, FrameType } from '../transport/frame-reader.js';
import { SecurityLayer, SecurityLayerCodec } from '../transport/security-layer.js';
import type { AcceptorOptions, ActivatedClient, AuthenticationResult } from './acceptor-host.js';
import { AcceptorState } from './acceptor-state.js';
import { activatedClientOf, encodeDemandActiveFrame } from './capability-exchange.js';
import { decodeClientShareData, decodeClientSlowPathFrame, receiveChannelData } from './client-pdus.js';
import { ServerFinalization } from './server-finalization.js';
import { encodeChannelFrame, encodeDataFrame, encodeDisconnectFrame, encodeMcsFrame } from './server-frames.js';
import { acceptSecurityExchange, negotiateRdpSecurity, type PendingRdpSecurity } from './server-security.js';

/**
 * The domain parameters of the server's MCS Connect Response, as Windows servers send them (MS-RDPBCGR 4.1.4):
 * 34 channels, 3 users, no tokens, one priority, a height of 1 and PDUs of up to 0xfff8 bytes, MCS version 2.
 */
export const SERVER_DOMAIN_PARAMETERS: DomainParameters = {
  maxChannelIds: 34,
  maxUserIds: 3,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xfff8,
  protocolVersion: 2,
};
/** [T125] Result rt-successful. */
const MCS_RESULT_SUCCESSFUL = 0;
/** [T125] Result rt-no-such-channel, for a Channel Join Request of an unknown channel. */
const MCS_RESULT_NO_SUCH_CHANNEL = 3;
/** Connect-Response calledConnectId: RDP uses a single connection, 0. */
const CALLED_CONNECT_ID = 0;
/**
 * Conference Create Response nodeID: Windows servers send 0x79f3 (31219), written as 0x760a above the
 * UserID lower bound of 1001 ([T124] 8.7, MS-RDPBCGR 4.1.4).
 */
export const GCC_NODE_ID = 0x79f3;
/** Conference Create Response tag: 1, as Windows sends it. */
const GCC_TAG = 1;
/** Conference Create Response result: success (0). */
const GCC_RESULT_SUCCESS = 0;
/** The deepest colour depth RDP has. */
const MAX_COLOR_DEPTH = 32;
/** SC_CORE.earlyCapabilityFlags: none of the optional server features (2.2.1.4.2). */
const SERVER_EARLY_CAPABILITY_FLAGS = 0;

/** What the X.224 negotiation settled. */
export interface AcceptorNegotiated {
  requestedProtocols: number;
  layer: SecurityLayer;
}

/** Negotiation plus the client's settings and the channels it may join (after MCS Connect). */
export interface AcceptorConnected extends AcceptorNegotiated {
  clientData: ClientData;
  channels: ChannelTable;
}

/** Connected plus the security layer in force (after the security exchange, or at once under TLS). */
export interface AcceptorSecured extends AcceptorConnected {
  security: SecurityLayerCodec;
}

/** Secured plus who the client is (after Client Info and a successful authentication). */
export interface AcceptorAdmitted extends AcceptorSecured {
  clientInfo: ClientInfo;
}

/** What the active stage starts from: the activated client and the layers it talks through. */
export interface Activation {
  client: ActivatedClient;
  security: SecurityLayerCodec;
  channels: ChannelTable;
}

/** The connection sequence (MS-RDPBCGR 1.3.1.1) as a union of states, each carrying only what it knows. */
export type SequenceState =
  | { phase: typeof AcceptorState.INITIAL }
  | ({ phase: typeof AcceptorState.TLS_HANDSHAKE } & AcceptorNegotiated)
  | ({ phase: typeof AcceptorState.MCS_CONNECT } & AcceptorNegotiated)
  | ({ phase: typeof AcceptorState.MCS_DOMAIN; rdp?: PendingRdpSecurity } & AcceptorConnected)
  | ({ phase: typeof AcceptorState.SECURITY_EXCHANGE; rdp: PendingRdpSecurity } & AcceptorConnected)
  | ({ phase: typeof AcceptorState.CLIENT_INFO } & AcceptorSecured)
  | ({ phase: typeof AcceptorState.AUTHENTICATION; clientInfo: ClientInfo } & AcceptorSecured)
  | ({ phase: typeof AcceptorState.CAPABILITIES } & AcceptorAdmitted)
  | ({
      phase: typeof AcceptorState.FINALIZATION;
      client: ActivatedClient;
      finalization: ServerFinalization;
    } & AcceptorAdmitted)
  | { phase: typeof AcceptorState.ACTIVE; activation: Activation };

/** What drives the sequence: a frame from the client, or the outcome of something the host did for it. */
export type SequenceEvent =
  | { type: 'frame'; frame: Frame }
  | { type: 'tls-established' }
  | { type: 'authenticated'; result: AuthenticationResult };

/** Side effects the driver performs for the sequence, in order, after writing the step's output. */
export type SequenceAction =
  | { type: 'preconnection'; pdu: PreconnectionPdu }
  /** Upgrade the transport to TLS, hold input meanwhile, then step with `tls-established`. */
  | { type: 'start-tls' }
  /** Ask the host, hold input meanwhile, then step with `authenticated`. */
  | { type: 'authenticate'; clientInfo: ClientInfo; channels: string[] }
  | { type: 'channel-data'; name: string; data: Uint8Array }
  /** The connection is over (orderly: a refusal, the client leaving); the state stays as it was. */
  | { type: 'close'; reason: string };

export interface SequenceStep {
  next: SequenceState;
  /** Frames for the transport, in order. */
  output: Uint8Array[];
  actions: SequenceAction[];
}

export interface SequenceConfig {
  options: AcceptorOptions;
  /** The host can upgrade the transport to TLS. */
  tlsAvailable: boolean;
}

/** The state a new connection starts in. */
export const INITIAL_SEQUENCE_STATE: SequenceState = { phase: AcceptorState.INITIAL };

/**
 * One step of the connection sequence: the next state, the frames to send and the actions to perform. Throws
 * ProtocolError on anything the client must not send in `state`; the caller ends the connection then.
 *
 * @example
 * ```ts
 * let state = INITIAL_SEQUENCE_STATE;
 * const reader = new FrameReader({ preconnection: true });
 * socket.on('data', (bytes) => {
 *   reader.push(bytes);
 *   for (let frame = reader.next(); frame; frame = reader.next()) {
 *     const step = stepConnectionSequence(state, { type: 'frame', frame }, config);
 *     for (const out of step.output) socket.write(out);
 *     state = step.next; // then perform step.actions (start TLS, authenticate, ...)
 *   }
 * });
 * ```
 */
export function stepConnectionSequence(
  state: SequenceState,
  event: SequenceEvent,
  config: SequenceConfig,
): SequenceStep {
  const step = new StepBuilder(state);
  switch (event.type) {
    case 'tls-established':
      if (state.phase !== AcceptorState.TLS_HANDSHAKE) throw unexpected('TLS handshake completion', state);
      return step.to({
        phase: AcceptorState.MCS_CONNECT,
        requestedProtocols: state.requestedProtocols,
        layer: state.layer,
      });
    case 'authenticated':
      if (state.phase !== AcceptorState.AUTHENTICATION) throw unexpected('authentication result', state);
      return authenticated(step, state, event.result, config);
    case 'frame':
      return frame(step, state, event.frame, config);
  }
}

/** Collects a step's output and actions. */
class StepBuilder {
  readonly output: Uint8Array[] = [];
  readonly actions: SequenceAction[] = [];

  constructor(private readonly state: SequenceState) {}

  write(frame: Uint8Array): this {
    this.output.push(frame);
    return this;
  }

  act(action: SequenceAction): this {
    this.actions.push(action);
    return this;
  }

  to(next: SequenceState): SequenceStep {
    return { next, output: this.output, actions: this.actions };
  }

  stay(): SequenceStep {
    return this.to(this.state);
  }

  close(reason: string): SequenceStep {
    return this.act({ type: 'close', reason }).stay();
  }
}

function unexpected(what: string, state: SequenceState): ProtocolError {
  return new ProtocolError('UNEXPECTED', `${what} in state ${state.phase}`, 'connection sequence');
}

function frame(step: StepBuilder, state: SequenceState, frame: Frame, config: SequenceConfig): SequenceStep {
  if (frame.type === FrameType.PRECONNECTION) {
    return step.act({ type: 'preconnection', pdu: decodePreconnectionPdu(frame.bytes) }).stay();
  }
  // Fast-path input before activation has nothing to act on.
  if (frame.type === FrameType.FAST_PATH) return step.stay();
  const slow = decodeClientSlowPathFrame(frame.bytes);
  if (slow.type === 'disconnect-request') return step.close('client sent X.224 Disconnect Request');
  if (slow.type === 'connection-request') {
    if (state.phase !== AcceptorState.INITIAL) throw unexpected('X.224 Connection Request', state);
    return connectionRequest(step, slow.tpdu, config);
  }
  if (state.phase === AcceptorState.MCS_CONNECT) return connectInitial(step, state, slow.userData, config);
  return domainPdu(step, state, decodeMcsDomainPdu(slow.userData), config);
}

// ---- X.224 negotiation (MS-RDPBCGR 3.3.5.3.2) ----

function connectionRequest(step: StepBuilder, tpdu: Uint8Array, config: SequenceConfig): SequenceStep {
  const negotiation = decodeConnectionRequest(tpdu).negotiation;
  const requestedProtocols = negotiation?.requestedProtocols ?? NegProtocol.RDP;
  const tls = config.options.security.tls && config.tlsAvailable;
  const rdp = config.options.security.rdp !== undefined;
  if ((requestedProtocols & NegProtocol.SSL) !== 0 && tls) {
    step.write(
      encodeTpkt(
        encodeConnectionConfirm({
          kind: 'response',
          flags: NegResponseFlags.EXTENDED_CLIENT_DATA_SUPPORTED,
          selectedProtocol: NegProtocol.SSL,
        }),
      ),
    );
    return step
      .act({ type: 'start-tls' })
      .to({ phase: AcceptorState.TLS_HANDSHAKE, requestedProtocols, layer: SecurityLayer.TLS });
  }
  if (requestedProtocols === NegProtocol.RDP && rdp) {
    const cc: ConnectionConfirm = negotiation
      ? {
          kind: 'response',
          flags: NegResponseFlags.EXTENDED_CLIENT_DATA_SUPPORTED,
          selectedProtocol: NegProtocol.RDP,
        }
      : { kind: 'none' };
    step.write(encodeTpkt(encodeConnectionConfirm(cc)));
    return step.to({ phase: AcceptorState.MCS_CONNECT, requestedProtocols, layer: SecurityLayer.RDP });
  }
  // Nothing we can select. A failure with SSL_NOT_ALLOWED makes FreeRDP retry with Standard RDP Security.
  if (!negotiation)
    throw new ProtocolError(
      'UNSUPPORTED',
      'client cannot negotiate and Standard RDP Security is off',
      'X.224 Connection Request',
    );
  const failureCode = rdp ? NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER : NegFailureCode.SSL_REQUIRED_BY_SERVER;
  step.write(encodeTpkt(encodeConnectionConfirm({ kind: 'failure', failureCode })));
  return step.close(
    `negotiation failed: requested protocols 0x${requestedProtocols.toString(16)}, failure code ${failureCode}`,
  );
}

// ---- MCS Connect Initial / Response with GCC (2.2.1.3, 2.2.1.4) ----

function connectInitial(
  step: StepBuilder,
  state: AcceptorNegotiated,
  userData: Uint8Array,
  config: SequenceConfig,
): SequenceStep {
  const { options } = config;
  const clientData = decodeClientData(decodeConferenceCreateRequest(decodeConnectInitial(userData).userData).userData);
  const channels = ChannelTable.assign(
    (clientData.network?.channels ?? []).map((c) => c.name),
    clientData.messageChannel !== undefined,
    options.maxChannelMessage,
  );
  let rdp:
    | { pending: PendingRdpSecurity; serverData: ReturnType<typeof negotiateRdpSecurity>['serverData'] }
    | undefined;
  if (state.layer === SecurityLayer.RDP) {
    const rdpOptions = options.security.rdp;
    if (!rdpOptions) throw new ProtocolError('UNSUPPORTED', 'Standard RDP Security is not configured', 'acceptor');
    rdp = negotiateRdpSecurity(clientData.security, rdpOptions, options.crypto);
  }
  const serverData = encodeServerData({
    core: {
      version: RdpVersion.RDP5_PLUS,
      clientRequestedProtocols: state.requestedProtocols,
      earlyCapabilityFlags: SERVER_EARLY_CAPABILITY_FLAGS,
    },
    network: { mcsChannelId: channels.ioChannelId, channelIds: channels.staticIds },
    security: rdp?.serverData ?? { encryptionMethod: 0, encryptionLevel: 0 },
    ...(channels.messageChannelId !== undefined ? { messageChannel: { mcsChannelId: channels.messageChannelId } } : {}),
  });
  const gccResponse = encodeConferenceCreateResponse({
    nodeId: GCC_NODE_ID,
    tag: GCC_TAG,
    result: GCC_RESULT_SUCCESS,
    userData: serverData,
  });
  step.write(
    encodeTpkt(
      encodeX224Data(
        encodeConnectResponse({
          result: MCS_RESULT_SUCCESSFUL,
          calledConnectId: CALLED_CONNECT_ID,
          domainParameters: SERVER_DOMAIN_PARAMETERS,
          userData: gccResponse,
        }),
      ),
    ),
  );
  const connected: AcceptorConnected = {
    requestedProtocols: state.requestedProtocols,
    layer: state.layer,
    clientData,
    channels,
  };
  return step.to({ ...connected, ...(rdp ? { rdp: rdp.pending } : {}), phase: AcceptorState.MCS_DOMAIN });
}

// ---- MCS domain PDUs (2.2.1.5–2.2.1.9) and everything carried in Send Data Requests ----

function domainPdu(step: StepBuilder, state: SequenceState, pdu: McsDomainPdu, config: SequenceConfig): SequenceStep {
  if (pdu.type === McsPduType.DISCONNECT_PROVIDER_ULTIMATUM)
    return step.close('client disconnected (MCS Disconnect Provider Ultimatum)');
  if (pdu.type === McsPduType.SEND_DATA_REQUEST) return sendData(step, state, pdu.channelId, pdu.data, config);
  if (state.phase !== AcceptorState.MCS_DOMAIN) throw unexpected(`MCS PDU ${pdu.type}`, state);
  switch (pdu.type) {
    case McsPduType.ERECT_DOMAIN_REQUEST:
      return step.stay();
    case McsPduType.ATTACH_USER_REQUEST:
      step.write(
        encodeMcsFrame({
          type: McsPduType.ATTACH_USER_CONFIRM,
          result: MCS_RESULT_SUCCESSFUL,
          initiator: state.channels.userId,
        }),
      );
      return step.stay();
    case McsPduType.CHANNEL_JOIN_REQUEST: {
      const { userId } = state.channels;
      step.write(
        encodeMcsFrame(
          state.channels.join(pdu.channelId)
            ? {
                type: McsPduType.CHANNEL_JOIN_CONFIRM,
                result: MCS_RESULT_SUCCESSFUL,
                initiator: userId,
                requested: pdu.channelId,
                channelId: pdu.channelId,
              }
            : {
                type: McsPduType.CHANNEL_JOIN_CONFIRM,
                result: MCS_RESULT_NO_SUCH_CHANNEL,
                initiator: userId,
                requested: pdu.channelId,
              },
        ),
      );
      return step.stay();
    }
    default:
      throw new ProtocolError('UNEXPECTED', `MCS PDU ${pdu.type} from a client`, 'connection sequence');
  }
}

function sendData(
  step: StepBuilder,
  state: SequenceState,
  channelId: number,
  data: Uint8Array,
  config: SequenceConfig,
): SequenceStep {
  switch (state.phase) {
    case AcceptorState.MCS_DOMAIN: {
      const { channels } = state;
      if (!channels.isJoined(channels.userId) || !channels.isJoined(channels.ioChannelId)) {
        throw new ProtocolError('UNEXPECTED', 'data before joining the user and I/O channels', 'connection sequence');
      }
      const { phase: _, rdp, ...connected } = state;
      if (rdp)
        return sendData(step, { ...connected, phase: AcceptorState.SECURITY_EXCHANGE, rdp }, channelId, data, config);
      return sendData(
        step,
        { ...connected, phase: AcceptorState.CLIENT_INFO, security: SecurityLayerCodec.tls() },
        channelId,
        data,
        config,
      );
    }
    case AcceptorState.SECURITY_EXCHANGE: {
      if (channelId !== state.channels.ioChannelId)
        throw new ProtocolError('UNEXPECTED', `data on channel ${channelId} before security exchange`, 'acceptor');
      const { phase: _, rdp, ...connected } = state;
      const rdpOptions = config.options.security.rdp;
      if (!rdpOptions) throw new ProtocolError('UNSUPPORTED', 'Standard RDP Security is not configured', 'acceptor');
      const security = acceptSecurityExchange(data, rdp, rdpOptions, config.options.crypto);
      return step.to({ ...connected, phase: AcceptorState.CLIENT_INFO, security });
    }
    case AcceptorState.CLIENT_INFO:
    case AcceptorState.CAPABILITIES:
    case AcceptorState.FINALIZATION: {
      if (channelId === state.channels.ioChannelId) return ioChannel(step, state, data, config);
      const message = receiveChannelData(
        state.channels,
        state.security,
        channelId,
        data,
        state.phase === AcceptorState.FINALIZATION,
      );
      if (message) step.act({ type: 'channel-data', ...message });
      return step.stay();
    }
    default:
      throw unexpected('MCS Send Data Request', state);
  }
}

type IoState = Extract<
  SequenceState,
  { phase: typeof AcceptorState.CLIENT_INFO | typeof AcceptorState.CAPABILITIES | typeof AcceptorState.FINALIZATION }
>;

function ioChannel(step: StepBuilder, state: IoState, data: Uint8Array, config: SequenceConfig): SequenceStep {
  if (state.phase === AcceptorState.CLIENT_INFO) {
    const { flags, payload } = state.security.unwrap(data, true);
    if (!(flags & SecurityFlag.INFO_PKT))
      throw new ProtocolError('UNEXPECTED', 'expected the Client Info PDU', 'connection sequence');
    const clientInfo = decodeClientInfo(payload);
    const { phase: _, ...secured } = state;
    return step
      .act({ type: 'authenticate', clientInfo, channels: state.channels.names })
      .to({ ...secured, phase: AcceptorState.AUTHENTICATION, clientInfo });
  }
  const { flags, payload } = state.security.unwrap(data);
  // Licensing PDUs from the client (we never ask for any) are dropped.
  if (flags & SecurityFlag.LICENSE_PKT) return step.stay();
  const control = decodeShareControl(payload);
  if (!control) return step.stay();
  if (control.pduType === PduType.CONFIRM_ACTIVE) {
    if (state.phase !== AcceptorState.CAPABILITIES) throw unexpected('Confirm Active PDU', state);
    const { phase: _, ...admitted } = state;
    const client = activatedClientOf(decodeConfirmActive(control.body).capabilitySets, {
      width: config.options.width,
      height: config.options.height,
      securityLayer: state.layer,
      encryptionMethod: state.security.encryptionMethod,
      clientInfo: state.clientInfo,
      clientData: state.clientData,
      channels: state.channels.names,
    });
    return step.to({
      ...admitted,
      phase: AcceptorState.FINALIZATION,
      client,
      finalization: new ServerFinalization(state.channels.userId),
    });
  }
  if (control.pduType !== PduType.DATA) return step.stay();
  const share = decodeClientShareData(control.body);
  if (state.phase !== AcceptorState.FINALIZATION) throw unexpected(`data PDU 0x${share.pduType2.toString(16)}`, state);
  const finalized = state.finalization.receive(share.pduType2, share.body);
  if (finalized) {
    for (const reply of finalized.replies) step.write(encodeDataFrame(state.security, reply.pduType2, reply.body));
    if (!finalized.complete) return step.stay();
    return step.to({
      phase: AcceptorState.ACTIVE,
      activation: { client: state.client, security: state.security, channels: state.channels },
    });
  }
  if (share.pduType2 === PduType2.SHUTDOWN_REQUEST) {
    // A viewer leaving a shared desktop is always allowed to: no Shutdown Denied, just end the connection.
    step.write(encodeDisconnectFrame(McsDisconnectReason.USER_REQUESTED));
    return step.close('client shut down');
  }
  // Input and the like before activation completes have nothing to act on yet.
  return step.stay();
}

// ---- Authentication, licensing and capabilities (2.2.1.11–2.2.1.13) ----

function authenticated(
  step: StepBuilder,
  state: Extract<SequenceState, { phase: typeof AcceptorState.AUTHENTICATION }>,
  result: AuthenticationResult,
  config: SequenceConfig,
): SequenceStep {
  if (!result.accept) {
    step.write(encodeDataFrame(state.security, PduType2.SET_ERROR_INFO, encodeSetErrorInfo(result.errorInfo)));
    step.write(encodeDisconnectFrame());
    return step.close(`authentication refused: ${result.reason}`);
  }
  step.write(
    encodeChannelFrame(
      state.security,
      state.channels.ioChannelId,
      encodeLicenseValidClient(),
      SecurityFlag.LICENSE_PKT,
      false,
    ),
  );
  // The server has the last word on the session depth (the client adopts the Demand Active's preferredBitsPerPixel).
  step.write(encodeDemandActiveFrame(state.security, demandedDesktop(config.options, state.clientData)));
  const { phase: _, ...admitted } = state;
  return step.to({ ...admitted, phase: AcceptorState.CAPABILITIES });
}

/** The desktop the Demand Active announces: the configured size at the client's depth, capped by `maxColorDepth`. */
export function demandedDesktop(
  options: Pick<AcceptorOptions, 'width' | 'height' | 'maxColorDepth'>,
  clientData: ClientData,
): { width: number; height: number; colorDepth: number } {
  return {
    width: options.width,
    height: options.height,
    colorDepth: Math.min(requestedColorDepth(clientData.core), options.maxColorDepth ?? MAX_COLOR_DEPTH),
  };
}
