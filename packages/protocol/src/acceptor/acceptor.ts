import { ChannelReassembler, chunkChannelData } from '../channels/virtual-channel.js';
import { decodeConfirmActive, encodeDeactivateAll, encodeDemandActive } from '../connection/active.js';
import {
  type CapabilitySet,
  CapabilitySetType,
  findCapability,
  GeneralExtraFlag,
  type RawCapability,
} from '../connection/capabilities.js';
import { type ClientData, decodeClientData, requestedColorDepth } from '../connection/client-data.js';
import { type ClientInfo, decodeClientInfo } from '../connection/client-info.js';
import { encodeSetErrorInfo } from '../connection/error-info.js';
import {
  ControlAction,
  decodeControl,
  encodeControl,
  encodeFontMap,
  encodeSynchronize,
  FontListFlag,
  SYNCMSGTYPE_SYNC,
} from '../connection/finalization.js';
import { peekFrame } from '../connection/framing.js';
import { decodeConferenceCreateRequest, encodeConferenceCreateResponse } from '../connection/gcc.js';
import { encodeLicenseValidClient } from '../connection/licensing.js';
import {
  type DomainParameters,
  decodeConnectInitial,
  decodeMcsDomainPdu,
  encodeConnectResponse,
  encodeMcsDomainPdu,
  MCS_GLOBAL_CHANNEL_ID,
  McsDisconnectReason,
  McsPduType,
} from '../connection/mcs.js';
import { decodePreconnectionPdu, MAX_PRECONNECTION_PDU, type PreconnectionPdu } from '../connection/preconnection.js';
import { decodeRefreshRect } from '../connection/refresh-rect.js';
import { encodeSecurityHeader, readSecurityHeader, SecurityHeaderKind } from '../connection/security-header.js';
import { encodeServerData, RdpVersion } from '../connection/server-data.js';
import {
  decodeShareControl,
  decodeShareData,
  encodeDataPdu,
  encodeShareControl,
  PduType,
  PduType2,
} from '../connection/share-headers.js';
import { decodeSuppressOutput } from '../connection/suppress-output.js';
import { decodeTpkt, encodeTpkt } from '../connection/tpkt.js';
import {
  type ConnectionConfirm,
  decodeConnectionRequest,
  decodeX224Data,
  encodeConnectionConfirm,
  encodeX224Data,
  NegFailureCode,
  NegProtocol,
  NegResponseFlags,
  peekX224Type,
  X224TpduType,
} from '../connection/x224.js';
import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';
import { FastPathSecurityFlags } from '../data/fastpath-envelope.js';
import { decodeFastPathInputEvents, decodeFastPathInputHeader } from '../data/fastpath-input.js';
import {
  effectiveMaxRequestSize,
  encodeFastPathOutputPdu,
  encodeFastPathUpdates,
  type FastPathUpdate,
  fragmentFastPathUpdate,
  maxFastPathFragmentData,
} from '../data/fastpath-output.js';
import { decodeSlowPathInput } from '../data/slowpath-input.js';
import { decryptClientRandom } from '../security/client-random.js';
import { chooseEncryptionMethod, EncryptionMethod, encryptionLevelFor } from '../security/encryption-method.js';
import { RdpSecurityContext } from '../security/rdp-security.js';
import { decodeSecurityExchange } from '../security/security-exchange.js';
import { SecurityFlag } from '../security/security-flags.js';
import type {
  AcceptorHost,
  AcceptorOptions,
  ActivatedClient,
  ClientCapabilities,
  SecurityLayer,
} from './acceptor-host.js';
import { serverCapabilitySets } from './server-capabilities.js';
import { slowPathUpdate } from './slow-path-update.js';

/** Where the acceptor is in the connection sequence (MS-RDPBCGR 1.3.1.1). */
export const AcceptorState = {
  /** Waiting for a Preconnection PDU or the X.224 Connection Request. */
  INITIAL: 'initial',
  /** Connection Confirm written; waiting for the host's TLS handshake. */
  TLS_HANDSHAKE: 'tls-handshake',
  MCS_CONNECT: 'mcs-connect',
  /** Erect Domain, Attach User and Channel Join requests. */
  MCS_DOMAIN: 'mcs-domain',
  SECURITY_EXCHANGE: 'security-exchange',
  CLIENT_INFO: 'client-info',
  /** Demand Active sent; waiting for Confirm Active. */
  CAPABILITIES: 'capabilities',
  /** Confirm Active received; waiting for the client's finalization PDUs up to Font List. */
  FINALIZATION: 'finalization',
  ACTIVE: 'active',
  CLOSED: 'closed',
} as const;
export type AcceptorState = (typeof AcceptorState)[keyof typeof AcceptorState];

