import { expect } from 'vitest';
import { RdpAcceptor } from '../../src/acceptor/acceptor.js';
import type {
  AcceptorHost,
  AcceptorOptions,
  ActivatedClient,
  AuthenticationResult,
} from '../../src/acceptor/acceptor-host.js';
import { serverCapabilitySets } from '../../src/acceptor/server-capabilities.js';
import { encodeConfirmActive } from '../../src/connection/active.js';
import { type CapabilitySet, CapabilitySetType } from '../../src/connection/capabilities.js';
import { type ClientData, encodeClientData } from '../../src/connection/client-data.js';
import { type ClientInfo, encodeClientInfo, InfoFlag } from '../../src/connection/client-info.js';
import { ControlAction, encodeControl, encodeFontList, encodeSynchronize } from '../../src/connection/finalization.js';
import { decodeConferenceCreateResponse, encodeConferenceCreateRequest } from '../../src/connection/gcc.js';
import {
  decodeConnectResponse,
  decodeMcsDomainPdu,
  encodeConnectInitial,
  encodeMcsDomainPdu,
  type McsDomainPdu,
  McsPduType,
} from '../../src/connection/mcs.js';
import type { Rect } from '../../src/connection/rect.js';
import { encodeSecurityHeader, readSecurityHeader, SecurityHeaderKind } from '../../src/connection/security-header.js';
import { decodeServerData, type ServerData } from '../../src/connection/server-data.js';
import { encodeDataPdu, encodeShareControl, PduType, PduType2 } from '../../src/connection/share-headers.js';
import { decodeTpkt, encodeTpkt } from '../../src/connection/tpkt.js';
import {
  decodeX224Data,
  encodeConnectionRequest,
  encodeX224Data,
  type NegotiationRequest,
} from '../../src/connection/x224.js';
import { ByteReader } from '../../src/core/byte-reader.js';
import type { ProtocolError } from '../../src/core/errors.js';
import type { InputEvent } from '../../src/data/input-event.js';
import type { RdpSecurityContext } from '../../src/security/rdp-security.js';
import { SecurityFlag } from '../../src/security/security-flags.js';

export const USER_ID = 1007;

/** A recording host whose TLS upgrade resolves when the test says so. */
export class RecordingHost implements AcceptorHost {
  written: Uint8Array[] = [];
  active?: ActivatedClient;
  input: InputEvent[] = [];
  channelData: [string, Uint8Array][] = [];
  refresh: Rect[][] = [];
  suppress: [boolean, Rect | undefined][] = [];
  closed?: { reason: string; error?: ProtocolError };
  tlsStarted = false;
  private finishTls?: () => void;
  verdict: AuthenticationResult | Promise<AuthenticationResult> = { accept: true };
  infos: ClientInfo[] = [];

  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  startTls(): Promise<void> {
    this.tlsStarted = true;
    return new Promise((resolve) => {
      this.finishTls = resolve;
    });
  }
  async completeTls(): Promise<void> {
    this.finishTls?.();
    await Promise.resolve();
    await Promise.resolve();
  }
  authenticate(info: ClientInfo): AuthenticationResult | Promise<AuthenticationResult> {
    this.infos.push(info);
    return this.verdict;
  }
  onActive(client: ActivatedClient): void {
    this.active = client;
  }
  onInput(events: InputEvent[]): void {
    this.input.push(...events);
  }
  onRefreshRect(rects: Rect[]): void {
    this.refresh.push(rects);
  }
  onSuppressOutput(allow: boolean, rect?: Rect): void {
    this.suppress.push([allow, rect]);
  }
  onChannelData(name: string, data: Uint8Array): void {
    this.channelData.push([name, data.slice()]);
  }
  onClose(reason: string, error?: ProtocolError): void {
    this.closed = { reason, error };
  }
  /** Everything written since the last call. */
  take(): Uint8Array[] {
    const out = this.written;
    this.written = [];
    return out;
  }
}

