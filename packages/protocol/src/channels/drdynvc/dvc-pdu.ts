import { ByteReader } from '../../core/byte-reader.js';
import { ByteWriter } from '../../core/byte-writer.js';
import { ProtocolError } from '../../core/errors.js';
import { checkUint } from '../../data/field-range.js';

const PDU = 'MS-RDPEDYC';

/** The static virtual channel that carries dynamic virtual channels (MS-RDPEDYC 1.3). */
export const DRDYNVC_CHANNEL_NAME = 'drdynvc';

/** Cmd values of the 1-byte DVC header (MS-RDPEDYC 2.2). */
export const DvcCmd = {
  CREATE: 0x01,
  DATA_FIRST: 0x02,
  DATA: 0x03,
  CLOSE: 0x04,
  CAPABILITY: 0x05,
  DATA_FIRST_COMPRESSED: 0x06,
  DATA_COMPRESSED: 0x07,
  SOFT_SYNC_REQUEST: 0x08,
  SOFT_SYNC_RESPONSE: 0x09,
} as const;
export type DvcCmd = (typeof DvcCmd)[keyof typeof DvcCmd];

/** cbId / Len field codes: how wide the ChannelId or Length field is (MS-RDPEDYC 2.2). */
const FIELD_WIDTH_1 = 0x0;
const FIELD_WIDTH_2 = 0x1;
const FIELD_WIDTH_4 = 0x2;

/** Capabilities Version values (MS-RDPEDYC 2.2.1.1). */
export const DvcCapsVersion = { VERSION1: 1, VERSION2: 2, VERSION3: 3 } as const;
export type DvcCapsVersion = (typeof DvcCapsVersion)[keyof typeof DvcCapsVersion];

/**
 * Every PDU a DVC server manager sends or receives over `drdynvc` without compression. Field names are the
 * specification's in camelCase; `priorityCharges` are present from version 2 on.
 */
export type DvcPdu =
  /** DYNVC_CAPS_VERSION1/2/3 (2.2.1.1.x, server → client). */
  | { type: 'capsRequest'; version: DvcCapsVersion; priorityCharges?: readonly [number, number, number, number] }
  /** DYNVC_CAPS_RSP (2.2.1.2, client → server). */
  | { type: 'capsResponse'; version: number }
  /** DYNVC_CREATE_REQ (2.2.2.1, server → client); `priority` is the Pri field (0..3). */
  | { type: 'createRequest'; channelId: number; channelName: string; priority?: number }
  /** DYNVC_CREATE_RSP (2.2.2.2, client → server); a negative HRESULT is a failure. */
  | { type: 'createResponse'; channelId: number; creationStatus: number }
  /** DYNVC_DATA_FIRST (2.2.3.1): `length` is the whole message's, `data` its first block. */
  | { type: 'dataFirst'; channelId: number; length: number; data: Uint8Array }
  /** DYNVC_DATA (2.2.3.2): a whole message, or a later block of one begun by `dataFirst`. */
  | { type: 'data'; channelId: number; data: Uint8Array }
  /** DYNVC_CLOSE (2.2.4, both directions). */
  | { type: 'close'; channelId: number };

/** Which side sent a PDU: Capabilities and Create share a Cmd but differ by direction. */
export type DvcSender = 'server' | 'client';

/** The widest channel id and length (32-bit fields). */
const MAX_U32 = 0xffffffff;

function widthCode(value: number): number {
  if (value <= 0xff) return FIELD_WIDTH_1;
  if (value <= 0xffff) return FIELD_WIDTH_2;
  return FIELD_WIDTH_4;
}

function writeVariable(w: ByteWriter, code: number, value: number): void {
  if (code === FIELD_WIDTH_1) w.u8(value);
  else if (code === FIELD_WIDTH_2) w.u16le(value);
  else w.u32le(value);
}

function readVariable(r: ByteReader, code: number, what: string): number {
  if (code === FIELD_WIDTH_1) return r.u8();
  if (code === FIELD_WIDTH_2) return r.u16le();
  if (code === FIELD_WIDTH_4) return r.u32le();
  throw new ProtocolError('INVALID', `${what} width code 3 is invalid`, PDU);
}

function header(cmd: DvcCmd, sp: number, cbId: number): number {
  return (cmd << 4) | (sp << 2) | cbId;
}

/** Bytes a Data or DataFirst header takes before its data, so a sender can size its blocks. */
export function dvcDataHeaderLength(channelId: number, totalLength?: number): number {
  const idBytes = [1, 2, 4][widthCode(channelId)];
  return totalLength === undefined ? 1 + idBytes : 1 + idBytes + [1, 2, 4][widthCode(totalLength)];
}