/** The server's MCS user id: the initiator of everything it sends and the pduSource of its share PDUs. */
const SERVER_CHANNEL_ID = 1002;
const SHARE_ID = 0x000103ea;
const SOURCE_DESCRIPTOR = 'RDP';
/** Client-to-server frames are small (input, channel chunks); TPKT caps them at 64 KiB anyway. */
const MAX_FRAME = 0xffff;
/** Input that may pile up while the TLS handshake runs (the client sends nothing then, so this is generous). */
const MAX_HELD_INPUT = 256 * 1024;
const DEFAULT_MAX_CHANNEL_MESSAGE = 1024 * 1024;

const DOMAIN_PARAMETERS: DomainParameters = {
  maxChannelIds: 34,
  maxUserIds: 3,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xfff8,
  protocolVersion: 2,
};

interface StaticChannel {
  name: string;
  id: number;
  served: boolean;
  reassembler: ChannelReassembler;
}

/**
 * The server role of an RDP connection as a pure state machine: feed it the transport's bytes with
 * {@link receive}, it writes its answers through `host.write` and reports the client through the host
 * callbacks. It negotiates TLS (via `host.startTls`) or Standard RDP Security, runs the MCS/GCC exchange,
 * authenticates with `host.authenticate`, licenses (valid client), activates with a Demand Active PDU and
 * finalizes; then it decodes input and channel data and sends graphics with {@link sendFastPath}.
 *
 * Protocol violations never throw out of `receive`: they end the connection with `host.onClose(reason, error)`.
 */
export class RdpAcceptor {
  private stateValue: AcceptorState = AcceptorState.INITIAL;
  private input = new Uint8Array(0);
  private held = false;
  private processing = false;
  private requestedProtocols = 0;
  private negotiated = false;
  private securityLayer: SecurityLayer = 'tls';
  private security?: RdpSecurityContext;
  private headerKind: SecurityHeaderKind = SecurityHeaderKind.BASIC;
  private encryptionMethod: number = EncryptionMethod.NONE;
  private serverRandom?: Uint8Array;
  private clientData?: ClientData;
  private staticChannels: StaticChannel[] = [];
  private messageChannelId?: number;
  private userId = 0;
  private joined = new Set<number>();
  private info?: ClientInfo;
  private activated?: ActivatedClient;
  private readonly maxChannelMessage: number;
  private width: number;
  private height: number;
  /** The preconnection PDU, if the client sent one. */
  preconnection?: PreconnectionPdu;

  constructor(
    private readonly host: AcceptorHost,
    private readonly options: AcceptorOptions,
  ) {
    this.maxChannelMessage = options.maxChannelMessage ?? DEFAULT_MAX_CHANNEL_MESSAGE;
    this.width = options.width;
    this.height = options.height;
  }

  get state(): AcceptorState {
    return this.stateValue;
  }

  /** The Client Info PDU, once received. */
  get clientInfo(): ClientInfo | undefined {
    return this.info;
  }

  /** The static channel names the client declared, in order. */
  get channels(): string[] {
    return this.staticChannels.map((c) => c.name);
  }

  /** The activated client, once finalization is done. */
  get client(): ActivatedClient | undefined {
    return this.activated;
  }

  /** Feeds bytes from the transport. Never throws; errors close the connection through `host.onClose`. */
  receive(bytes: Uint8Array): void {
    if (this.stateValue === AcceptorState.CLOSED) return;
    const joined = new Uint8Array(this.input.byteLength + bytes.byteLength);
    joined.set(this.input);
    joined.set(bytes, this.input.byteLength);
    this.input = joined;
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
      while (this.stateValue !== AcceptorState.CLOSED && !this.held) {
        const length = this.nextFrameLength();
        if (length === undefined || length > this.input.byteLength) break;
        const frame = this.input.subarray(0, length);
        this.input = this.input.subarray(length);
        this.handleFrame(frame);
      }
      if (this.held && this.input.byteLength > MAX_HELD_INPUT) {
        throw new ProtocolError(
          'OVERSIZE',
          `${this.input.byteLength} bytes arrived during the TLS handshake`,
          'acceptor',
        );
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.processing = false;
    }
  }

  private nextFrameLength(): number | undefined {
    const b = this.input;
    if (this.stateValue === AcceptorState.INITIAL && !this.preconnection && b.byteLength > 0 && b[0] !== 0x03) {
      if (b.byteLength < 4) return undefined;
      const cbSize = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
      if (cbSize < 16 || cbSize > MAX_PRECONNECTION_PDU)
        throw new ProtocolError('INVALID', `cbSize ${cbSize}`, 'RDP_PRECONNECTION_PDU');
      return cbSize;
    }
    return peekFrame(b, MAX_FRAME)?.length;
  }

