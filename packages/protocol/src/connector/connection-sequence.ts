import { encodeMcsFrame } from '../acceptor/server-frames.js';
import { encodeClientData } from '../connection/client-data.js';
import { encodeClientInfo } from '../connection/client-info.js';
import { decodeSetErrorInfo } from '../connection/error-info.js';
import { decodeConferenceCreateResponse, encodeConferenceCreateRequest } from '../connection/gcc.js';
import { decodeLicensingPdu, LicenseErrorCode, LicenseMessageType } from '../connection/licensing.js';
import {
  type DomainParameters,
  decodeConnectResponse,
  encodeConnectInitial,
  MCS_GLOBAL_CHANNEL_ID,
  McsPduType,
} from '../connection/mcs.js';
import { encodePreconnectionPdu } from '../connection/preconnection.js';
import { decodeServerData, type ServerData } from '../connection/server-data.js';
import { PduType, PduType2 } from '../connection/share-headers.js';
import { decodeTpkt, encodeTpkt } from '../connection/tpkt.js';
import {
  decodeConnectionConfirm,
  decodeX224Data,
  encodeConnectionRequest,
  encodeX224Data,
  NegProtocol,
} from '../connection/x224.js';
import { ProtocolError } from '../core/errors.js';
import { encodeRsaPublicKey } from '../security/rsa-public-key.js';
import { SecurityFlag } from '../security/security-flags.js';
import { ChannelTable } from '../transport/channel-table.js';
import { type Frame, FrameType } from '../transport/frame-reader.js';
import { SecurityLayer, SecurityLayerCodec } from '../transport/security-layer.js';
import type { ClientSurfaceCodecs } from './client-capabilities.js';
import { answerDemandActive, type SharedDesktop } from './client-capability-exchange.js';
import { clientConnectData } from './client-connect-data.js';
import { ClientFinalization } from './client-finalization.js';
import { type ClientAddress, encodeClientChannelFrame } from './client-frames.js';
import { clientRdpSecurity } from './client-security.js';
import { type ConnectorClose, type ConnectorConfig, ConnectorFailure, type TlsPeer } from './connector-config.js';
import { ConnectorState } from './connector-state.js';
import { invitationClientInfo } from './invitation-client-info.js';
import { verifyServerKey } from './server-key-pin.js';
import { classifyServerIoPdu, decodeServerSlowPathFrame, unwrapServerIoPdu } from './server-pdus.js';

/**
 * The domain parameters of the client's MCS Connect Initial, as Windows clients send them (MS-RDPBCGR 4.1.3):
 * target 34 channels / 2 users / 0 tokens / 1 priority / height 1 / 65535-byte PDUs, with the minimum and maximum
 * bounds around them.
 */
const TARGET_PARAMETERS: DomainParameters = {
  maxChannelIds: 34,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xffff,
  protocolVersion: 2,
};
const MINIMUM_PARAMETERS: DomainParameters = {
  maxChannelIds: 1,
  maxUserIds: 1,
  maxTokenIds: 1,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0x420,
  protocolVersion: 2,
};
const MAXIMUM_PARAMETERS: DomainParameters = {
  maxChannelIds: 0xffff,
  maxUserIds: 0xfc17,
  maxTokenIds: 0xffff,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xffff,
  protocolVersion: 2,
};
/** Connect Initial domain selectors: a single byte 1, as every RDP client sends. */
const DOMAIN_SELECTOR = Uint8Array.of(1);
/** GCC Conference Create Request conferenceName: "1". */
const CONFERENCE_NAME = '1';
/** [T125] Result rt-successful. */
const MCS_RESULT_SUCCESSFUL = 0;
/** Erect Domain Request subHeight and subInterval: 0 (MS-RDPBCGR 2.2.1.5). */
const ERECT_DOMAIN_SUB_HEIGHT = 0;
const ERECT_DOMAIN_SUB_INTERVAL = 0;
/** RDP_PRECONNECTION_PDU_V2 version; the invitation's SID goes in Id. */
const PRECONNECTION_PDU_V2 = 2;

/** What the X.224 negotiation settled. */
export interface ConnectorNegotiated {
  selectedProtocol: number;
  layer: SecurityLayer;
}

/** Negotiation plus the server's settings and the security layer (after the MCS Connect Response). */
export interface ConnectorConnected extends ConnectorNegotiated {
  serverData: ServerData;
  security: SecurityLayerCodec;
  /** The Security Exchange PDU still to send (Standard RDP Security with encryption). */
  exchange?: Uint8Array;
}

