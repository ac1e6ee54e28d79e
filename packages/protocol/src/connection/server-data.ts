import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { readUserDataBlocks, UserDataType, writeUserDataBlock } from './user-data-header.js';

/** TS_UD_SC_CORE.version values (2.2.1.4.2). */
export const RdpVersion = { RDP4: 0x00080001, RDP5_PLUS: 0x00080004, RDP10_7: 0x0008000c } as const;

/** TS_UD_SC_CORE.earlyCapabilityFlags (2.2.1.4.2). */
export const ServerEarlyCapability = {
  EDGE_ACTIONS_SUPPORTED_V1: 0x1,
  DYNAMIC_DST_SUPPORTED: 0x2,
  EDGE_ACTIONS_SUPPORTED_V2: 0x4,
  SKIP_CHANNELJOIN_SUPPORTED: 0x8,
} as const;

/** The server settings blocks of the Conference Create Response (2.2.1.4.2–2.2.1.4.6). */
export interface ServerData {
  core: { version: number; clientRequestedProtocols?: number; earlyCapabilityFlags?: number };
  /** With encryptionMethod and encryptionLevel 0 (TLS) there is no random and no certificate. */
  security?: {
    encryptionMethod: number;
    encryptionLevel: number;
    serverRandom?: Uint8Array;
    serverCertificate?: Uint8Array;
  };
  network?: { mcsChannelId: number; channelIds: number[] };
  messageChannel?: { mcsChannelId: number };
  multitransport?: { flags: number };
}

const MAX_CHANNELS = 31;
/** Sanity bound on the certificate of TS_UD_SC_SEC1 (an X.509 chain is a few KiB). */
const MAX_CERTIFICATE = 32 * 1024;

/** Encodes the server settings blocks in the order Windows servers write them. */
export function encodeServerData(d: ServerData): Uint8Array {
  const w = new ByteWriter(512);
  writeUserDataBlock(w, UserDataType.SC_CORE, (b) => {
    b.u32le(d.core.version);
    if (d.core.clientRequestedProtocols !== undefined) {
      b.u32le(d.core.clientRequestedProtocols);
      if (d.core.earlyCapabilityFlags !== undefined) b.u32le(d.core.earlyCapabilityFlags);
    }
  });
  if (d.network) {
    const n = d.network;
    writeUserDataBlock(w, UserDataType.SC_NET, (b) => {
      b.u16le(n.mcsChannelId).u16le(n.channelIds.length);
      for (const id of n.channelIds) b.u16le(id);
      if (n.channelIds.length % 2 === 1) b.u16le(0);
    });
  }
  if (d.security) {
    const s = d.security;
    writeUserDataBlock(w, UserDataType.SC_SECURITY, (b) => {
      b.u32le(s.encryptionMethod).u32le(s.encryptionLevel);
      if (s.serverRandom && s.serverCertificate) {
        b.u32le(s.serverRandom.byteLength)
          .u32le(s.serverCertificate.byteLength)
          .bytes(s.serverRandom)
          .bytes(s.serverCertificate);
      }
    });
  }
  if (d.messageChannel) {
    const id = d.messageChannel.mcsChannelId;
    writeUserDataBlock(w, UserDataType.SC_MCS_MSGCHANNEL, (b) => b.u16le(id));
  }
  if (d.multitransport) {
    const flags = d.multitransport.flags;
    writeUserDataBlock(w, UserDataType.SC_MULTITRANSPORT, (b) => b.u32le(flags));
  }
  return w.toBytes();
}

/** Decodes the server settings blocks; unknown block types are skipped, SC_CORE is required. */
export function decodeServerData(bytes: Uint8Array): ServerData {
  const r = new ByteReader(bytes, 'server data');
  let core: ServerData['core'] | undefined;
  const d: Partial<ServerData> = {};
  for (const { type, body } of readUserDataBlocks(r)) {
    switch (type) {
      case UserDataType.SC_CORE:
        core = { version: body.u32le() };
        if (body.remaining >= 4) core.clientRequestedProtocols = body.u32le();
        if (body.remaining >= 4) core.earlyCapabilityFlags = body.u32le();
        break;
      case UserDataType.SC_SECURITY: {
        const encryptionMethod = body.u32le();
        const encryptionLevel = body.u32le();
        d.security = { encryptionMethod, encryptionLevel };
        if (body.remaining > 0) {
          const randomLength = body.u32le();
          const certLength = body.u32le();
          if (randomLength !== 32)
            throw new ProtocolError('INVALID', `serverRandomLen ${randomLength}`, 'TS_UD_SC_SEC1');
          if (certLength > MAX_CERTIFICATE)
            throw new ProtocolError('OVERSIZE', `serverCertLen ${certLength}`, 'TS_UD_SC_SEC1');
          d.security.serverRandom = body.bytesView(randomLength).slice();
          d.security.serverCertificate = body.bytesView(certLength).slice();
        }
        break;
      }
      case UserDataType.SC_NET: {
        const mcsChannelId = body.u16le();
        const count = body.u16le();
        if (count > MAX_CHANNELS) throw new ProtocolError('OVERSIZE', `${count} channels`, 'TS_UD_SC_NET');
        const channelIds: number[] = [];
        for (let i = 0; i < count; i++) channelIds.push(body.u16le());
        d.network = { mcsChannelId, channelIds };
        break;
      }
      case UserDataType.SC_MCS_MSGCHANNEL:
        d.messageChannel = { mcsChannelId: body.u16le() };
        break;
      case UserDataType.SC_MULTITRANSPORT:
        d.multitransport = { flags: body.u32le() };
        break;
      default:
        break;
    }
  }
  if (!core) throw new ProtocolError('INVALID', 'no TS_UD_SC_CORE block', 'server data');
  return { core, ...d };
}