  private handleFrame(frame: Uint8Array): void {
    if (this.stateValue === AcceptorState.INITIAL && !this.preconnection && frame[0] !== 0x03) {
      this.preconnection = decodePreconnectionPdu(frame);
      return;
    }
    if (frame[0] !== 0x03) {
      this.handleFastPath(frame);
      return;
    }
    const tpdu = decodeTpkt(frame);
    const type = peekX224Type(tpdu);
    if (type === X224TpduType.CONNECTION_REQUEST) {
      this.expect(AcceptorState.INITIAL, 'X.224 Connection Request');
      this.handleConnectionRequest(tpdu);
      return;
    }
    if (type === X224TpduType.DISCONNECT_REQUEST) {
      this.close('client sent X.224 Disconnect Request');
      return;
    }
    const mcs = decodeX224Data(tpdu);
    if (this.stateValue === AcceptorState.MCS_CONNECT) {
      this.handleConnectInitial(mcs);
      return;
    }
    this.handleDomainPdu(mcs);
  }

  private expect(state: AcceptorState, what: string): void {
    if (this.stateValue !== state)
      throw new ProtocolError('UNEXPECTED', `${what} in state ${this.stateValue}`, 'acceptor');
  }

  // ---- X.224 negotiation (MS-RDPBCGR 3.3.5.3.2) ----

  private handleConnectionRequest(tpdu: Uint8Array): void {
    const cr = decodeConnectionRequest(tpdu);
    const neg = cr.negotiation;
    this.negotiated = neg !== undefined;
    this.requestedProtocols = neg?.requestedProtocols ?? NegProtocol.RDP;
    const tls = this.options.security.tls && this.host.startTls !== undefined;
    const rdp = this.options.security.rdp !== undefined;
    const wantsSsl = (this.requestedProtocols & NegProtocol.SSL) !== 0;
    if (wantsSsl && tls) {
      this.securityLayer = 'tls';
      this.writeX224(
        encodeConnectionConfirm({
          kind: 'response',
          flags: NegResponseFlags.EXTENDED_CLIENT_DATA_SUPPORTED,
          selectedProtocol: NegProtocol.SSL,
        }),
      );
      this.startTls();
      return;
    }
    if (this.requestedProtocols === NegProtocol.RDP && rdp) {
      this.securityLayer = 'rdp';
      const cc: ConnectionConfirm = this.negotiated
        ? {
            kind: 'response',
            flags: NegResponseFlags.EXTENDED_CLIENT_DATA_SUPPORTED,
            selectedProtocol: NegProtocol.RDP,
          }
        : { kind: 'none' };
      this.writeX224(encodeConnectionConfirm(cc));
      this.stateValue = AcceptorState.MCS_CONNECT;
      return;
    }
    // Nothing we can select. A failure with SSL_NOT_ALLOWED makes FreeRDP retry with Standard RDP Security.
    if (!this.negotiated)
      throw new ProtocolError(
        'UNSUPPORTED',
        'client cannot negotiate and Standard RDP Security is off',
        'X.224 Connection Request',
      );
    const failureCode = rdp ? NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER : NegFailureCode.SSL_REQUIRED_BY_SERVER;
    this.writeX224(encodeConnectionConfirm({ kind: 'failure', failureCode }));
    this.close(
      `negotiation failed: requested protocols 0x${this.requestedProtocols.toString(16)}, failure code ${failureCode}`,
    );
  }