/** Encodes one DVC PDU (the payload of one `drdynvc` static channel message). */
export function encodeDvcPdu(pdu: DvcPdu): Uint8Array {
  const w = new ByteWriter(16 + ('data' in pdu ? pdu.data.length : 0));
  switch (pdu.type) {
    case 'capsRequest': {
      w.u8(header(DvcCmd.CAPABILITY, 0, 0))
        .u8(0)
        .u16le(pdu.version);
      if (pdu.version !== DvcCapsVersion.VERSION1) {
        const charges = pdu.priorityCharges ?? [0, 0, 0, 0];
        for (const c of charges) w.u16le(checkUint(c, 0xffff, 'PriorityCharge', PDU));
      }
      break;
    }
    case 'capsResponse':
      w.u8(header(DvcCmd.CAPABILITY, 0, 0))
        .u8(0)
        .u16le(checkUint(pdu.version, 0xffff, 'Version', PDU));
      break;
    case 'createRequest': {
      const id = checkUint(pdu.channelId, MAX_U32, 'ChannelId', PDU);
      const cb = widthCode(id);
      w.u8(header(DvcCmd.CREATE, checkUint(pdu.priority ?? 0, 3, 'Pri', PDU), cb));
      writeVariable(w, cb, id);
      if (!/^[\x20-\x7e]+$/.test(pdu.channelName)) {
        throw new ProtocolError('INVALID', `ChannelName ${JSON.stringify(pdu.channelName)} is not printable ANSI`, PDU);
      }
      w.ascii(pdu.channelName).u8(0);
      break;
    }
    case 'createResponse': {
      const id = checkUint(pdu.channelId, MAX_U32, 'ChannelId', PDU);
      const cb = widthCode(id);
      w.u8(header(DvcCmd.CREATE, 0, cb));
      writeVariable(w, cb, id);
      w.i32le(pdu.creationStatus | 0);
      break;
    }
    case 'dataFirst': {
      const id = checkUint(pdu.channelId, MAX_U32, 'ChannelId', PDU);
      const length = checkUint(pdu.length, MAX_U32, 'Length', PDU);
      if (pdu.data.length > length) {
        throw new ProtocolError('INVALID', `first block ${pdu.data.length} longer than Length ${length}`, PDU);
      }
      const cb = widthCode(id);
      const len = widthCode(length);
      w.u8(header(DvcCmd.DATA_FIRST, len, cb));
      writeVariable(w, cb, id);
      writeVariable(w, len, length);
      w.bytes(pdu.data);
      break;
    }
    case 'data': {
      const id = checkUint(pdu.channelId, MAX_U32, 'ChannelId', PDU);
      const cb = widthCode(id);
      w.u8(header(DvcCmd.DATA, 0, cb));
      writeVariable(w, cb, id);
      w.bytes(pdu.data);
      break;
    }
    case 'close': {
      const id = checkUint(pdu.channelId, MAX_U32, 'ChannelId', PDU);
      const cb = widthCode(id);
      w.u8(header(DvcCmd.CLOSE, 0, cb));
      writeVariable(w, cb, id);
      break;
    }
  }
  return w.toBytes();
}

/**
 * Decodes one DVC PDU sent by `sender`. Data views share `bytes`. Compressed data and soft-sync PDUs are
 * UNSUPPORTED: rdshare never negotiates version 3 compression nor multitransport.
 */
export function decodeDvcPdu(bytes: Uint8Array, sender: DvcSender): DvcPdu {
  const r = new ByteReader(bytes, PDU);
  const h = r.u8();
  const cmd = h >> 4;
  const sp = (h >> 2) & 0x3;
  const cbId = h & 0x3;
  switch (cmd) {
    case DvcCmd.CAPABILITY: {
      r.skip(1);
      const version = r.u16le();
      if (sender === 'client') return { type: 'capsResponse', version };
      if (version === DvcCapsVersion.VERSION1) return { type: 'capsRequest', version };
      if (version !== DvcCapsVersion.VERSION2 && version !== DvcCapsVersion.VERSION3) {
        throw new ProtocolError('UNSUPPORTED', `capabilities version ${version}`, PDU);
      }
      const priorityCharges = [r.u16le(), r.u16le(), r.u16le(), r.u16le()] as const;
      return { type: 'capsRequest', version, priorityCharges };
    }
    case DvcCmd.CREATE: {
      const channelId = readVariable(r, cbId, 'ChannelId');
      if (sender === 'client') return { type: 'createResponse', channelId, creationStatus: r.i32le() };
      const rest = r.rest();
      const nul = rest.indexOf(0);
      if (nul < 1) throw new ProtocolError('INVALID', 'ChannelName is empty or not NUL-terminated', PDU);
      const channelName = new ByteReader(rest.subarray(0, nul), PDU).ascii(nul);
      return { type: 'createRequest', channelId, channelName, priority: sp };
    }
    case DvcCmd.DATA_FIRST: {
      const channelId = readVariable(r, cbId, 'ChannelId');
      const length = readVariable(r, sp, 'Length');
      const data = r.rest();
      if (data.length > length) {
        throw new ProtocolError('INVALID', `first block ${data.length} longer than Length ${length}`, PDU);
      }
      return { type: 'dataFirst', channelId, length, data };
    }
    case DvcCmd.DATA:
      return { type: 'data', channelId: readVariable(r, cbId, 'ChannelId'), data: r.rest() };
    case DvcCmd.CLOSE:
      return { type: 'close', channelId: readVariable(r, cbId, 'ChannelId') };
    default:
      throw new ProtocolError('UNSUPPORTED', `Cmd 0x${cmd.toString(16)}`, PDU);
  }
}