export const CLIENT_DATA: ClientData = {
  core: {
    version: 0x00080004,
    desktopWidth: 1024,
    desktopHeight: 768,
    colorDepth: 0xca01,
    sasSequence: 0xaa03,
    keyboardLayout: 0x409,
    clientBuild: 2600,
    clientName: 'scripted',
    keyboardType: 4,
    keyboardSubType: 0,
    keyboardFunctionKey: 12,
    imeFileName: '',
    postBeta2ColorDepth: 0xca01,
    clientProductId: 1,
    serialNumber: 0,
    highColorDepth: 24,
    supportedColorDepths: 0x0f,
    earlyCapabilityFlags: 0x0003,
  },
  security: { encryptionMethods: 0x1b, extEncryptionMethods: 0 },
  network: {
    channels: [
      { name: 'rdpdr', options: 0x80800000 },
      { name: 'encomsp', options: 0xc0000000 },
    ],
  },
};

export const CLIENT_INFO: ClientInfo = {
  codePage: 0,
  flags: InfoFlag.UNICODE | InfoFlag.MOUSE,
  domain: '',
  userName: 'viewer',
  password: '*',
  alternateShell: 'secret',
  workingDir: 'auth',
};

/** The client role, scripted with our own encoders; `security` encrypts once the key exchange is done. */
export class ScriptedClient {
  readonly host = new RecordingHost();
  readonly acceptor: RdpAcceptor;
  security?: RdpSecurityContext;
  serverData?: ServerData;
  /** The last MCS Connect Response frame, as written. */
  connectResponse?: Uint8Array;
  headerKind: SecurityHeaderKind = SecurityHeaderKind.BASIC;

  constructor(options: AcceptorOptions) {
    this.acceptor = new RdpAcceptor(this.host, options);
  }

  send(bytes: Uint8Array): void {
    this.acceptor.receive(bytes);
  }

  connectionRequest(negotiation?: NegotiationRequest): void {
    this.send(encodeTpkt(encodeConnectionRequest({ cookie: 'viewer', ...(negotiation ? { negotiation } : {}) })));
  }

  mcs(pdu: McsDomainPdu): void {
    this.send(encodeTpkt(encodeX224Data(encodeMcsDomainPdu(pdu))));
  }

  /** The TPKT frame of an MCS Connect-Initial carrying `data`. */
  connectInitialFrame(data: ClientData = CLIENT_DATA): Uint8Array {
    const gcc = encodeConferenceCreateRequest({ conferenceName: '1', userData: encodeClientData(data) });
    const params = {
      maxChannelIds: 34,
      maxUserIds: 2,
      maxTokenIds: 0,
      numPriorities: 1,
      minThroughput: 0,
      maxHeight: 1,
      maxMcsPduSize: 0xffff,
      protocolVersion: 2,
    };
    return encodeTpkt(
      encodeX224Data(
        encodeConnectInitial({
          callingDomainSelector: Uint8Array.of(1),
          calledDomainSelector: Uint8Array.of(1),
          upwardFlag: true,
          targetParameters: params,
          minimumParameters: params,
          maximumParameters: params,
          userData: gcc,
        }),
      ),
    );
  }

  /** Sends Connect-Initial and returns the server data of the Connect-Response (kept in `connectResponse`). */
  connectInitial(data: ClientData = CLIENT_DATA): ServerData {
    this.send(this.connectInitialFrame(data));
    const response = this.host.take().at(-1) as Uint8Array;
    this.connectResponse = response;
    const cr = decodeConnectResponse(decodeX224Data(decodeTpkt(response)));
    this.serverData = decodeServerData(decodeConferenceCreateResponse(cr.userData).userData);
    return this.serverData;
  }

  /** Erect domain, attach user, and joins of the user, I/O and static channels; returns the confirms. */
  joinChannels(): McsDomainPdu[] {
    this.mcs({ type: McsPduType.ERECT_DOMAIN_REQUEST, subHeight: 0, subInterval: 0 });
    this.mcs({ type: McsPduType.ATTACH_USER_REQUEST });
    const [confirm] = this.host.take().map((b) => decodeMcsDomainPdu(decodeX224Data(decodeTpkt(b))));
    expect(confirm).toMatchObject({ type: McsPduType.ATTACH_USER_CONFIRM, result: 0 });
    const userId = (confirm as { initiator: number }).initiator;
    const ids = [userId, 1003, ...(this.serverData?.network?.channelIds ?? [])];
    for (const channelId of ids) this.mcs({ type: McsPduType.CHANNEL_JOIN_REQUEST, initiator: userId, channelId });
    return [confirm, ...this.host.take().map((b) => decodeMcsDomainPdu(decodeX224Data(decodeTpkt(b))))];
  }

