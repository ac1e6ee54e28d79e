import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { readUserDataBlocks, UserDataType, writeUserDataBlock } from './user-data-header.js';

/** TS_UD_CS_CORE.earlyCapabilityFlags (2.2.1.3.2). */
export const ClientEarlyCapability = {
  SUPPORT_ERRINFO_PDU: 0x0001,
  WANT_32BPP_SESSION: 0x0002,
  SUPPORT_STATUSINFO_PDU: 0x0004,
  STRONG_ASYMMETRIC_KEYS: 0x0008,
  RELATIVE_MOUSE_INPUT: 0x0010,
  VALID_CONNECTION_TYPE: 0x0020,
  SUPPORT_MONITOR_LAYOUT_PDU: 0x0040,
  SUPPORT_NETCHAR_AUTODETECT: 0x0080,
  SUPPORT_DYNVC_GFX_PROTOCOL: 0x0100,
  SUPPORT_DYNAMIC_TIME_ZONE: 0x0200,
  SUPPORT_HEARTBEAT_PDU: 0x0400,
  SUPPORT_SKIP_CHANNELJOIN: 0x0800,
} as const;

/** TS_UD_CS_CORE.supportedColorDepths (2.2.1.3.2). */
export const SupportedColorDepth = { BPP24: 0x1, BPP16: 0x2, BPP15: 0x4, BPP32: 0x8 } as const;

/** CHANNEL_DEF.options (2.2.1.3.4.1). */
export const ChannelOption = {
  INITIALIZED: 0x80000000,
  ENCRYPT_RDP: 0x40000000,
  ENCRYPT_SC: 0x20000000,
  ENCRYPT_CS: 0x10000000,
  PRI_HIGH: 0x08000000,
  PRI_MED: 0x04000000,
  PRI_LOW: 0x02000000,
  COMPRESS_RDP: 0x00800000,
  COMPRESS: 0x00400000,
  SHOW_PROTOCOL: 0x00200000,
  REMOTE_CONTROL_PERSISTENT: 0x00100000,
} as const;

/** TS_UD_CS_CORE (2.2.1.3.2). The optional trailing fields are written up to the first one left undefined. */
export interface ClientCoreData {
  version: number;
  desktopWidth: number;
  desktopHeight: number;
  colorDepth: number;
  sasSequence: number;
  keyboardLayout: number;
  clientBuild: number;
  clientName: string;
  keyboardType: number;
  keyboardSubType: number;
  keyboardFunctionKey: number;
  imeFileName: string;
  postBeta2ColorDepth?: number;
  clientProductId?: number;
  serialNumber?: number;
  highColorDepth?: number;
  supportedColorDepths?: number;
  earlyCapabilityFlags?: number;
  clientDigProductId?: string;
  connectionType?: number;
  serverSelectedProtocol?: number;
  desktopPhysicalWidth?: number;
  desktopPhysicalHeight?: number;
  desktopOrientation?: number;
  desktopScaleFactor?: number;
  deviceScaleFactor?: number;
}

export interface ChannelDef {
  /** At most 7 ANSI characters. */
  name: string;
  options: number;
}

export interface MonitorDef {
  left: number;
  top: number;
  right: number;
  bottom: number;
  flags: number;
}

export interface MonitorAttributes {
  physicalWidth: number;
  physicalHeight: number;
  orientation: number;
  desktopScaleFactor: number;
  deviceScaleFactor: number;
}

/** The client settings blocks of the Conference Create Request (2.2.1.3.2–2.2.1.3.9). */
export interface ClientData {
  core: ClientCoreData;
  security?: { encryptionMethods: number; extEncryptionMethods: number };
  network?: { channels: ChannelDef[] };
  cluster?: { flags: number; redirectedSessionId: number };
  monitor?: { flags: number; monitors: MonitorDef[] };
  messageChannel?: { flags: number };
  monitorEx?: { flags: number; monitors: MonitorAttributes[] };
  multitransport?: { flags: number };
}

/** Most channels and monitors a client may declare (2.2.1.3.4: 31 channels; 2.2.1.3.6: 16 monitors). */
const MAX_CHANNELS = 31;
const MAX_MONITORS = 16;

