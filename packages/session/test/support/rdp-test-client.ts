import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import {
  type CapabilitySet,
  CapabilitySetType,
  ChannelReassembler,
  type ClientData,
  type ClientInfo,
  ControlAction,
  chunkChannelData,
  decodeConferenceCreateResponse,
  decodeConnectResponse,
  decodeFastPathOutputPdu,
  decodeFastPathUpdates,
  decodeMcsDomainPdu,
  decodeServerData,
  decodeSetErrorInfo,
  decodeShareControl,
  decodeShareData,
  decodeTpkt,
  decodeX224Data,
  encodeClientData,
  encodeClientInfo,
  encodeConferenceCreateRequest,
  encodeConfirmActive,
  encodeConnectInitial,
  encodeConnectionRequest,
  encodeControl,
  encodeDataPdu,
  encodeFontList,
  encodeMcsDomainPdu,
  encodeSecurityHeader,
  encodeShareControl,
  encodeSynchronize,
  encodeTpkt,
  encodeX224Data,
  type FastPathUpdate,
  InfoFlag,
  MCS_GLOBAL_CHANNEL_ID,
  type McsDomainPdu,
  McsPduType,
  NegProtocol,
  PduType,
  PduType2,
  peekFrame,
  SecurityFlag,
  SecurityHeaderKind,
  serverCapabilitySets,
} from '@rdshare/protocol';

/** What a test asks the client to present. */
export interface RdpTestClientOptions {
  host?: string;
  port: number;
  /** Source address to connect from (any 127.x.y.z on loopback), to look like many peers. */
  localAddress?: string;
  /** The invitation's auth string (Client Info WorkingDir). */
  authString: string;
  /** The invitation's password (Client Info AlternateShell). */
  password: string;
  /** Viewer name (Client Info UserName). */
  userName?: string;
  /** Static channels to declare in CS_NET (besides nothing: a bare client declares none). */
  channels?: string[];
  /** Client Core Data fields to present instead of the defaults (e.g. a Windows 10 clientBuild). */
  core?: Partial<ClientData['core']>;
  /** Gives up on any one step after this long (default 10 s). */
  timeoutMs?: number;
}

/** How a connection attempt ended. */
export type RdpTestOutcome =
  | { kind: 'active' }
  | { kind: 'refused'; errorInfo?: number }
  | { kind: 'closed'; reason: string };

/** The client side's fixed identifiers (MS-RDPBCGR 2.2.8.1.1.1.1: the server's pduSource and the share id). */
const SERVER_CHANNEL_ID = 1002;
const MAX_FRAME = 0x10000;

/** Client Core Data of a plain desktop client; tests adjust single fields. */
export const CLIENT_CORE: ClientData['core'] = {
  version: 0x00080004,
  desktopWidth: 1024,
  desktopHeight: 768,
  colorDepth: 0xca01,
  sasSequence: 0xaa03,
  keyboardLayout: 0x409,
  clientBuild: 2600,
  clientName: 'rdshare-test',
  keyboardType: 4,
  keyboardSubType: 0,
  keyboardFunctionKey: 12,
  imeFileName: '',
  postBeta2ColorDepth: 0xca01,
  clientProductId: 1,
  serialNumber: 0,
  highColorDepth: 24,
  supportedColorDepths: 0x0f,
  earlyCapabilityFlags: 0x0001,
};

/** The MCS domain parameters the client proposes (target, minimum and maximum alike). */
export const DOMAIN_PARAMETERS = {
  maxChannelIds: 34,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xffff,
  protocolVersion: 2,
};

/**
 * A real RDP client over TCP + TLS, written with @rdshare/protocol's encoders, for tests that need what
 * xfreerdp cannot do: many connections at once, exact control of each step, static channels by name, and a
 * look at the bytes the sharer sends. It speaks the WDS flavour: Client Info carries the invitation.
 */