/** Connected plus the MCS user and its channels (after the Attach User Confirm). */
export interface ConnectorAttached extends ConnectorConnected {
  channels: ChannelTable;
}

/** Attached plus the last Set Error Info the server sent, which explains a refusal that follows. */
export interface ConnectorAdmitting extends ConnectorAttached {
  errorInfo?: number;
}

/** What the active stage starts from. */
export interface ConnectorActivation {
  desktop: SharedDesktop;
  security: SecurityLayerCodec;
  channels: ChannelTable;
  address: ClientAddress;
  /** The server's MCS channel (the Demand Active's pduSource), target of the client's Synchronize. */
  serverChannelId: number;
  /** The protocol the X.224 negotiation selected (NegProtocol). */
  selectedProtocol: number;
  /** The surface codecs offered, offered again on each reactivation. */
  surfaceCodecs: ClientSurfaceCodecs;
  /** The server announced Frame Acknowledge: each frame its surface commands end is acknowledged. */
  frameAcknowledge: boolean;
}

/** The client's connection sequence as a union of states, each carrying only what it knows. */
export type ConnectorSequenceState =
  | { phase: typeof ConnectorState.INITIAL }
  | { phase: typeof ConnectorState.NEGOTIATION }
  | ({ phase: typeof ConnectorState.TLS_HANDSHAKE } & ConnectorNegotiated)
  | ({ phase: typeof ConnectorState.MCS_CONNECT } & ConnectorNegotiated)
  | ({ phase: typeof ConnectorState.ATTACH_USER } & ConnectorConnected)
  | ({ phase: typeof ConnectorState.CHANNEL_JOIN; pending: number[] } & ConnectorAttached)
  | ({ phase: typeof ConnectorState.LICENSING } & ConnectorAdmitting)
  | ({ phase: typeof ConnectorState.CAPABILITIES } & ConnectorAdmitting)
  | ({
      phase: typeof ConnectorState.FINALIZATION;
      desktop: SharedDesktop;
      address: ClientAddress;
      serverChannelId: number;
      frameAcknowledge: boolean;
    } & ConnectorAdmitting)
  | { phase: typeof ConnectorState.ACTIVE; activation: ConnectorActivation };

export const INITIAL_CONNECTOR_STATE: ConnectorSequenceState = { phase: ConnectorState.INITIAL };

/** What drives the sequence: the start, a frame from the server, or the host's TLS upgrade. */
export type ConnectorEvent =
  | { type: 'start' }
  | { type: 'frame'; frame: Frame }
  | { type: 'tls-established'; peer: TlsPeer };

/** Side effects the driver performs after writing the step's output. */
export type ConnectorAction =
  /** Upgrade the transport to TLS (client side), hold input meanwhile, then step with `tls-established`. */
  | { type: 'start-tls' }
  /** The server accepted the Client Info (licensing done): the invitation and password were good. */
  | { type: 'authenticated' }
  /** The connection is over. */
  | { type: 'close'; close: ConnectorClose };

export interface ConnectorStep {
  next: ConnectorSequenceState;
  /** Frames for the transport, in order. */
  output: Uint8Array[];
  actions: ConnectorAction[];
}

const step = (
  next: ConnectorSequenceState,
  output: Uint8Array[] = [],
  actions: ConnectorAction[] = [],
): ConnectorStep => ({
  next,
  output,
  actions,
});

/**
 * One step of the client's connection sequence: pure apart from the random numbers of the security exchange.
 * Protocol violations throw ProtocolError; orderly ends (a refusal, a negotiation failure) are `close` actions.
 *
 * @example
 * ```ts
 * let state = INITIAL_CONNECTOR_STATE;
 * const first = stepConnector(state, { type: 'start' }, config); // the X.224 Connection Request
 * for (const out of first.output) socket.write(out);
 * state = first.next; // then step with each frame the server sends, as the acceptor does
 * ```
 */
