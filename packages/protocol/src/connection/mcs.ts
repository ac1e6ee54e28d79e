import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import {
  BerIntegerForm,
  BerTag,
  berTlv,
  readBerBoolean,
  readBerEnumerated,
  readBerHeader,
  readBerInteger,
  readBerOctetString,
  writeBerBoolean,
  writeBerEnumerated,
  writeBerInteger,
  writeBerOctetString,
} from './ber.js';
import {
  readPerInteger,
  readPerInteger16,
  readPerLength,
  writePerInteger,
  writePerInteger16,
  writePerLength,
} from './per.js';

/** User ids and channel ids are PER-encoded relative to this base ([T125] UserId ::= DynamicChannelId 1001..65535). */
export const MCS_BASE_CHANNEL_ID = 1001;
/** The I/O channel every RDP connection joins (MS-RDPBCGR 2.2.1.4.4 SC_NET MCSChannelId). */
export const MCS_GLOBAL_CHANNEL_ID = 1003;

/** DomainParameters of [T125] 7 part 2 (MS-RDPBCGR 2.2.1.3 mcsCi targetParameters etc.). */
export interface DomainParameters {
  maxChannelIds: number;
  maxUserIds: number;
  maxTokenIds: number;
  numPriorities: number;
  minThroughput: number;
  maxHeight: number;
  maxMcsPduSize: number;
  protocolVersion: number;
}

const DOMAIN_PARAMETER_FIELDS = [
  'maxChannelIds',
  'maxUserIds',
  'maxTokenIds',
  'numPriorities',
  'minThroughput',
  'maxHeight',
  'maxMcsPduSize',
  'protocolVersion',
] as const;

export interface ConnectInitial {
  callingDomainSelector: Uint8Array;
  calledDomainSelector: Uint8Array;
  upwardFlag: boolean;
  targetParameters: DomainParameters;
  minimumParameters: DomainParameters;
  maximumParameters: DomainParameters;
  /** The GCC Conference Create Request. */
  userData: Uint8Array;
}

export interface ConnectResponse {
  /** [T125] Result; 0 = rt-successful. */
  result: number;
  calledConnectId: number;
  domainParameters: DomainParameters;
  /** The GCC Conference Create Response. */
  userData: Uint8Array;
}

function encodeDomainParameters(p: DomainParameters, form: BerIntegerForm): Uint8Array {
  const w = new ByteWriter(40);
  for (const f of DOMAIN_PARAMETER_FIELDS) writeBerInteger(w, p[f], form);
  return berTlv(BerTag.SEQUENCE, w.written());
}

function readDomainParameters(r: ByteReader, what: string): DomainParameters {
  const seq = r.sub(readBerHeader(r, BerTag.SEQUENCE, what));
  const p = {} as DomainParameters;
  for (const f of DOMAIN_PARAMETER_FIELDS) p[f] = readBerInteger(seq, `${what}.${f}`);
  return p;
}

/** Encodes an MCS Connect-Initial ([T125] 11.1, MS-RDPBCGR 2.2.1.3 mcsCi). */
export function encodeConnectInitial(ci: ConnectInitial): Uint8Array {
  const w = new ByteWriter(ci.userData.byteLength + 128);
  writeBerOctetString(w, ci.callingDomainSelector);
  writeBerOctetString(w, ci.calledDomainSelector);
  writeBerBoolean(w, ci.upwardFlag);
  w.bytes(encodeDomainParameters(ci.targetParameters, BerIntegerForm.UNSIGNED));
  w.bytes(encodeDomainParameters(ci.minimumParameters, BerIntegerForm.UNSIGNED));
  w.bytes(encodeDomainParameters(ci.maximumParameters, BerIntegerForm.UNSIGNED));
  writeBerOctetString(w, ci.userData);
  return berTlv(BerTag.CONNECT_INITIAL, w.written());
}

/** Decodes an MCS Connect-Initial ([T125] 11.1). `userData` is a view into `bytes`. */
export function decodeConnectInitial(bytes: Uint8Array): ConnectInitial {
  const outer = new ByteReader(bytes, 'MCS Connect-Initial');
  const r = outer.sub(readBerHeader(outer, BerTag.CONNECT_INITIAL, 'Connect-Initial'));
  return {
    callingDomainSelector: readBerOctetString(r, 'callingDomainSelector'),
    calledDomainSelector: readBerOctetString(r, 'calledDomainSelector'),
    upwardFlag: readBerBoolean(r, 'upwardFlag'),
    targetParameters: readDomainParameters(r, 'targetParameters'),
    minimumParameters: readDomainParameters(r, 'minimumParameters'),
    maximumParameters: readDomainParameters(r, 'maximumParameters'),
    userData: readBerOctetString(r, 'userData'),
  };
}

