import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import {
  readPerInteger,
  readPerInteger16,
  readPerLength,
  readPerNumericString,
  readPerObjectIdentifier,
  readPerOctetString,
  writePerInteger,
  writePerInteger16,
  writePerLength,
  writePerNumericString,
  writePerObjectIdentifier,
  writePerOctetString,
} from './per.js';

/** { itu-t(0) recommendation(0) t(20) t124(124) version(0) 1 }: the Key of T.124 ConnectData. */
const T124_OID = [0, 0, 20, 124, 0, 1] as const;
/** H.221 non-standard keys that mark RDP's client and server user data (MS-RDPBCGR 2.2.1.3 / 2.2.1.4). */
const CLIENT_H221_KEY = 'Duca';
const SERVER_H221_KEY = 'McDn';
/**
 * The connectPDU length Windows servers write in the Conference Create Response whatever its true length
 * (MS-RDPBCGR 4.1.4, which says clients ignore it). Clients that read the response at fixed offsets depend on
 * this one-byte form.
 */
const WINDOWS_RESPONSE_CONNECT_PDU_LENGTH = 0x2a;
/** nodeID of the Conference Create Response: UserID ::= DynamicChannelID (1001..65535). */
const NODE_ID_MIN = 1001;

/** The parts of a GCC Conference Create Request ([T124] 8.7, MS-RDPBCGR 2.2.1.3 gccCCrq) that RDP uses. */
export interface ConferenceCreateRequest {
  conferenceName: string;
  /** The concatenated client data blocks (TS_UD_CS_*). */
  userData: Uint8Array;
}

/** The parts of a GCC Conference Create Response ([T124] 8.7, MS-RDPBCGR 2.2.1.4 gccCCrsp) that RDP uses. */
export interface ConferenceCreateResponse {
  nodeId: number;
  tag: number;
  result: number;
  /** The concatenated server data blocks (TS_UD_SC_*). */
  userData: Uint8Array;
}

function h221Key(key: string): Uint8Array {
  return new TextEncoder().encode(key);
}

function readConnectData(r: ByteReader): ByteReader {
  if (r.u8() !== 0) throw new ProtocolError('INVALID', 'ConnectData key is not an object identifier', r.pdu);
  const oid = readPerObjectIdentifier(r);
  if (oid.join('.') !== T124_OID.join('.'))
    throw new ProtocolError('INVALID', `unexpected key ${oid.join('.')}`, r.pdu);
  const length = readPerLength(r);
  // Some encoders write a connectPDU length that does not match; trust the bytes that are there.
  r.need(Math.min(length, r.remaining));
  return r;
}

/** ConnectData: the T.124 key, then the connectPDU with its length (`length` when the true one is not written). */
function writeConnectData(w: ByteWriter, connectPdu: Uint8Array, length = connectPdu.byteLength): void {
  w.u8(0);
  writePerObjectIdentifier(w, T124_OID);
  writePerLength(w, length);
  w.bytes(connectPdu);
}

function expectKey(r: ByteReader, key: string): void {
  const actual = readPerOctetString(r, 4);
  if (new TextDecoder('latin1').decode(actual) !== key)
    throw new ProtocolError('INVALID', `H.221 key is not ${key}`, r.pdu);
}

/** Encodes the GCC ConnectData carrying a Conference Create Request. */
export function encodeConferenceCreateRequest(req: ConferenceCreateRequest): Uint8Array {
  const pdu = new ByteWriter(req.userData.byteLength + 32);
  // ConnectGCCPDU choice conferenceCreateRequest (0); only the userData optional field is present.
  pdu.u8(0).u8(0x08);
  writePerNumericString(pdu, req.conferenceName, 1);
  // terminationMethod automatic (0), one user data set with a value and an h221NonStandard key.
  pdu.u8(0).u8(1).u8(0xc0);
  writePerOctetString(pdu, h221Key(CLIENT_H221_KEY), 4);
  writePerOctetString(pdu, req.userData);
  const w = new ByteWriter(pdu.offset + 16);
  writeConnectData(w, pdu.written());
  return w.toBytes();
}

/** Decodes the GCC ConnectData of a Conference Create Request. `userData` is a view into `bytes`. */
export function decodeConferenceCreateRequest(bytes: Uint8Array): ConferenceCreateRequest {
  const r = readConnectData(new ByteReader(bytes, 'GCC Conference Create Request'));
  if (r.u8() !== 0) throw new ProtocolError('UNEXPECTED', 'ConnectGCCPDU is not a conferenceCreateRequest', r.pdu);
  // The optional-field bitmap: only userData matters to RDP, and every client sets it.
  r.u8();
  const conferenceName = readPerNumericString(r, 1);
  r.u8();
  const sets = r.u8();
  if (sets !== 1) throw new ProtocolError('UNSUPPORTED', `${sets} user data sets`, r.pdu);
  if ((r.u8() & 0xc0) !== 0xc0)
    throw new ProtocolError('INVALID', 'user data key is not h221NonStandard with a value', r.pdu);
  expectKey(r, CLIENT_H221_KEY);
  const userData = readPerOctetString(r);
  return { conferenceName, userData };
}

/**
 * Encodes the GCC ConnectData carrying a Conference Create Response, with the header bytes of Windows servers
 * (MS-RDPBCGR 4.1.4): `00 05 00 14 7c 00 01 2a 14 76 0a 01 01 00 01 c0 00 4d 63 44 6e` for nodeID 0x79f3,
 * tag 1, result 0, then the PER length of the server data blocks.
 */
export function encodeConferenceCreateResponse(res: ConferenceCreateResponse): Uint8Array {
  const pdu = new ByteWriter(res.userData.byteLength + 32);
  // ConnectGCCPDU choice conferenceCreateResponse (1), no optional fields: 0x14 as every RDP server writes it.
  pdu.u8(0x14);
  writePerInteger16(pdu, res.nodeId, NODE_ID_MIN);
  writePerInteger(pdu, res.tag);
  pdu.u8(res.result).u8(1).u8(0xc0);
  writePerOctetString(pdu, h221Key(SERVER_H221_KEY), 4);
  writePerOctetString(pdu, res.userData);
  const w = new ByteWriter(pdu.offset + 16);
  writeConnectData(w, pdu.written(), WINDOWS_RESPONSE_CONNECT_PDU_LENGTH);
  return w.toBytes();
}

/** Decodes the GCC ConnectData of a Conference Create Response. `userData` is a view into `bytes`. */
export function decodeConferenceCreateResponse(bytes: Uint8Array): ConferenceCreateResponse {
  const r = readConnectData(new ByteReader(bytes, 'GCC Conference Create Response'));
  if ((r.u8() & 0x7c) !== 0x14)
    throw new ProtocolError('UNEXPECTED', 'ConnectGCCPDU is not a conferenceCreateResponse', r.pdu);
  const nodeId = readPerInteger16(r, NODE_ID_MIN);
  const tag = readPerInteger(r);
  const result = r.u8();
  const sets = r.u8();
  if (sets !== 1) throw new ProtocolError('UNSUPPORTED', `${sets} user data sets`, r.pdu);
  if ((r.u8() & 0xc0) !== 0xc0)
    throw new ProtocolError('INVALID', 'user data key is not h221NonStandard with a value', r.pdu);
  expectKey(r, SERVER_H221_KEY);
  const userData = readPerOctetString(r);
  return { nodeId, tag, result, userData };
}