export function stepConnector(
  state: ConnectorSequenceState,
  event: ConnectorEvent,
  config: ConnectorConfig,
): ConnectorStep {
  if (event.type === 'start') {
    if (state.phase !== ConnectorState.INITIAL) throw unexpected('start', state.phase);
    return start(config);
  }
  if (event.type === 'tls-established') {
    if (state.phase !== ConnectorState.TLS_HANDSHAKE) throw unexpected('TLS established', state.phase);
    verifyServerKey(
      event.peer.publicKey ? encodeRsaPublicKey(event.peer.publicKey) : undefined,
      config.keyHashes,
      config.crypto,
    );
    return step({ ...negotiated(state), phase: ConnectorState.MCS_CONNECT }, [
      connectInitial(config, state.selectedProtocol),
    ]);
  }
  const { frame } = event;
  if (frame.type !== FrameType.SLOW_PATH) {
    // Fast-path output only starts once active; anything earlier is a server bug that costs nothing to skip.
    return step(state);
  }
  switch (state.phase) {
    case ConnectorState.NEGOTIATION:
      return onConnectionConfirm(frame.bytes, config);
    case ConnectorState.MCS_CONNECT:
      return onConnectResponse(state, frame.bytes, config);
    case ConnectorState.INITIAL:
    case ConnectorState.TLS_HANDSHAKE:
    case ConnectorState.ACTIVE:
      throw unexpected('a frame', state.phase);
    default:
      return onDomainPdu(state, frame.bytes, config);
  }
}

function start(config: ConnectorConfig): ConnectorStep {
  if (!config.security.tls && !config.security.rdp)
    throw new ProtocolError('INVALID', 'neither TLS nor Standard RDP Security is allowed', 'connector');
  const output: Uint8Array[] = [];
  if (config.preconnectionId !== undefined && config.preconnectionId !== 0) {
    output.push(
      encodePreconnectionPdu({ version: PRECONNECTION_PDU_V2, flags: 0, id: config.preconnectionId, pcb: '' }),
    );
  }
  const requestedProtocols = config.security.tls ? NegProtocol.SSL : NegProtocol.RDP;
  output.push(
    encodeTpkt(
      encodeConnectionRequest({ cookie: config.userName.slice(0, 9), negotiation: { flags: 0, requestedProtocols } }),
    ),
  );
  return step({ phase: ConnectorState.NEGOTIATION }, output);
}

function onConnectionConfirm(bytes: Uint8Array, config: ConnectorConfig): ConnectorStep {
  const cc = decodeConnectionConfirm(decodeTpkt(bytes));
  if (cc.kind === 'failure') {
    return step(
      { phase: ConnectorState.NEGOTIATION },
      [],
      [
        {
          type: 'close',
          close: {
            kind: ConnectorFailure.NEGOTIATION,
            reason: `the server refused the security protocol (failure code ${cc.failureCode})`,
          },
        },
      ],
    );
  }
  const selectedProtocol = cc.kind === 'none' ? NegProtocol.RDP : cc.selectedProtocol;
  if (selectedProtocol === NegProtocol.SSL && config.security.tls) {
    return step(
      { phase: ConnectorState.TLS_HANDSHAKE, selectedProtocol, layer: SecurityLayer.TLS },
      [],
      [{ type: 'start-tls' }],
    );
  }
  if (selectedProtocol === NegProtocol.RDP && config.security.rdp) {
    return step({ phase: ConnectorState.MCS_CONNECT, selectedProtocol, layer: SecurityLayer.RDP }, [
      connectInitial(config, selectedProtocol),
    ]);
  }
  throw new ProtocolError(
    'UNSUPPORTED',
    `the server selected protocol 0x${selectedProtocol.toString(16)}`,
    'RDP_NEG_RSP',
  );
}

function connectInitial(config: ConnectorConfig, selectedProtocol: number): Uint8Array {
  const userData = encodeConferenceCreateRequest({
    conferenceName: CONFERENCE_NAME,
    userData: encodeClientDataBlocks(config, selectedProtocol),
  });
  return encodeTpkt(
    encodeX224Data(
      encodeConnectInitial({
        callingDomainSelector: DOMAIN_SELECTOR,
        calledDomainSelector: DOMAIN_SELECTOR,
        upwardFlag: true,
        targetParameters: TARGET_PARAMETERS,
        minimumParameters: MINIMUM_PARAMETERS,
        maximumParameters: MAXIMUM_PARAMETERS,
        userData,
      }),
    ),
  );
}

function encodeClientDataBlocks(config: ConnectorConfig, selectedProtocol: number): Uint8Array {
  return encodeClientData(clientConnectData(config, selectedProtocol));
}