  /** Sends `payload` on a channel with a security header as the security layer requires. */
  sendSecure(channelId: number, payload: Uint8Array, flags = 0): void {
    let data = payload;
    if (this.security) {
      const enc = this.security.encrypt(payload);
      const header = encodeSecurityHeader(
        { flags: flags | SecurityFlag.ENCRYPT, flagsHi: 0, dataSignature: enc.signature, padLength: enc.padLength },
        this.headerKind,
      );
      data = new Uint8Array([...header, ...enc.data]);
    } else if (flags) {
      data = new Uint8Array([...encodeSecurityHeader({ flags, flagsHi: 0 }, SecurityHeaderKind.BASIC), ...payload]);
    }
    this.mcs({ type: McsPduType.SEND_DATA_REQUEST, initiator: USER_ID, channelId, data });
  }

  clientInfo(info: ClientInfo = CLIENT_INFO): void {
    this.sendSecure(1003, encodeClientInfo(info), SecurityFlag.INFO_PKT);
  }

  confirmActive(adjust: (caps: CapabilitySet[]) => CapabilitySet[] = (caps) => caps): void {
    const caps = adjust(
      serverCapabilitySets({ width: 1024, height: 768, colorDepth: 32, serverChannelId: 1002 }).map((c) =>
        c.type === CapabilitySetType.MULTIFRAGMENTUPDATE ? { ...c, maxRequestSize: 0x10000 } : c,
      ),
    );
    this.sendSecure(
      1003,
      encodeShareControl({
        pduType: PduType.CONFIRM_ACTIVE,
        pduSource: USER_ID,
        body: encodeConfirmActive({
          shareId: 0x103ea,
          originatorId: 1002,
          sourceDescriptor: 'MSTSC',
          capabilitySets: caps,
        }),
      }),
    );
  }

  data(pduType2: number, body: Uint8Array): void {
    this.sendSecure(1003, encodeDataPdu(0x103ea, USER_ID, pduType2, body));
  }

  finalize(): void {
    this.data(PduType2.SYNCHRONIZE, encodeSynchronize({ messageType: 1, targetUser: 1002 }));
    this.data(PduType2.CONTROL, encodeControl({ action: ControlAction.COOPERATE, grantId: 0, controlId: 0 }));
    this.data(PduType2.CONTROL, encodeControl({ action: ControlAction.REQUEST_CONTROL, grantId: 0, controlId: 0 }));
    this.data(PduType2.FONTLIST, encodeFontList({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 0x32 }));
  }

  /** Parses server output into MCS Send Data Indications with their security header removed (and decrypted). */
  receiveSlowPath(bytes: Uint8Array, expectHeader: boolean): { channelId: number; flags: number; payload: Uint8Array } {
    const pdu = decodeMcsDomainPdu(decodeX224Data(decodeTpkt(bytes)));
    if (pdu.type !== McsPduType.SEND_DATA_INDICATION) throw new Error(`expected Send Data Indication, got ${pdu.type}`);
    if (!expectHeader) return { channelId: pdu.channelId, flags: 0, payload: pdu.data };
    const r = new ByteReader(pdu.data);
    const header = readSecurityHeader(r, this.security ? this.headerKind : SecurityHeaderKind.BASIC);
    let payload = r.rest();
    if (header.flags & SecurityFlag.ENCRYPT) {
      payload = (this.security as RdpSecurityContext).decrypt(payload, header.dataSignature as Uint8Array, {
        padLength: header.padLength,
      });
    }
    return { channelId: pdu.channelId, flags: header.flags, payload };
  }
}