/**
 * Encodes an MCS Connect-Response ([T125] 11.2, MS-RDPBCGR 2.2.1.4 mcsCrsp) byte for byte as Windows servers
 * do: minimal BER lengths and two's complement integers (MS-RDPBCGR 4.1.4).
 */
export function encodeConnectResponse(cr: ConnectResponse): Uint8Array {
  const w = new ByteWriter(cr.userData.byteLength + 64);
  writeBerEnumerated(w, cr.result);
  writeBerInteger(w, cr.calledConnectId, BerIntegerForm.TWOS_COMPLEMENT);
  w.bytes(encodeDomainParameters(cr.domainParameters, BerIntegerForm.TWOS_COMPLEMENT));
  writeBerOctetString(w, cr.userData);
  return berTlv(BerTag.CONNECT_RESPONSE, w.written());
}

/** Decodes an MCS Connect-Response ([T125] 11.2). */
export function decodeConnectResponse(bytes: Uint8Array): ConnectResponse {
  const outer = new ByteReader(bytes, 'MCS Connect-Response');
  const r = outer.sub(readBerHeader(outer, BerTag.CONNECT_RESPONSE, 'Connect-Response'));
  return {
    result: readBerEnumerated(r, 'result'),
    calledConnectId: readBerInteger(r, 'calledConnectId'),
    domainParameters: readDomainParameters(r, 'domainParameters'),
    userData: readBerOctetString(r, 'userData'),
  };
}

/** DomainMCSPDU CHOICE indices ([T125] 7 part 10) of the PDUs RDP uses. */
export const McsPduType = {
  ERECT_DOMAIN_REQUEST: 1,
  DISCONNECT_PROVIDER_ULTIMATUM: 8,
  ATTACH_USER_REQUEST: 10,
  ATTACH_USER_CONFIRM: 11,
  CHANNEL_JOIN_REQUEST: 14,
  CHANNEL_JOIN_CONFIRM: 15,
  SEND_DATA_REQUEST: 25,
  SEND_DATA_INDICATION: 26,
} as const;
export type McsPduType = (typeof McsPduType)[keyof typeof McsPduType];

/** [T125] Reason of a Disconnect Provider Ultimatum. */
export const McsDisconnectReason = {
  DOMAIN_DISCONNECTED: 0,
  PROVIDER_INITIATED: 1,
  TOKEN_PURGED: 2,
  USER_REQUESTED: 3,
  CHANNEL_PURGED: 4,
} as const;

/** One MCS domain PDU as RDP uses it (MS-RDPBCGR 2.2.1.5–2.2.1.9, 2.2.2.3, 2.2.8.1.1.1.1). */
export type McsDomainPdu =
  | { type: typeof McsPduType.ERECT_DOMAIN_REQUEST; subHeight: number; subInterval: number }
  | { type: typeof McsPduType.DISCONNECT_PROVIDER_ULTIMATUM; reason: number }
  | { type: typeof McsPduType.ATTACH_USER_REQUEST }
  | { type: typeof McsPduType.ATTACH_USER_CONFIRM; result: number; initiator?: number }
  | { type: typeof McsPduType.CHANNEL_JOIN_REQUEST; initiator: number; channelId: number }
  | {
      type: typeof McsPduType.CHANNEL_JOIN_CONFIRM;
      result: number;
      initiator: number;
      requested: number;
      channelId?: number;
    }
  | McsSendData;

export interface McsSendData {
  type: typeof McsPduType.SEND_DATA_REQUEST | typeof McsPduType.SEND_DATA_INDICATION;
  initiator: number;
  channelId: number;
  /** dataPriority (2 bits) and segmentation (2 bits) as one nibble; RDP always sends 0x7 (high, begin+end). */
  priorityAndSegmentation?: number;
  data: Uint8Array;
}