function onConnectResponse(
  state: Extract<ConnectorSequenceState, { phase: typeof ConnectorState.MCS_CONNECT }>,
  bytes: Uint8Array,
  config: ConnectorConfig,
): ConnectorStep {
  const response = decodeConnectResponse(decodeX224Data(decodeTpkt(bytes)));
  if (response.result !== MCS_RESULT_SUCCESSFUL)
    throw new ProtocolError('UNEXPECTED', `MCS Connect Response result ${response.result}`, 'MCS Connect-Response');
  const serverData = decodeServerData(decodeConferenceCreateResponse(response.userData).userData);
  let security: SecurityLayerCodec;
  let exchange: Uint8Array | undefined;
  if (state.layer === SecurityLayer.RDP) {
    const rdp = clientRdpSecurity(serverData.security, config.keyHashes, config.crypto);
    security = rdp.codec;
    exchange = rdp.exchange;
  } else {
    security = SecurityLayerCodec.tls();
  }
  const next: ConnectorSequenceState = {
    ...negotiated(state),
    phase: ConnectorState.ATTACH_USER,
    serverData,
    security,
    ...(exchange ? { exchange } : {}),
  };
  return step(next, [
    encodeMcsFrame({
      type: McsPduType.ERECT_DOMAIN_REQUEST,
      subHeight: ERECT_DOMAIN_SUB_HEIGHT,
      subInterval: ERECT_DOMAIN_SUB_INTERVAL,
    }),
    encodeMcsFrame({ type: McsPduType.ATTACH_USER_REQUEST }),
  ]);
}

type DomainState = Exclude<
  ConnectorSequenceState,
  { phase: 'initial' | 'negotiation' | 'tls-handshake' | 'mcs-connect' | 'active' }
>;

function onDomainPdu(state: DomainState, bytes: Uint8Array, config: ConnectorConfig): ConnectorStep {
  const pdu = decodeServerSlowPathFrame(bytes);
  if (pdu.type === 'x224-disconnect' || pdu.type === McsPduType.DISCONNECT_PROVIDER_ULTIMATUM) {
    const errorInfo = 'errorInfo' in state ? state.errorInfo : undefined;
    return step(
      state,
      [],
      [
        {
          type: 'close',
          close: {
            kind: ConnectorFailure.REFUSED,
            reason: `the server ended the connection during ${state.phase}`,
            ...(errorInfo !== undefined ? { errorInfo } : {}),
          },
        },
      ],
    );
  }
  switch (state.phase) {
    case ConnectorState.ATTACH_USER: {
      if (pdu.type !== McsPduType.ATTACH_USER_CONFIRM) throw unexpected(`MCS PDU ${pdu.type}`, state.phase);
      if (pdu.result !== MCS_RESULT_SUCCESSFUL || pdu.initiator === undefined)
        throw new ProtocolError('UNEXPECTED', `Attach User Confirm result ${pdu.result}`, 'MCS Attach-User-Confirm');
      const ids = state.serverData.network?.channelIds ?? [];
      const channels = new ChannelTable(
        {
          userId: pdu.initiator,
          ioChannelId: state.serverData.network?.mcsChannelId ?? MCS_GLOBAL_CHANNEL_ID,
          staticChannels: config.channels.flatMap((name, i) => (ids[i] ? [{ name, id: ids[i] }] : [])),
        },
        config.maxChannelMessage,
      );
      const [first, ...pending] = [channels.userId, channels.ioChannelId, ...channels.staticIds];
      return step({ ...state, phase: ConnectorState.CHANNEL_JOIN, channels, pending: [first, ...pending] }, [
        joinRequest(channels.userId, first),
      ]);
    }
    case ConnectorState.CHANNEL_JOIN: {
      if (pdu.type !== McsPduType.CHANNEL_JOIN_CONFIRM) throw unexpected(`MCS PDU ${pdu.type}`, state.phase);
      const [requested, ...pending] = state.pending;
      if (pdu.requested !== requested)
        throw new ProtocolError(
          'UNEXPECTED',
          `join confirm for ${pdu.requested}, asked ${requested}`,
          'MCS Channel-Join-Confirm',
        );
      const joined = pdu.result === MCS_RESULT_SUCCESSFUL && state.channels.join(requested);
      // A static channel the server will not join is simply absent; the user and I/O channels are not optional.
      if (!joined && (requested === state.channels.userId || requested === state.channels.ioChannelId))
        throw new ProtocolError(
          'UNEXPECTED',
          `the server refused to join channel ${requested}`,
          'MCS Channel-Join-Confirm',
        );
      if (pending.length > 0) return step({ ...state, pending }, [joinRequest(state.channels.userId, pending[0])]);
      const { pending: _done, ...attached } = state;
      return step({ ...attached, phase: ConnectorState.LICENSING }, admissionFrames(attached, config));
    }
    default:
      if (pdu.type !== McsPduType.SEND_DATA_INDICATION) throw unexpected(`MCS PDU ${pdu.type}`, state.phase);
      if (pdu.channelId !== state.channels.ioChannelId) {
        // Static channel data before activation: decrypt it to keep the RC4 stream in step, then drop it.
        state.security.unwrap(pdu.data);
        return step(state);
      }
      return onIoPdu(state, pdu.data, config);
  }
}