function writeCore(w: ByteWriter, c: ClientCoreData): void {
  w.u32le(c.version).u16le(c.desktopWidth).u16le(c.desktopHeight).u16le(c.colorDepth).u16le(c.sasSequence);
  w.u32le(c.keyboardLayout).u32le(c.clientBuild).utf16(c.clientName, { fixedBytes: 32 });
  w.u32le(c.keyboardType)
    .u32le(c.keyboardSubType)
    .u32le(c.keyboardFunctionKey)
    .utf16(c.imeFileName, { fixedBytes: 64 });
  const optional: [number | string | undefined, (v: never) => void][] = [
    [c.postBeta2ColorDepth, (v: number) => w.u16le(v)],
    [c.clientProductId, (v: number) => w.u16le(v)],
    [c.serialNumber, (v: number) => w.u32le(v)],
    [c.highColorDepth, (v: number) => w.u16le(v)],
    [c.supportedColorDepths, (v: number) => w.u16le(v)],
    [c.earlyCapabilityFlags, (v: number) => w.u16le(v)],
    [c.clientDigProductId, (v: string) => w.utf16(v, { fixedBytes: 64 })],
    [c.connectionType, (v: number) => w.u8(v).u8(0)],
    [c.serverSelectedProtocol, (v: number) => w.u32le(v)],
    [c.desktopPhysicalWidth, (v: number) => w.u32le(v)],
    [c.desktopPhysicalHeight, (v: number) => w.u32le(v)],
    [c.desktopOrientation, (v: number) => w.u16le(v)],
    [c.desktopScaleFactor, (v: number) => w.u32le(v)],
    [c.deviceScaleFactor, (v: number) => w.u32le(v)],
  ];
  for (const [value, write] of optional) {
    if (value === undefined) break;
    write(value as never);
  }
}

function readCore(r: ByteReader): ClientCoreData {
  const c: ClientCoreData = {
    version: r.u32le(),
    desktopWidth: r.u16le(),
    desktopHeight: r.u16le(),
    colorDepth: r.u16le(),
    sasSequence: r.u16le(),
    keyboardLayout: r.u32le(),
    clientBuild: r.u32le(),
    clientName: r.utf16(32),
    keyboardType: r.u32le(),
    keyboardSubType: r.u32le(),
    keyboardFunctionKey: r.u32le(),
    imeFileName: r.utf16(64),
  };
  // Each optional field is present only if every earlier one is; stop at the first that does not fit.
  if (r.remaining < 2) return c;
  c.postBeta2ColorDepth = r.u16le();
  if (r.remaining < 2) return c;
  c.clientProductId = r.u16le();
  if (r.remaining < 4) return c;
  c.serialNumber = r.u32le();
  if (r.remaining < 2) return c;
  c.highColorDepth = r.u16le();
  if (r.remaining < 2) return c;
  c.supportedColorDepths = r.u16le();
  if (r.remaining < 2) return c;
  c.earlyCapabilityFlags = r.u16le();
  if (r.remaining < 64) return c;
  c.clientDigProductId = r.utf16(64);
  if (r.remaining < 2) return c;
  c.connectionType = r.u8();
  r.u8();
  if (r.remaining < 4) return c;
  c.serverSelectedProtocol = r.u32le();
  if (r.remaining < 4) return c;
  c.desktopPhysicalWidth = r.u32le();
  if (r.remaining < 4) return c;
  c.desktopPhysicalHeight = r.u32le();
  if (r.remaining < 2) return c;
  c.desktopOrientation = r.u16le();
  if (r.remaining < 4) return c;
  c.desktopScaleFactor = r.u32le();
  if (r.remaining < 4) return c;
  c.deviceScaleFactor = r.u32le();
  return c;
}

/** Encodes the client settings blocks in the order Windows and FreeRDP clients send them (core, cluster, security, network, ...). */
export function encodeClientData(d: ClientData): Uint8Array {
  const w = new ByteWriter(512);
  writeUserDataBlock(w, UserDataType.CS_CORE, (b) => writeCore(b, d.core));
  if (d.cluster) {
    const c = d.cluster;
    writeUserDataBlock(w, UserDataType.CS_CLUSTER, (b) => b.u32le(c.flags).u32le(c.redirectedSessionId));
  }
  if (d.security) {
    const s = d.security;
    writeUserDataBlock(w, UserDataType.CS_SECURITY, (b) => b.u32le(s.encryptionMethods).u32le(s.extEncryptionMethods));
  }
  if (d.network) {
    const channels = d.network.channels;
    if (channels.length > MAX_CHANNELS)
      throw new ProtocolError('OVERSIZE', `${channels.length} channels`, 'TS_UD_CS_NET');
    writeUserDataBlock(w, UserDataType.CS_NET, (b) => {
      b.u32le(channels.length);
      for (const ch of channels) b.ascii(ch.name, 8).u32le(ch.options);
    });
  }
  if (d.monitor) {
    const m = d.monitor;
    writeUserDataBlock(w, UserDataType.CS_MONITOR, (b) => {
      b.u32le(m.flags).u32le(m.monitors.length);
      for (const mon of m.monitors)
        b.i32le(mon.left).i32le(mon.top).i32le(mon.right).i32le(mon.bottom).u32le(mon.flags);
    });
  }
  if (d.messageChannel) {
    const flags = d.messageChannel.flags;
    writeUserDataBlock(w, UserDataType.CS_MCS_MSGCHANNEL, (b) => b.u32le(flags));
  }
  if (d.multitransport) {
    const flags = d.multitransport.flags;
    writeUserDataBlock(w, UserDataType.CS_MULTITRANSPORT, (b) => b.u32le(flags));
  }
  if (d.monitorEx) {
    const m = d.monitorEx;
    writeUserDataBlock(w, UserDataType.CS_MONITOR_EX, (b) => {
      b.u32le(m.flags).u32le(20).u32le(m.monitors.length);
      for (const a of m.monitors) {
        b.u32le(a.physicalWidth)
          .u32le(a.physicalHeight)
          .u32le(a.orientation)
          .u32le(a.desktopScaleFactor)
          .u32le(a.deviceScaleFactor);
      }
    });
  }
  return w.toBytes();
}

