import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** X.224 TPDU codes used by RDP ([X224] 13, MS-RDPBCGR 2.2.1.1/2.2.1.2). */
export const X224TpduType = {
  CONNECTION_REQUEST: 0xe0,
  CONNECTION_CONFIRM: 0xd0,
  DISCONNECT_REQUEST: 0x80,
  DATA: 0xf0,
} as const;
export type X224TpduType = (typeof X224TpduType)[keyof typeof X224TpduType];

/** Security protocols of RDP_NEG_REQ.requestedProtocols / RDP_NEG_RSP.selectedProtocol (2.2.1.1.1). */
export const NegProtocol = {
  RDP: 0x0,
  SSL: 0x1,
  HYBRID: 0x2,
  RDSTLS: 0x4,
  HYBRID_EX: 0x8,
  RDSAAD: 0x10,
} as const;
export type NegProtocol = (typeof NegProtocol)[keyof typeof NegProtocol];

/** RDP_NEG_REQ flags (2.2.1.1.1). */
export const NegRequestFlags = {
  RESTRICTED_ADMIN_MODE_REQUIRED: 0x01,
  REDIRECTED_AUTHENTICATION_MODE_REQUIRED: 0x02,
  CORRELATION_INFO_PRESENT: 0x08,
} as const;

/** RDP_NEG_RSP flags (2.2.1.2.1). */
export const NegResponseFlags = {
  EXTENDED_CLIENT_DATA_SUPPORTED: 0x01,
  DYNVC_GFX_PROTOCOL_SUPPORTED: 0x02,
  RESTRICTED_ADMIN_MODE_SUPPORTED: 0x08,
  REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: 0x10,
} as const;

/** RDP_NEG_FAILURE.failureCode (2.2.1.2.2). */
export const NegFailureCode = {
  SSL_REQUIRED_BY_SERVER: 1,
  SSL_NOT_ALLOWED_BY_SERVER: 2,
  SSL_CERT_NOT_ON_SERVER: 3,
  INCONSISTENT_FLAGS: 4,
  HYBRID_REQUIRED_BY_SERVER: 5,
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: 6,
} as const;
export type NegFailureCode = (typeof NegFailureCode)[keyof typeof NegFailureCode];

const NEG_TYPE_REQUEST = 0x01;
const NEG_TYPE_RESPONSE = 0x02;
const NEG_TYPE_FAILURE = 0x03;
const CORRELATION_INFO_TYPE = 0x06;
const COOKIE_PREFIX = 'Cookie: mstshash=';

export interface NegotiationRequest {
  flags: number;
  requestedProtocols: number;
}

/** X.224 Connection Request with its RDP payload (2.2.1.1). */
export interface ConnectionRequest {
  /** The user name hint of `Cookie: mstshash=<cookie>\r\n`. */
  cookie?: string;
  /** Any other CRLF-terminated token (a load-balancer routing token), CRLF excluded. */
  routingToken?: Uint8Array;
  negotiation?: NegotiationRequest;
  /** RDP_NEG_CORRELATION_INFO.correlationId (16 bytes). */
  correlationId?: Uint8Array;
}

export type ConnectionConfirm =
  | { kind: 'none' }
  | { kind: 'response'; flags: number; selectedProtocol: number }
  | { kind: 'failure'; failureCode: number };

function crlfIndex(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.byteLength; i++) if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i;
  return -1;
}

function writeTpduHeader(w: ByteWriter, type: number, variableLength: number, srcRef: number): void {
  const li = 6 + variableLength;
  if (li > 0xfe) throw new ProtocolError('OVERSIZE', `header length ${li} exceeds 254`, 'X.224');
  w.u8(li).u8(type).u16be(0).u16be(srcRef).u8(0);
}

function readTpduHeader(bytes: Uint8Array, expected: number, pdu: string): ByteReader {
  const r = new ByteReader(bytes, pdu);
  const li = r.u8();
  if (li + 1 !== bytes.byteLength)
    throw new ProtocolError('INVALID', `length indicator ${li} does not match ${bytes.byteLength} bytes`, pdu);
  const type = r.u8();
  if ((type & 0xf0) !== expected) throw new ProtocolError('UNEXPECTED', `TPDU type 0x${type.toString(16)}`, pdu);
  r.skip(5);
  return r;
}

/** Encodes an X.224 Connection Request TPDU (without TPKT) (2.2.1.1). */
export function encodeConnectionRequest(cr: ConnectionRequest): Uint8Array {
  const variable = new ByteWriter(64);
  if (cr.cookie !== undefined) variable.ascii(`${COOKIE_PREFIX}${cr.cookie}\r\n`);
  else if (cr.routingToken) variable.bytes(cr.routingToken).u8(0x0d).u8(0x0a);
  if (cr.negotiation) {
    const flags = cr.negotiation.flags | (cr.correlationId ? NegRequestFlags.CORRELATION_INFO_PRESENT : 0);
    variable.u8(NEG_TYPE_REQUEST).u8(flags).u16le(8).u32le(cr.negotiation.requestedProtocols);
    if (cr.correlationId) {
      if (cr.correlationId.byteLength !== 16)
        throw new ProtocolError('INVALID', 'correlationId must be 16 bytes', 'X.224 CR');
      variable.u8(CORRELATION_INFO_TYPE).u8(0).u16le(36).bytes(cr.correlationId).zeros(16);
    }
  }
  const body = variable.written();
  const w = new ByteWriter(7 + body.byteLength);
  writeTpduHeader(w, X224TpduType.CONNECTION_REQUEST, body.byteLength, 0);
  return w.bytes(body).toBytes();
}