function joinRequest(userId: number, channelId: number): Uint8Array {
  return encodeMcsFrame({ type: McsPduType.CHANNEL_JOIN_REQUEST, initiator: userId, channelId });
}

/** The Security Exchange PDU (if any, never encrypted) and the Client Info PDU. */
function admissionFrames(state: ConnectorAttached, config: ConnectorConfig): Uint8Array[] {
  const { userId, ioChannelId } = state.channels;
  const frames: Uint8Array[] = [];
  if (state.exchange) {
    frames.push(
      encodeMcsFrame({
        type: McsPduType.SEND_DATA_REQUEST,
        initiator: userId,
        channelId: ioChannelId,
        data: state.exchange,
      }),
    );
  }
  frames.push(
    encodeClientChannelFrame(
      state.security,
      userId,
      ioChannelId,
      encodeClientInfo(invitationClientInfo(config)),
      SecurityFlag.INFO_PKT,
    ),
  );
  return frames;
}

type AdmittingState = Extract<ConnectorSequenceState, { phase: 'licensing' | 'capabilities' | 'finalization' }>;

function onIoPdu(state: AdmittingState, data: Uint8Array, config: ConnectorConfig): ConnectorStep {
  const { flags, payload } = unwrapServerIoPdu(state.security, data);
  const pdu = classifyServerIoPdu(flags, payload);
  switch (pdu.kind) {
    case 'license':
      return onLicense(state, pdu.payload);
    case 'control': {
      if (pdu.pduType === PduType.DEMAND_ACTIVE) {
        if (state.phase === ConnectorState.FINALIZATION) throw unexpected('Demand Active', state.phase);
        const { userId, ioChannelId } = state.channels;
        const exchange = answerDemandActive(
          state.security,
          { userId, ioChannelId },
          pdu.pduSource,
          pdu.body,
          config.surfaceCodecs ?? {},
        );
        // Some servers skip licensing: a Demand Active then also says the Client Info was accepted.
        const actions: ConnectorAction[] = state.phase === ConnectorState.LICENSING ? [{ type: 'authenticated' }] : [];
        return step(
          {
            ...state,
            phase: ConnectorState.FINALIZATION,
            desktop: exchange.desktop,
            address: exchange.address,
            serverChannelId: pdu.pduSource,
            frameAcknowledge: exchange.frameAcknowledge,
          },
          exchange.frames,
          actions,
        );
      }
      return step(state);
    }
    case 'data': {
      const { pduType2, body } = pdu.data;
      if (pduType2 === PduType2.SET_ERROR_INFO) return step({ ...state, errorInfo: decodeSetErrorInfo(body) });
      if (state.phase !== ConnectorState.FINALIZATION) return step(state);
      if (ClientFinalization.receive(pduType2, body) !== true) return step(state);
      const activation: ConnectorActivation = {
        desktop: state.desktop,
        security: state.security,
        channels: state.channels,
        address: state.address,
        serverChannelId: state.serverChannelId,
        selectedProtocol: state.selectedProtocol,
        surfaceCodecs: config.surfaceCodecs ?? {},
        frameAcknowledge: state.frameAcknowledge,
      };
      return step({ phase: ConnectorState.ACTIVE, activation });
    }
    default:
      return step(state);
  }
}

function onLicense(state: AdmittingState, payload: Uint8Array): ConnectorStep {
  if (state.phase !== ConnectorState.LICENSING) throw unexpected('a licensing PDU', state.phase);
  const license = decodeLicensingPdu(payload);
  if (
    license.msgType !== LicenseMessageType.ERROR_ALERT ||
    !('errorCode' in license) ||
    license.errorCode !== LicenseErrorCode.STATUS_VALID_CLIENT
  )
    throw new ProtocolError(
      'UNSUPPORTED',
      `licensing message 0x${license.msgType.toString(16)}: only a server that licenses every client is supported`,
      'licensing',
    );
  return step({ ...state, phase: ConnectorState.CAPABILITIES }, [], [{ type: 'authenticated' }]);
}

function negotiated(state: ConnectorNegotiated): ConnectorNegotiated {
  return { selectedProtocol: state.selectedProtocol, layer: state.layer };
}

function unexpected(what: string, phase: string): ProtocolError {
  return new ProtocolError('UNEXPECTED', `${what} in state ${phase}`, 'connector');
}