export class RdpTestClient {
  /** Fast-path updates received once active, in order. */
  readonly updates: FastPathUpdate[] = [];
  /** Static channel messages received once active, in order (those sent right at activation included). */
  readonly channelMessages: { name: string; data: Uint8Array }[] = [];
  /** Bytes received in total (TLS plaintext). */
  bytesReceived = 0;
  private stream!: Socket | TLSSocket;
  /** The TCP socket under TLS. */
  private tcp?: Socket;
  private buffer = new Uint8Array(0);
  private frames: Uint8Array[] = [];
  private wake?: () => void;
  private closedReason?: string;
  private userId = 0;
  private shareId = 0;
  private channelIds = new Map<string, number>();
  private readonly reassemblers = new Map<number, ChannelReassembler>();
  private readonly channelListeners = new Set<(name: string, data: Uint8Array) => void>();
  private readonly timeoutMs: number;

  private constructor(private readonly options: RdpTestClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Connects and runs the connection sequence; resolves with how it ended (never rejects for a refusal). */
  static async connect(options: RdpTestClientOptions): Promise<{ client: RdpTestClient; outcome: RdpTestOutcome }> {
    const client = new RdpTestClient(options);
    const outcome = await client.run().catch((error: Error) => ({ kind: 'closed' as const, reason: error.message }));
    if (outcome.kind !== 'active') client.close();
    return { client, outcome };
  }

  private async run(): Promise<RdpTestOutcome> {
    const tcp = netConnect({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port,
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('connect', resolve);
      tcp.once('error', reject);
    });
    this.tcp = tcp;
    this.attach(tcp);
    this.writeTpkt(
      encodeConnectionRequest({ cookie: 'test', negotiation: { flags: 0, requestedProtocols: NegProtocol.SSL } }),
    );
    await this.nextFrame();
    tcp.removeAllListeners('data');
    const tls = tlsConnect({ socket: tcp, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      tls.once('secureConnect', resolve);
      tls.once('error', reject);
    });
    this.attach(tls);

    const channels = this.options.channels ?? [];
    const userData = encodeClientData({
      core: { ...CLIENT_CORE, ...this.options.core },
      security: { encryptionMethods: 0, extEncryptionMethods: 0 },
      network: { channels: channels.map((name) => ({ name, options: 0xc0000000 })) },
    });
    this.writeTpkt(
      encodeX224Data(
        encodeConnectInitial({
          callingDomainSelector: Uint8Array.of(1),
          calledDomainSelector: Uint8Array.of(1),
          upwardFlag: true,
          targetParameters: DOMAIN_PARAMETERS,
          minimumParameters: DOMAIN_PARAMETERS,
          maximumParameters: DOMAIN_PARAMETERS,
          userData: encodeConferenceCreateRequest({ conferenceName: '1', userData }),
        }),
      ),
    );
    const response = decodeConnectResponse(decodeX224Data(decodeTpkt(await this.nextFrame())));
    const serverData = decodeServerData(decodeConferenceCreateResponse(response.userData).userData);
    const ids = serverData.network?.channelIds ?? [];
    channels.forEach((name, i) => {
      if (ids[i] !== undefined) this.channelIds.set(name, ids[i]);
    });

    this.mcs({ type: McsPduType.ERECT_DOMAIN_REQUEST, subHeight: 0, subInterval: 0 });
    this.mcs({ type: McsPduType.ATTACH_USER_REQUEST });
    const attach = await this.nextMcs();
    if (attach.type !== McsPduType.ATTACH_USER_CONFIRM)
      throw new Error(`expected Attach User Confirm, got ${attach.type}`);
    this.userId = attach.initiator ?? 0;
    for (const channelId of [this.userId, MCS_GLOBAL_CHANNEL_ID, ...this.channelIds.values()]) {
      this.mcs({ type: McsPduType.CHANNEL_JOIN_REQUEST, initiator: this.userId, channelId });
      await this.nextMcs();
    }

    const info: ClientInfo = {
      codePage: 0,
      flags: InfoFlag.UNICODE | InfoFlag.MOUSE,
      domain: '',
      userName: this.options.userName ?? 'test-viewer',
      password: '*',
      alternateShell: this.options.password,
      workingDir: this.options.authString,
    };
    this.sendIo(
      new Uint8Array([
        ...encodeSecurityHeader({ flags: SecurityFlag.INFO_PKT, flagsHi: 0 }, SecurityHeaderKind.BASIC),
        ...encodeClientInfo(info),
      ]),
    );

    // Licensing (with a basic security header), then Demand Active; or Set Error Info and a disconnect.
    let errorInfo: number | undefined;
    for (;;) {
      const pdu = await this.nextMcs().catch((error: Error) => error);
      if (pdu instanceof Error) return { kind: 'refused', errorInfo };
      if (pdu.type === McsPduType.DISCONNECT_PROVIDER_ULTIMATUM) return { kind: 'refused', errorInfo };
      if (pdu.type !== McsPduType.SEND_DATA_INDICATION) continue;
      const flags = pdu.data[0] | (pdu.data[1] << 8);
      if (flags & SecurityFlag.LICENSE_PKT) continue;
      const control = decodeShareControl(pdu.data);
      if (!control) continue;
      if (control.pduType === PduType.DATA) {
        const data = decodeShareData(control.body);
        if (data.pduType2 === PduType2.SET_ERROR_INFO) errorInfo = decodeSetErrorInfo(data.body);
        continue;
      }
      if (control.pduType === PduType.DEMAND_ACTIVE) {
        this.shareId = control.body[0] | (control.body[1] << 8) | (control.body[2] << 16) | (control.body[3] << 24);
        break;
      }
    }
    const caps: CapabilitySet[] = serverCapabilitySets({
      width: 1024,
      height: 768,
      colorDepth: 32,
      serverChannelId: SERVER_CHANNEL_ID,
    }).map((c) => (c.type === CapabilitySetType.MULTIFRAGMENTUPDATE ? { ...c, maxRequestSize: 0x10000 } : c));
    this.sendIo(
      encodeShareControl({
        pduType: PduType.CONFIRM_ACTIVE,
        pduSource: this.userId,
        body: encodeConfirmActive({
          shareId: this.shareId,
          originatorId: SERVER_CHANNEL_ID,
          sourceDescriptor: 'MSTSC',
          capabilitySets: caps,
        }),
      }),
    );
    this.data(PduType2.SYNCHRONIZE, encodeSynchronize({ messageType: 1, targetUser: SERVER_CHANNEL_ID }));
    this.data(PduType2.CONTROL, encodeControl({ action: ControlAction.COOPERATE, grantId: 0, controlId: 0 }));
    this.data(PduType2.CONTROL, encodeControl({ action: ControlAction.REQUEST_CONTROL, grantId: 0, controlId: 0 }));
    this.data(PduType2.FONTLIST, encodeFontList({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 0x32 }));
    for (;;) {
      const pdu = await this.nextMcs();
      if (pdu.type !== McsPduType.SEND_DATA_INDICATION) continue;
      const control = decodeShareControl(pdu.data);
      if (control?.pduType === PduType.DATA && decodeShareData(control.body).pduType2 === PduType2.FONTMAP) break;
    }
    this.pumpActive();
    return { kind: 'active' };
  }

  /** Sends one message on a declared static channel (chunked as MS-RDPBCGR 2.2.6.1 says). */
  sendChannel(name: string, data: Uint8Array): void {
    const id = this.channelIds.get(name);
    if (id === undefined) throw new Error(`channel ${name} was not declared or not given an id`);
    for (const chunk of chunkChannelData(data)) {
      this.mcs({ type: McsPduType.SEND_DATA_REQUEST, initiator: this.userId, channelId: id, data: chunk });
    }
  }

  /** Calls `listener` with each reassembled message the sharer sends on a static channel. */
  onChannel(listener: (name: string, data: Uint8Array) => void): () => void {
    this.channelListeners.add(listener);
    return () => this.channelListeners.delete(listener);
  }

  /** Whether the sharer ended the connection, and why. */
  get closed(): string | undefined {
    return this.closedReason;
  }

  /** Drops the connection abruptly (no Shutdown Request), the way a vanished viewer does. */
  close(): void {
    this.stream?.destroy();
  }

  /**
   * Stops reading the socket, the way a hung viewer does: once Node's read buffer is full the kernel's fill too,
   * and what the sharer writes piles up on its side.
   */
  stopReading(): void {
    this.stream.pause();
  }

  /** Resets the TCP connection (RST), the way a crashed or unplugged viewer's kernel does. */
  reset(): void {
    this.tcp?.resetAndDestroy();
  }

  private attach(stream: Socket | TLSSocket): void {
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.byteLength;
      const joined = new Uint8Array(this.buffer.byteLength + chunk.byteLength);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.byteLength);
      this.buffer = joined;
      for (;;) {
        const header = peekFrame(this.buffer, MAX_FRAME);
        if (!header || header.length > this.buffer.byteLength) break;
        this.frames.push(this.buffer.slice(0, header.length));
        this.buffer = this.buffer.subarray(header.length);
      }
      this.wake?.();
    });
    stream.on('close', () => {
      this.closedReason ??= 'connection closed';
      this.wake?.();
    });
    stream.on('error', (error) => {
      this.closedReason = error.message;
      this.wake?.();
    });
  }

  private nextFrame(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      const check = () => {
        const frame = this.frames.shift();
        if (frame) {
          clearTimeout(timer);
          this.wake = undefined;
          resolve(frame);
        } else if (this.closedReason) {
          clearTimeout(timer);
          this.wake = undefined;
          reject(new Error(this.closedReason));
        }
      };
      this.wake = check;
      check();
    });
  }

  private async nextMcs(): Promise<McsDomainPdu & { initiator?: number; data: Uint8Array }> {
    for (;;) {
      const frame = await this.nextFrame();
      if (frame[0] !== 0x03) continue;
      return decodeMcsDomainPdu(decodeX224Data(decodeTpkt(frame))) as McsDomainPdu & {
        initiator?: number;
        data: Uint8Array;
      };
    }
  }

  /** Once active: keeps reading fast-path updates and channel messages in the background. */
  private pumpActive(): void {
    const drain = () => {
      for (let frame = this.frames.shift(); frame; frame = this.frames.shift()) this.handleActiveFrame(frame);
    };
    this.wake = drain;
    drain();
  }

  private handleActiveFrame(frame: Uint8Array): void {
    if (frame[0] !== 0x03) {
      this.updates.push(...decodeFastPathUpdates(decodeFastPathOutputPdu(frame).updates));
      return;
    }
    const pdu = decodeMcsDomainPdu(decodeX224Data(decodeTpkt(frame)));
    if (pdu.type !== McsPduType.SEND_DATA_INDICATION) return;
    const name = [...this.channelIds].find(([, id]) => id === pdu.channelId)?.[0];
    if (!name) return;
    let reassembler = this.reassemblers.get(pdu.channelId);
    if (!reassembler) {
      reassembler = new ChannelReassembler(16 * 1024 * 1024);
      this.reassemblers.set(pdu.channelId, reassembler);
    }
    const message = reassembler.push(pdu.data);
    if (!message) return;
    this.channelMessages.push({ name, data: message.data });
    for (const l of this.channelListeners) l(name, message.data);
  }

  private writeTpkt(tpdu: Uint8Array): void {
    this.stream.write(encodeTpkt(tpdu));
  }

  private mcs(pdu: McsDomainPdu): void {
    this.writeTpkt(encodeX224Data(encodeMcsDomainPdu(pdu)));
  }

  private sendIo(payload: Uint8Array): void {
    this.mcs({
      type: McsPduType.SEND_DATA_REQUEST,
      initiator: this.userId,
      channelId: MCS_GLOBAL_CHANNEL_ID,
      data: payload,
    });
  }

  private data(pduType2: number, body: Uint8Array): void {
    this.sendIo(encodeDataPdu(this.shareId, this.userId, pduType2, body));
  }
}