/** Decodes an X.224 Connection Request TPDU (without TPKT) (2.2.1.1). */
export function decodeConnectionRequest(bytes: Uint8Array): ConnectionRequest {
  const pdu = 'X.224 Connection Request';
  const r = readTpduHeader(bytes, X224TpduType.CONNECTION_REQUEST, pdu);
  const result: ConnectionRequest = {};
  const rest = bytes.subarray(r.offset);
  if (rest.byteLength > 0 && rest[0] !== NEG_TYPE_REQUEST) {
    const end = crlfIndex(rest, 0);
    if (end < 0) throw new ProtocolError('INVALID', 'cookie or routing token is not CRLF-terminated', pdu);
    const token = rest.subarray(0, end);
    const text = new TextDecoder('latin1').decode(token);
    if (text.startsWith(COOKIE_PREFIX)) result.cookie = text.slice(COOKIE_PREFIX.length);
    else result.routingToken = token.slice();
    r.skip(end + 2);
  }
  if (r.remaining >= 8) {
    if (r.u8() !== NEG_TYPE_REQUEST) throw new ProtocolError('INVALID', 'expected RDP_NEG_REQ', pdu);
    const flags = r.u8();
    if (r.u16le() !== 8) throw new ProtocolError('INVALID', 'RDP_NEG_REQ length is not 8', pdu);
    result.negotiation = { flags: flags & ~NegRequestFlags.CORRELATION_INFO_PRESENT, requestedProtocols: r.u32le() };
    if (flags & NegRequestFlags.CORRELATION_INFO_PRESENT) {
      if (r.u8() !== CORRELATION_INFO_TYPE)
        throw new ProtocolError('INVALID', 'expected RDP_NEG_CORRELATION_INFO', pdu);
      r.u8();
      if (r.u16le() !== 36) throw new ProtocolError('INVALID', 'RDP_NEG_CORRELATION_INFO length is not 36', pdu);
      result.correlationId = r.bytesView(16).slice();
      r.skip(16);
    }
  }
  r.end();
  return result;
}

/** Encodes an X.224 Connection Confirm TPDU (without TPKT) with an optional RDP_NEG_RSP/RDP_NEG_FAILURE (2.2.1.2). */
export function encodeConnectionConfirm(cc: ConnectionConfirm, srcRef = 0x1234): Uint8Array {
  const w = new ByteWriter(19);
  writeTpduHeader(w, X224TpduType.CONNECTION_CONFIRM, cc.kind === 'none' ? 0 : 8, srcRef);
  if (cc.kind === 'response') w.u8(NEG_TYPE_RESPONSE).u8(cc.flags).u16le(8).u32le(cc.selectedProtocol);
  else if (cc.kind === 'failure') w.u8(NEG_TYPE_FAILURE).u8(0).u16le(8).u32le(cc.failureCode);
  return w.toBytes();
}

/** Decodes an X.224 Connection Confirm TPDU (without TPKT) (2.2.1.2). */
export function decodeConnectionConfirm(bytes: Uint8Array): ConnectionConfirm {
  const pdu = 'X.224 Connection Confirm';
  const r = readTpduHeader(bytes, X224TpduType.CONNECTION_CONFIRM, pdu);
  if (r.remaining === 0) return { kind: 'none' };
  const type = r.u8();
  const flags = r.u8();
  if (r.u16le() !== 8) throw new ProtocolError('INVALID', 'negotiation structure length is not 8', pdu);
  const value = r.u32le();
  r.end();
  if (type === NEG_TYPE_RESPONSE) return { kind: 'response', flags, selectedProtocol: value };
  if (type === NEG_TYPE_FAILURE) return { kind: 'failure', failureCode: value };
  throw new ProtocolError('INVALID', `negotiation type ${type}`, pdu);
}

const DATA_HEADER = Uint8Array.of(0x02, X224TpduType.DATA, 0x80);

/** Prefixes an X.224 Data TPDU header (LI 2, DT, EOT) ([X224] 13.7). */
export function encodeX224Data(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + payload.byteLength);
  out.set(DATA_HEADER);
  out.set(payload, 3);
  return out;
}

/** Strips the X.224 Data TPDU header and returns the payload (a view). */
export function decodeX224Data(bytes: Uint8Array): Uint8Array {
  const r = new ByteReader(bytes, 'X.224 Data');
  if (r.u8() !== 2) throw new ProtocolError('INVALID', 'length indicator is not 2', 'X.224 Data');
  const type = r.u8();
  if (type !== X224TpduType.DATA)
    throw new ProtocolError('UNEXPECTED', `TPDU type 0x${type.toString(16)}`, 'X.224 Data');
  if (r.u8() !== 0x80) throw new ProtocolError('UNSUPPORTED', 'segmented TPDUs (EOT not set)', 'X.224 Data');
  return r.rest();
}

/** The TPDU type code of an X.224 TPDU, for dispatching. */
export function peekX224Type(bytes: Uint8Array): number {
  if (bytes.byteLength < 2) throw new ProtocolError('TRUNCATED', 'no TPDU type', 'X.224');
  return bytes[1] & 0xf0;
}