/** Encodes a PER-encoded MCS domain PDU (the payload of an X.224 Data TPDU). */
export function encodeMcsDomainPdu(pdu: McsDomainPdu): Uint8Array {
  const w = new ByteWriter(
    pdu.type === McsPduType.SEND_DATA_REQUEST || pdu.type === McsPduType.SEND_DATA_INDICATION
      ? pdu.data.byteLength + 8
      : 8,
  );
  const choice = pdu.type << 2;
  switch (pdu.type) {
    case McsPduType.ERECT_DOMAIN_REQUEST:
      w.u8(choice);
      writePerInteger(w, pdu.subHeight);
      writePerInteger(w, pdu.subInterval);
      break;
    case McsPduType.DISCONNECT_PROVIDER_ULTIMATUM:
      w.u8(choice | ((pdu.reason >> 1) & 0x3)).u8((pdu.reason & 1) << 7);
      break;
    case McsPduType.ATTACH_USER_REQUEST:
      w.u8(choice);
      break;
    case McsPduType.ATTACH_USER_CONFIRM:
      w.u8(choice | (pdu.initiator !== undefined ? 0x02 : 0)).u8(pdu.result);
      if (pdu.initiator !== undefined) writePerInteger16(w, pdu.initiator, MCS_BASE_CHANNEL_ID);
      break;
    case McsPduType.CHANNEL_JOIN_REQUEST:
      w.u8(choice);
      writePerInteger16(w, pdu.initiator, MCS_BASE_CHANNEL_ID);
      w.u16be(pdu.channelId);
      break;
    case McsPduType.CHANNEL_JOIN_CONFIRM:
      w.u8(choice | (pdu.channelId !== undefined ? 0x02 : 0)).u8(pdu.result);
      writePerInteger16(w, pdu.initiator, MCS_BASE_CHANNEL_ID);
      w.u16be(pdu.requested);
      if (pdu.channelId !== undefined) w.u16be(pdu.channelId);
      break;
    case McsPduType.SEND_DATA_REQUEST:
    case McsPduType.SEND_DATA_INDICATION:
      w.u8(choice);
      writePerInteger16(w, pdu.initiator, MCS_BASE_CHANNEL_ID);
      w.u16be(pdu.channelId);
      w.u8((pdu.priorityAndSegmentation ?? 0x7) << 4);
      writePerLength(w, pdu.data.byteLength);
      w.bytes(pdu.data);
      break;
  }
  return w.toBytes();
}

/** Decodes a PER-encoded MCS domain PDU; Send Data `data` is a view into `bytes`. */
export function decodeMcsDomainPdu(bytes: Uint8Array): McsDomainPdu {
  const r = new ByteReader(bytes, 'MCS domain PDU');
  const first = r.u8();
  const type = first >> 2;
  switch (type) {
    case McsPduType.ERECT_DOMAIN_REQUEST:
      return { type, subHeight: readPerInteger(r), subInterval: readPerInteger(r) };
    case McsPduType.DISCONNECT_PROVIDER_ULTIMATUM: {
      const second = r.remaining > 0 ? r.u8() : 0;
      return { type, reason: ((first & 0x3) << 1) | (second >> 7) };
    }
    case McsPduType.ATTACH_USER_REQUEST:
      return { type };
    case McsPduType.ATTACH_USER_CONFIRM: {
      const result = r.u8();
      return first & 0x02 ? { type, result, initiator: readPerInteger16(r, MCS_BASE_CHANNEL_ID) } : { type, result };
    }
    case McsPduType.CHANNEL_JOIN_REQUEST:
      return { type, initiator: readPerInteger16(r, MCS_BASE_CHANNEL_ID), channelId: r.u16be() };
    case McsPduType.CHANNEL_JOIN_CONFIRM: {
      const result = r.u8();
      const initiator = readPerInteger16(r, MCS_BASE_CHANNEL_ID);
      const requested = r.u16be();
      return first & 0x02
        ? { type, result, initiator, requested, channelId: r.u16be() }
        : { type, result, initiator, requested };
    }
    case McsPduType.SEND_DATA_REQUEST:
    case McsPduType.SEND_DATA_INDICATION: {
      const initiator = readPerInteger16(r, MCS_BASE_CHANNEL_ID);
      const channelId = r.u16be();
      const priorityAndSegmentation = r.u8() >> 4;
      const length = readPerLength(r);
      const data = r.bytesView(length, 'userData');
      r.end();
      return { type, initiator, channelId, priorityAndSegmentation, data };
    }
    default:
      throw new ProtocolError('UNSUPPORTED', `DomainMCSPDU choice ${type}`, 'MCS domain PDU');
  }
}