/** Decodes the client settings blocks; unknown block types are skipped, CS_CORE is required. */
export function decodeClientData(bytes: Uint8Array): ClientData {
  const r = new ByteReader(bytes, 'client data');
  let core: ClientCoreData | undefined;
  const d: Partial<ClientData> = {};
  for (const { type, body } of readUserDataBlocks(r)) {
    switch (type) {
      case UserDataType.CS_CORE:
        core = readCore(body);
        break;
      case UserDataType.CS_SECURITY:
        d.security = { encryptionMethods: body.u32le(), extEncryptionMethods: body.u32le() };
        break;
      case UserDataType.CS_NET: {
        const count = body.u32le();
        if (count > MAX_CHANNELS) throw new ProtocolError('OVERSIZE', `${count} channels`, 'TS_UD_CS_NET');
        const channels: ChannelDef[] = [];
        for (let i = 0; i < count; i++) channels.push({ name: body.ascii(8), options: body.u32le() });
        d.network = { channels };
        break;
      }
      case UserDataType.CS_CLUSTER:
        d.cluster = { flags: body.u32le(), redirectedSessionId: body.u32le() };
        break;
      case UserDataType.CS_MONITOR: {
        const flags = body.u32le();
        const count = body.u32le();
        if (count > MAX_MONITORS) throw new ProtocolError('OVERSIZE', `${count} monitors`, 'TS_UD_CS_MONITOR');
        const monitors: MonitorDef[] = [];
        for (let i = 0; i < count; i++) {
          monitors.push({
            left: body.i32le(),
            top: body.i32le(),
            right: body.i32le(),
            bottom: body.i32le(),
            flags: body.u32le(),
          });
        }
        d.monitor = { flags, monitors };
        break;
      }
      case UserDataType.CS_MCS_MSGCHANNEL:
        d.messageChannel = { flags: body.u32le() };
        break;
      case UserDataType.CS_MULTITRANSPORT:
        d.multitransport = { flags: body.u32le() };
        break;
      case UserDataType.CS_MONITOR_EX: {
        const flags = body.u32le();
        const size = body.u32le();
        const count = body.u32le();
        if (size < 20) throw new ProtocolError('INVALID', `monitorAttributeSize ${size}`, 'TS_UD_CS_MONITOR_EX');
        if (count > MAX_MONITORS) throw new ProtocolError('OVERSIZE', `${count} monitors`, 'TS_UD_CS_MONITOR_EX');
        const monitors: MonitorAttributes[] = [];
        for (let i = 0; i < count; i++) {
          const a = body.sub(size);
          monitors.push({
            physicalWidth: a.u32le(),
            physicalHeight: a.u32le(),
            orientation: a.u32le(),
            desktopScaleFactor: a.u32le(),
            deviceScaleFactor: a.u32le(),
          });
        }
        d.monitorEx = { flags, monitors };
        break;
      }
      default:
        break;
    }
  }
  if (!core) throw new ProtocolError('INVALID', 'no TS_UD_CS_CORE block', 'client data');
  return { core, ...d };
}

const POST_BETA2_DEPTHS: Record<number, number> = { 51713: 4, 51714: 8, 51715: 15, 51716: 16, 51717: 24 };

/**
 * The colour depth the client asks for, by the precedence of 2.2.1.3.2: 32 bpp if it wants and supports a
 * 32-bpp session, else highColorDepth, else postBeta2ColorDepth, else colorDepth.
 */
export function requestedColorDepth(core: ClientCoreData): number {
  const early = core.earlyCapabilityFlags ?? 0;
  const supported = core.supportedColorDepths ?? 0;
  if (early & ClientEarlyCapability.WANT_32BPP_SESSION && supported & SupportedColorDepth.BPP32) return 32;
  if (core.highColorDepth !== undefined && core.highColorDepth !== 0) return core.highColorDepth;
  return POST_BETA2_DEPTHS[core.postBeta2ColorDepth ?? core.colorDepth] ?? 8;
}