  private startTls(): void {
    this.stateValue = AcceptorState.TLS_HANDSHAKE;
    this.held = true;
    (this.host.startTls as () => Promise<void>).call(this.host).then(
      () => {
        if (this.stateValue === AcceptorState.CLOSED) return;
        this.held = false;
        this.stateValue = AcceptorState.MCS_CONNECT;
        this.drain();
      },
      (err: unknown) => this.close(`TLS handshake failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  // ---- MCS Connect Initial / Response with GCC (2.2.1.3, 2.2.1.4) ----

  private handleConnectInitial(bytes: Uint8Array): void {
    const ci = decodeConnectInitial(bytes);
    const gcc = decodeConferenceCreateRequest(ci.userData);
    const data = decodeClientData(gcc.userData);
    this.clientData = data;
    const served = this.options.channels;
    let nextId = MCS_GLOBAL_CHANNEL_ID + 1;
    this.staticChannels = (data.network?.channels ?? []).map((def) => ({
      name: def.name,
      id: nextId++,
      served: served === undefined || served.includes(def.name),
      reassembler: new ChannelReassembler(this.maxChannelMessage),
    }));
    if (data.messageChannel) this.messageChannelId = nextId++;
    this.userId = nextId++;

    let security: {
      encryptionMethod: number;
      encryptionLevel: number;
      serverRandom?: Uint8Array;
      serverCertificate?: Uint8Array;
    };
    if (this.securityLayer === 'rdp') {
      const rdp = this.options.security.rdp;
      if (!rdp) throw new ProtocolError('UNSUPPORTED', 'Standard RDP Security is not configured', 'acceptor');
      const fipsCapable =
        rdp.fips === true && this.options.crypto.des3Cbc !== undefined && this.options.crypto.hmacSha1 !== undefined;
      const allowed =
        EncryptionMethod.BIT_40 |
        EncryptionMethod.BIT_56 |
        EncryptionMethod.BIT_128 |
        (fipsCapable ? EncryptionMethod.FIPS : 0);
      const method = chooseEncryptionMethod(
        data.security?.encryptionMethods ?? 0,
        data.security?.extEncryptionMethods,
        allowed,
      );
      if (method === undefined || method === EncryptionMethod.NONE) {
        throw new ProtocolError('UNSUPPORTED', 'no encryption method in common with the client', 'TS_UD_CS_SEC');
      }
      this.encryptionMethod = method;
      this.headerKind = method === EncryptionMethod.FIPS ? SecurityHeaderKind.FIPS : SecurityHeaderKind.NON_FIPS;
      this.serverRandom = this.options.crypto.randomBytes(32);
      security = {
        encryptionMethod: method,
        encryptionLevel: encryptionLevelFor(method),
        serverRandom: this.serverRandom,
        serverCertificate: rdp.certificate,
      };
    } else {
      security = { encryptionMethod: 0, encryptionLevel: 0 };
    }

    const serverData = encodeServerData({
      core: {
        version: RdpVersion.RDP5_PLUS,
        clientRequestedProtocols: this.requestedProtocols,
        earlyCapabilityFlags: 0,
      },
      network: { mcsChannelId: MCS_GLOBAL_CHANNEL_ID, channelIds: this.staticChannels.map((c) => c.id) },
      security,
      ...(this.messageChannelId !== undefined ? { messageChannel: { mcsChannelId: this.messageChannelId } } : {}),
    });
    const gccResponse = encodeConferenceCreateResponse({ nodeId: 0x79f3, tag: 1, result: 0, userData: serverData });
    this.writeX224(
      encodeX224Data(
        encodeConnectResponse({
          result: 0,
          calledConnectId: 0,
          domainParameters: DOMAIN_PARAMETERS,
          userData: gccResponse,
        }),
      ),
    );
    this.stateValue = AcceptorState.MCS_DOMAIN;
  }

  // ---- MCS domain PDUs (2.2.1.5–2.2.1.9) and everything carried in Send Data Requests ----

  private handleDomainPdu(bytes: Uint8Array): void {
    const pdu = decodeMcsDomainPdu(bytes);
    switch (pdu.type) {
      case McsPduType.ERECT_DOMAIN_REQUEST:
        this.expect(AcceptorState.MCS_DOMAIN, 'Erect Domain Request');
        return;
      case McsPduType.ATTACH_USER_REQUEST:
        this.expect(AcceptorState.MCS_DOMAIN, 'Attach User Request');
        this.writeMcs({ type: McsPduType.ATTACH_USER_CONFIRM, result: 0, initiator: this.userId });
        return;
      case McsPduType.CHANNEL_JOIN_REQUEST: {
        this.expect(AcceptorState.MCS_DOMAIN, 'Channel Join Request');
        const known = this.isKnownChannel(pdu.channelId);
        if (known) this.joined.add(pdu.channelId);
        this.writeMcs(
          known
            ? {
                type: McsPduType.CHANNEL_JOIN_CONFIRM,
                result: 0,
                initiator: this.userId,
                requested: pdu.channelId,
                channelId: pdu.channelId,
              }
            : { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 3, initiator: this.userId, requested: pdu.channelId },
        );
        return;
      }
      case McsPduType.DISCONNECT_PROVIDER_ULTIMATUM:
        this.close('client disconnected (MCS Disconnect Provider Ultimatum)');
        return;
      case McsPduType.SEND_DATA_REQUEST:
        this.handleSendData(pdu.channelId, pdu.data);
        return;
      default:
        throw new ProtocolError('UNEXPECTED', `MCS PDU ${pdu.type} from a client`, 'acceptor');
    }
  }

  private isKnownChannel(id: number): boolean {
    return (
      id === this.userId ||
      id === MCS_GLOBAL_CHANNEL_ID ||
      id === this.messageChannelId ||
      this.staticChannels.some((c) => c.id === id)
    );
  }

  private handleSendData(channelId: number, data: Uint8Array): void {
    if (this.stateValue === AcceptorState.MCS_DOMAIN) {
      if (!this.joined.has(this.userId) || !this.joined.has(MCS_GLOBAL_CHANNEL_ID)) {
        throw new ProtocolError('UNEXPECTED', 'data before joining the user and I/O channels', 'acceptor');
      }
      this.stateValue = this.securityLayer === 'rdp' ? AcceptorState.SECURITY_EXCHANGE : AcceptorState.CLIENT_INFO;
    }
    if (this.stateValue === AcceptorState.SECURITY_EXCHANGE) {
      if (channelId !== MCS_GLOBAL_CHANNEL_ID)
        throw new ProtocolError('UNEXPECTED', `data on channel ${channelId} before security exchange`, 'acceptor');
      this.handleSecurityExchange(data);
      return;
    }
    if (channelId === MCS_GLOBAL_CHANNEL_ID) {
      this.handleIoChannel(data);
      return;
    }
    const channel = this.staticChannels.find((c) => c.id === channelId);
    if ((!channel && channelId !== this.messageChannelId) || !this.joined.has(channelId)) {
      throw new ProtocolError('UNEXPECTED', `data on unjoined channel ${channelId}`, 'acceptor');
    }
    // Decrypt even what is dropped: every client PDU advances the RC4 stream.
    const payload = this.unwrapSecurity(data, false).payload;
    // Auto-detect and multitransport messages on the message channel are not used by this server.
    if (!channel) return;
    if (this.stateValue !== AcceptorState.ACTIVE && this.stateValue !== AcceptorState.FINALIZATION) return;
    const message = channel.reassembler.push(payload);
    if (message && channel.served) this.host.onChannelData?.(channel.name, message.data);
  }

  /**
   * Strips the security header where one is present and decrypts under Standard RDP Security. With TLS only
   * the security exchange, Client Info and licensing PDUs carry a (basic) header; `always` says this is one.
   */
  private unwrapSecurity(data: Uint8Array, always: boolean): { flags: number; payload: Uint8Array } {
    if (this.securityLayer === 'tls' && !always) return { flags: 0, payload: data };
    const r = new ByteReader(data, 'TS_SECURITY_HEADER');
    const header = readSecurityHeader(r, this.headerKind);
    const rest = r.rest();
    if (!(header.flags & SecurityFlag.ENCRYPT)) return { flags: header.flags, payload: rest };
    if (!this.security)
      throw new ProtocolError('SECURITY', 'encrypted PDU without a security context', 'TS_SECURITY_HEADER');
    const payload = this.security.decrypt(rest, header.dataSignature as Uint8Array, {
      salted: (header.flags & SecurityFlag.SECURE_CHECKSUM) !== 0,
      padLength: header.padLength,
    });
    return { flags: header.flags, payload };
  }

  private handleSecurityExchange(data: Uint8Array): void {
    const rdp = this.options.security.rdp as NonNullable<AcceptorOptions['security']['rdp']>;
    const exchange = decodeSecurityExchange(data);
    const clientRandom = decryptClientRandom(exchange.encryptedClientRandom, rdp.key);
    this.security = new RdpSecurityContext({
      role: 'server',
      method: this.encryptionMethod as EncryptionMethod,
      clientRandom,
      serverRandom: this.serverRandom as Uint8Array,
      crypto: this.options.crypto,
    });
    this.stateValue = AcceptorState.CLIENT_INFO;
  }

  private handleIoChannel(data: Uint8Array): void {
    if (this.stateValue === AcceptorState.CLIENT_INFO) {
      const { flags, payload } = this.unwrapSecurity(data, true);
      if (!(flags & SecurityFlag.INFO_PKT))
        throw new ProtocolError('UNEXPECTED', 'expected the Client Info PDU', 'acceptor');
      this.handleClientInfo(decodeClientInfo(payload));
      return;
    }
    const { flags, payload } = this.unwrapSecurity(data, false);
    // Licensing PDUs from the client (we never ask for any) are dropped.
    if (flags & SecurityFlag.LICENSE_PKT) return;
    const control = decodeShareControl(payload);
    if (!control) return;
    switch (control.pduType) {
      case PduType.CONFIRM_ACTIVE:
        this.handleConfirmActive(control.body);
        return;
      case PduType.DATA:
        this.handleDataPdu(control.body);
        return;
      default:
        return;
    }
  }

  private handleClientInfo(info: ClientInfo): void {
    this.info = info;
    const verdict = this.host.authenticate(info, { channels: this.channels });
    if (!verdict.accept) {
      this.sendData(PduType2.SET_ERROR_INFO, encodeSetErrorInfo(verdict.errorInfo));
      this.writeMcs({ type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM, reason: McsDisconnectReason.PROVIDER_INITIATED });
      this.close(`authentication refused: ${verdict.reason}`);
      return;
    }
    this.sendSecure(MCS_GLOBAL_CHANNEL_ID, encodeLicenseValidClient(), SecurityFlag.LICENSE_PKT, false);
    this.sendDemandActive();
  }

  private sendDemandActive(): void {
    // The server has the last word on the session depth (the client adopts the Demand Active's preferredBitsPerPixel).
    const colorDepth = Math.min(
      requestedColorDepth((this.clientData as ClientData).core),
      this.options.maxColorDepth ?? 32,
    );
    const capabilitySets = serverCapabilitySets({
      width: this.width,
      height: this.height,
      colorDepth,
      serverChannelId: SERVER_CHANNEL_ID,
    });
    const body = encodeDemandActive({
      shareId: SHARE_ID,
      sourceDescriptor: SOURCE_DESCRIPTOR,
      capabilitySets,
      sessionId: 0,
    });
    this.sendSecure(
      MCS_GLOBAL_CHANNEL_ID,
      encodeShareControl({ pduType: PduType.DEMAND_ACTIVE, pduSource: SERVER_CHANNEL_ID, body }),
    );
    this.stateValue = AcceptorState.CAPABILITIES;
  }

  private handleConfirmActive(body: Uint8Array): void {
    this.expect(AcceptorState.CAPABILITIES, 'Confirm Active PDU');
    const confirm = decodeConfirmActive(body);
    this.activated = this.summarize(confirm.capabilitySets);
    this.stateValue = AcceptorState.FINALIZATION;
  }

  private summarize(sets: (CapabilitySet | RawCapability)[]): ActivatedClient {
    const general = findCapability(sets, CapabilitySetType.GENERAL);
    const bitmap = findCapability(sets, CapabilitySetType.BITMAP);
    const input = findCapability(sets, CapabilitySetType.INPUT);
    const pointer = findCapability(sets, CapabilitySetType.POINTER);
    const multifragment = findCapability(sets, CapabilitySetType.MULTIFRAGMENTUPDATE);
    const largePointer = findCapability(sets, CapabilitySetType.LARGE_POINTER);
    const surface = findCapability(sets, CapabilitySetType.SURFACE_COMMANDS);
    const codecs = findCapability(sets, CapabilitySetType.BITMAP_CODECS);
    const frameAck = findCapability(sets, CapabilitySetType.FRAME_ACKNOWLEDGE);
    const extraFlags = general?.extraFlags ?? 0;
    const capabilities: ClientCapabilities = {
      fastPathOutput: (extraFlags & GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED) !== 0,
      multifragmentMaxRequestSize: effectiveMaxRequestSize(multifragment?.maxRequestSize),
      inputFlags: input?.inputFlags ?? 0,
      colorPointerCacheSize: pointer?.colorPointerFlag ? pointer.colorPointerCacheSize : 0,
      pointerCacheSize: pointer?.pointerCacheSize ?? 0,
      largePointerFlags: largePointer?.largePointerSupportFlags ?? 0,
      surfaceCommands: surface?.cmdFlags ?? 0,
      codecs: codecs?.codecs ?? [],
      bitmapCompression: (bitmap?.bitmapCompressionFlag ?? 0) !== 0,
      noBitmapCompressionHeader: (extraFlags & GeneralExtraFlag.NO_BITMAP_COMPRESSION_HDR) !== 0,
      ...(frameAck ? { frameAcknowledge: frameAck.maxUnacknowledgedFrameCount } : {}),
    };
    const data = this.clientData as ClientData;
    return {
      width: this.width,
      height: this.height,
      colorDepth: bitmap?.preferredBitsPerPixel || requestedColorDepth(data.core),
      securityLayer: this.securityLayer,
      encryptionMethod: this.encryptionMethod,
      clientInfo: this.info as ClientInfo,
      clientData: data,
      channels: this.channels,
      capabilities,
      capabilitySets: sets,
    };
  }

  // ---- Data PDUs: finalization (2.2.1.14–2.2.1.22) and the data phase ----

  private handleDataPdu(body: Uint8Array): void {
    const data = decodeShareData(body);
    if (data.compressedType & 0x20) throw new ProtocolError('UNSUPPORTED', 'compressed data PDU', 'TS_SHAREDATAHEADER');
    const active = this.stateValue === AcceptorState.ACTIVE;
    // Between a Deactivate All and the next Confirm Active the client may still have input in flight.
    if (this.stateValue === AcceptorState.CAPABILITIES && this.activated) return;
    if (!active && this.stateValue !== AcceptorState.FINALIZATION) {
      throw new ProtocolError(
        'UNEXPECTED',
        `data PDU 0x${data.pduType2.toString(16)} in state ${this.stateValue}`,
        'acceptor',
      );
    }
    switch (data.pduType2) {
      case PduType2.SYNCHRONIZE:
      case PduType2.BITMAPCACHE_PERSISTENT_LIST:
        return;
      case PduType2.CONTROL: {
        const control = decodeControl(data.body);
        if (control.action !== ControlAction.COOPERATE && control.action !== ControlAction.REQUEST_CONTROL) {
          throw new ProtocolError('INVALID', `control action ${control.action} from a client`, 'TS_CONTROL_PDU');
        }
        return;
      }
      case PduType2.FONTLIST:
        this.finishActivation();
        return;
      case PduType2.INPUT:
        if (active) this.host.onInput?.(decodeSlowPathInput(data.body));
        return;
      case PduType2.REFRESH_RECT:
        if (active) this.host.onRefreshRect?.(decodeRefreshRect(data.body));
        return;
      case PduType2.SUPPRESS_OUTPUT: {
        const s = decodeSuppressOutput(data.body);
        if (active) this.host.onSuppressOutput?.(s.allowDisplayUpdates, s.rect);
        return;
      }
      case PduType2.FRAME_ACKNOWLEDGE:
        if (active) this.host.onFrameAcknowledge?.(new ByteReader(data.body, 'TS_FRAME_ACKNOWLEDGE_PDU').u32le());
        return;
      case PduType2.SHUTDOWN_REQUEST:
        // A viewer leaving a shared desktop is always allowed to: no Shutdown Denied, just end the connection.
        this.writeMcs({ type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM, reason: McsDisconnectReason.USER_REQUESTED });
        this.close('client shut down');
        return;
      default:
        return;
    }
  }

  private finishActivation(): void {
    this.expect(AcceptorState.FINALIZATION, 'Font List PDU');
    this.sendData(PduType2.SYNCHRONIZE, encodeSynchronize({ messageType: SYNCMSGTYPE_SYNC, targetUser: this.userId }));
    this.sendData(PduType2.CONTROL, encodeControl({ action: ControlAction.COOPERATE, grantId: 0, controlId: 0 }));
    this.sendData(
      PduType2.CONTROL,
      encodeControl({ action: ControlAction.GRANTED_CONTROL, grantId: this.userId, controlId: SERVER_CHANNEL_ID }),
    );
    this.sendData(
      PduType2.FONTMAP,
      encodeFontMap({
        numberEntries: 0,
        totalNumEntries: 0,
        mapFlags: FontListFlag.FIRST | FontListFlag.LAST,
        entrySize: 4,
      }),
    );
    this.stateValue = AcceptorState.ACTIVE;
    this.host.onActive?.(this.activated as ActivatedClient);
  }

  private handleFastPath(frame: Uint8Array): void {
    if (this.stateValue !== AcceptorState.ACTIVE) return;
    const fips = this.encryptionMethod === EncryptionMethod.FIPS;
    const header = decodeFastPathInputHeader(frame, { fips });
    let payload = frame.subarray(header.payloadOffset, header.length);
    if (header.flags & FastPathSecurityFlags.ENCRYPTED) {
      if (!this.security)
        throw new ProtocolError('SECURITY', 'encrypted fast-path input without a security context', 'TS_FP_INPUT_PDU');
      payload = this.security.decrypt(payload, header.signature as Uint8Array, {
        salted: (header.flags & FastPathSecurityFlags.SECURE_CHECKSUM) !== 0,
        padLength: header.fipsInformation?.padLength,
      });
    }
    const events = decodeFastPathInputEvents(payload, header.numEvents);
    if (events.length > 0) this.host.onInput?.(events);
  }

  // ---- Output ----

  /**
   * Sends graphics updates (TS_FP_UPDATE code and uncompressed data, e.g. a bitmap update from
   * `encodeBitmapUpdate`). Over fast-path, each update is fragmented to the client's MultifragmentUpdate size,
   * small ones share a PDU, and everything is encrypted under Standard RDP Security. A client without
   * fast-path output gets the slow-path equivalents (`slowPathUpdate`). Only valid once active.
   */
  sendFastPath(updates: readonly { code: number; data: Uint8Array }[]): void {
    if (this.stateValue !== AcceptorState.ACTIVE)
      throw new ProtocolError('UNEXPECTED', `cannot send graphics in state ${this.stateValue}`, 'acceptor');
    const client = this.activated as ActivatedClient;
    if (!client.capabilities.fastPathOutput) {
      for (const update of updates) {
        const { pduType2, body } = slowPathUpdate(update.code, update.data);
        this.sendData(pduType2, body);
      }
      return;
    }
    const securityHeaderSize = this.security ? (this.encryptionMethod === EncryptionMethod.FIPS ? 12 : 8) : 0;
    const limits = { maxRequestSize: client.capabilities.multifragmentMaxRequestSize, securityHeaderSize };
    const room = maxFastPathFragmentData(limits) + 3;
    let batch: FastPathUpdate[] = [];
    let batchSize = 0;
    const flush = () => {
      if (batch.length === 0) return;
      this.writeFastPath(encodeFastPathUpdates(batch));
      batch = [];
      batchSize = 0;
    };
    for (const update of updates) {
      for (const fragment of fragmentFastPathUpdate(update.code, update.data, limits)) {
        const size = fragment.data.byteLength + 3;
        if (batchSize + size > room) flush();
        batch.push(fragment);
        batchSize += size;
      }
    }
    flush();
  }

  private writeFastPath(updates: Uint8Array): void {
    if (!this.security) {
      this.host.write(encodeFastPathOutputPdu({ updates }));
      return;
    }
    const enc = this.security.encrypt(updates);
    const fips = this.encryptionMethod === EncryptionMethod.FIPS;
    this.host.write(
      encodeFastPathOutputPdu({
        flags: FastPathSecurityFlags.ENCRYPTED,
        signature: enc.signature,
        ...(fips ? { fipsInformation: { length: 0x10, version: 1, padLength: enc.padLength } } : {}),
        updates: enc.data,
      }),
    );
  }

  /**
   * Changes the desktop size with a Deactivation-Reactivation Sequence (MS-RDPBCGR 1.3.1.3): Deactivate All,
   * then a Demand Active with the new size. Graphics must wait for the next `host.onActive`.
   */
  resize(width: number, height: number): void {
    if (this.stateValue !== AcceptorState.ACTIVE)
      throw new ProtocolError('UNEXPECTED', `cannot resize in state ${this.stateValue}`, 'acceptor');
    this.width = width;
    this.height = height;
    const body = encodeDeactivateAll({ shareId: SHARE_ID, sourceDescriptor: SOURCE_DESCRIPTOR });
    this.sendSecure(
      MCS_GLOBAL_CHANNEL_ID,
      encodeShareControl({ pduType: PduType.DEACTIVATE_ALL, pduSource: SERVER_CHANNEL_ID, body }),
    );
    this.sendDemandActive();
  }

  /** Sends one message on a static virtual channel, chunked (2.2.6.1). */
  sendChannelData(name: string, data: Uint8Array): void {
    if (this.stateValue !== AcceptorState.ACTIVE)
      throw new ProtocolError('UNEXPECTED', `cannot send channel data in state ${this.stateValue}`, 'acceptor');
    const channel = this.staticChannels.find((c) => c.name === name);
    if (!channel || !this.joined.has(channel.id))
      throw new ProtocolError('INVALID', `channel ${name} is not joined`, 'acceptor');
    for (const chunk of chunkChannelData(data)) this.sendSecure(channel.id, chunk);
  }

  /** Sends a Set Error Info PDU (2.2.5.1.1), e.g. before a deliberate disconnect. */
  sendErrorInfo(code: number): void {
    this.sendData(PduType2.SET_ERROR_INFO, encodeSetErrorInfo(code));
  }

  /** Ends the connection: optional Set Error Info, then Disconnect Provider Ultimatum. */
  disconnect(errorInfo?: number): void {
    if (this.stateValue === AcceptorState.CLOSED) return;
    const past =
      this.stateValue === AcceptorState.CAPABILITIES ||
      this.stateValue === AcceptorState.FINALIZATION ||
      this.stateValue === AcceptorState.ACTIVE;
    if (errorInfo !== undefined && past) this.sendErrorInfo(errorInfo);
    if (
      this.stateValue !== AcceptorState.INITIAL &&
      this.stateValue !== AcceptorState.TLS_HANDSHAKE &&
      this.stateValue !== AcceptorState.MCS_CONNECT
    ) {
      this.writeMcs({ type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM, reason: McsDisconnectReason.PROVIDER_INITIATED });
    }
    this.close('server disconnected the client');
  }

  private sendData(pduType2: number, body: Uint8Array): void {
    this.sendSecure(MCS_GLOBAL_CHANNEL_ID, encodeDataPdu(SHARE_ID, SERVER_CHANNEL_ID, pduType2, body));
  }

  /**
   * Sends `payload` on an MCS channel: under Standard RDP Security with an encrypting header (unless
   * `encrypt` is false), under TLS bare unless `flags` require a basic header (licensing).
   */
  private sendSecure(channelId: number, payload: Uint8Array, flags = 0, encrypt = true): void {
    let data = payload;
    if (this.security && encrypt) {
      const enc = this.security.encrypt(payload);
      const header = encodeSecurityHeader(
        { flags: flags | SecurityFlag.ENCRYPT, flagsHi: 0, dataSignature: enc.signature, padLength: enc.padLength },
        this.headerKind,
      );
      data = concat(header, enc.data);
    } else if (flags !== 0) {
      data = concat(encodeSecurityHeader({ flags, flagsHi: 0 }, SecurityHeaderKind.BASIC), payload);
    }
    this.writeMcs({ type: McsPduType.SEND_DATA_INDICATION, initiator: SERVER_CHANNEL_ID, channelId, data });
  }

  private writeMcs(pdu: Parameters<typeof encodeMcsDomainPdu>[0]): void {
    this.writeX224(encodeX224Data(encodeMcsDomainPdu(pdu)));
  }

  private writeX224(tpdu: Uint8Array): void {
    this.host.write(encodeTpkt(tpdu));
  }

  private fail(err: unknown): void {
    const error =
      err instanceof ProtocolError
        ? err
        : new ProtocolError('INVALID', err instanceof Error ? err.message : String(err), 'acceptor');
    this.close(error.message, error);
  }

  private close(reason: string, error?: ProtocolError): void {
    if (this.stateValue === AcceptorState.CLOSED) return;
    this.stateValue = AcceptorState.CLOSED;
    this.input = new Uint8Array(0);
    this.host.onClose?.(reason, error);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
