import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';

/**
 * The envelope shared by fast-path input (MS-RDPBCGR 2.2.8.1.2) and fast-path output (2.2.9.1.2) PDUs: one header
 * byte (action in bits 0-1, 4 PDU-specific bits, security flags in bits 6-7), a 1- or 2-byte length, then, when
 * the payload is encrypted, the optional FIPS information and the 8-byte data signature.
 *
 * Encryption itself is the caller's business: these codecs carry the flags, signature and FIPS fields as plain
 * values and never touch the payload bytes.
 */

/** The action bits of the first byte: fast-path PDUs use 0; 3 means the byte starts a TPKT header (0x03). */
export const FastPathAction = {
  FASTPATH: 0,
  X224: 3,
} as const;
export type FastPathAction = (typeof FastPathAction)[keyof typeof FastPathAction];

/** FASTPATH_INPUT_* / FASTPATH_OUTPUT_* security flags (same values in both directions). */
export const FastPathSecurityFlags = {
  SECURE_CHECKSUM: 0x1,
  ENCRYPTED: 0x2,
} as const;
export type FastPathSecurityFlags = (typeof FastPathSecurityFlags)[keyof typeof FastPathSecurityFlags];

/** The largest length the 15-bit length field can express. */
export const FASTPATH_MAX_LENGTH = 0x7fff;

/** TS_FP_FIPS_INFO (MS-RDPBCGR 2.2.8.1.2): present only under ENCRYPTION_LEVEL_FIPS. */
export interface FastPathFipsInformation {
  /** Always 0x10 on the wire. */
  length: number;
  /** TSFIPS_VERSION1 (1). */
  version: number;
  /** Bytes of padding the sender appended to reach the 3DES block size; strip them after decryption. */
  padLength: number;
}

/** The envelope fields after the first byte's action bits. */
export interface FastPathEnvelope {
  /** The 4 bits between action and flags (numEvents for input, reserved for output). */
  headerBits: number;
  /** Combination of {@link FastPathSecurityFlags}. */
  flags: number;
  /** Total PDU length in bytes, header included. */
  length: number;
  fipsInformation?: FastPathFipsInformation;
  /** The 8-byte MAC; present when ENCRYPTED is set. */
  signature?: Uint8Array;
  /** Offset of the (possibly encrypted) payload in the PDU; the payload runs to `length`. */
  payloadOffset: number;
}

export interface FastPathEnvelopeOptions {
  /** True when the connection uses FIPS encryption: encrypted PDUs then carry TS_FP_FIPS_INFO. */
  fips?: boolean;
}

/** True when `firstByte` can start a fast-path PDU (action bits 0); a slow-path PDU starts with TPKT's 0x03. */
export function isFastPathHeader(firstByte: number): boolean {
  return (firstByte & 0x03) === FastPathAction.FASTPATH;
}

/**
 * Reads the 1- or 2-byte length at `offset`: a first byte with the top bit set announces a second byte and a
 * 15-bit big-endian value. Returns `undefined` when the bytes needed are not there yet.
 */
export function readFastPathLength(bytes: Uint8Array, offset = 0): { length: number; size: 1 | 2 } | undefined {
  if (offset >= bytes.byteLength) return undefined;
  const first = bytes[offset];
  if (!(first & 0x80)) return { length: first, size: 1 };
  if (offset + 1 >= bytes.byteLength) return undefined;
  return { length: ((first & 0x7f) << 8) | bytes[offset + 1], size: 2 };
}

/**
 * Stream framing: the total size of the fast-path PDU that starts at `bytes[0]`, or `undefined` until enough bytes
 * (at most 3) have arrived. Throws when the first byte is not a fast-path header or the length cannot even cover
 * the header, so a transport can drop a desynchronised peer instead of waiting forever.
 */
export function fastPathPduLength(bytes: Uint8Array): number | undefined {
  if (bytes.byteLength === 0) return undefined;
  if (!isFastPathHeader(bytes[0])) {
    throw new ProtocolError('INVALID', `action bits ${bytes[0] & 3} are not fast-path`, 'fast-path header');
  }
  const len = readFastPathLength(bytes, 1);
  if (!len) return undefined;
  if (len.length < 1 + len.size) {
    throw new ProtocolError('INVALID', `length ${len.length} shorter than its header`, 'fast-path header');
  }
  return len.length;
}

function securityBytes(flags: number, fips: boolean): number {
  if (!(flags & FastPathSecurityFlags.ENCRYPTED)) return 0;
  return fips ? 12 : 8;
}

/**
 * Decodes the envelope of a complete fast-path PDU. `bytes` may extend past the PDU (the rest is ignored) but
 * must hold all `length` bytes.
 */
export function decodeFastPathEnvelope(
  bytes: Uint8Array,
  options: FastPathEnvelopeOptions = {},
  pdu = 'fast-path PDU',
): FastPathEnvelope {
  const r = new ByteReader(bytes, pdu);
  const header = r.u8();
  if (!isFastPathHeader(header)) {
    throw new ProtocolError('INVALID', `action bits ${header & 3} are not fast-path`, pdu);
  }
  const len = readFastPathLength(bytes, 1);
  if (!len) throw new ProtocolError('TRUNCATED', 'length field cut off', pdu);
  r.skip(len.size);
  const flags = (header >> 6) & 0x03;
  const fips = options.fips === true && (flags & FastPathSecurityFlags.ENCRYPTED) !== 0;
  const headerSize = 1 + len.size + securityBytes(flags, fips);
  if (len.length < headerSize) {
    throw new ProtocolError('INVALID', `length ${len.length} shorter than its ${headerSize}-byte header`, pdu);
  }
  if (len.length > bytes.byteLength) {
    throw new ProtocolError('TRUNCATED', `length ${len.length} but only ${bytes.byteLength} bytes`, pdu);
  }
  const envelope: FastPathEnvelope = {
    headerBits: (header >> 2) & 0x0f,
    flags,
    length: len.length,
    payloadOffset: headerSize,
  };
  if (fips) {
    envelope.fipsInformation = { length: r.u16le(), version: r.u8(), padLength: r.u8() };
  }
  if (flags & FastPathSecurityFlags.ENCRYPTED) envelope.signature = r.bytesView(8, 'dataSignature');
  return envelope;
}

/** Fields needed to write an envelope header in front of a payload of `payloadLength` bytes. */
export interface FastPathEnvelopeHeader {
  headerBits: number;
  flags?: number;
  fipsInformation?: FastPathFipsInformation;
  signature?: Uint8Array;
  payloadLength: number;
}

/** Size of the envelope header for a payload of `payloadLength` bytes, so callers can preallocate whole PDUs. */
export function fastPathEnvelopeHeaderSize(payloadLength: number, flags = 0, fips = false): number {
  const withoutLength = 1 + securityBytes(flags, fips);
  return withoutLength + 1 + payloadLength <= 0x7f ? withoutLength + 1 : withoutLength + 2;
}

/**
 * Writes the envelope header into `target` at `offset` and returns its size; the payload goes right after it. The
 * short length form is used whenever the whole PDU fits in 127 bytes.
 */
export function writeFastPathEnvelopeHeader(
  header: FastPathEnvelopeHeader,
  target: Uint8Array,
  offset = 0,
  pdu = 'fast-path PDU',
): number {
  const flags = header.flags ?? 0;
  const encrypted = (flags & FastPathSecurityFlags.ENCRYPTED) !== 0;
  if (encrypted && header.signature?.byteLength !== 8) {
    throw new ProtocolError('INVALID', 'ENCRYPTED needs an 8-byte signature', pdu);
  }
  if (!encrypted && (header.signature || header.fipsInformation)) {
    throw new ProtocolError('INVALID', 'signature or FIPS information without ENCRYPTED', pdu);
  }
  const fips = header.fipsInformation !== undefined;
  const size = fastPathEnvelopeHeaderSize(header.payloadLength, flags, fips);
  const total = size + header.payloadLength;
  if (total > FASTPATH_MAX_LENGTH) {
    throw new ProtocolError('OVERSIZE', `PDU of ${total} bytes exceeds ${FASTPATH_MAX_LENGTH}`, pdu);
  }
  if (target.byteLength - offset < size) {
    throw new ProtocolError('TRUNCATED', `header needs ${size} bytes in the target buffer`, pdu);
  }
  let o = offset;
  target[o++] = FastPathAction.FASTPATH | ((header.headerBits & 0x0f) << 2) | ((flags & 0x03) << 6);
  if (total <= 0x7f) {
    target[o++] = total;
  } else {
    target[o++] = 0x80 | (total >> 8);
    target[o++] = total & 0xff;
  }
  if (header.fipsInformation) {
    const f = header.fipsInformation;
    target[o++] = f.length & 0xff;
    target[o++] = (f.length >> 8) & 0xff;
    target[o++] = f.version & 0xff;
    target[o++] = f.padLength & 0xff;
  }
  if (encrypted) {
    target.set(header.signature as Uint8Array, o);
    o += 8;
  }
  return o - offset;
}

/** The envelope header alone, for transports that gather header and payload views into one write. */
export function encodeFastPathEnvelopeHeader(header: FastPathEnvelopeHeader, pdu?: string): Uint8Array {
  const flags = header.flags ?? 0;
  const out = new Uint8Array(
    fastPathEnvelopeHeaderSize(header.payloadLength, flags, header.fipsInformation !== undefined),
  );
  writeFastPathEnvelopeHeader(header, out, 0, pdu);
  return out;
}

/** A whole PDU (header and payload) in one buffer. */
export function encodeFastPathEnvelope(
  header: Omit<FastPathEnvelopeHeader, 'payloadLength'>,
  payload: Uint8Array,
  pdu?: string,
): Uint8Array {
  const full = { ...header, payloadLength: payload.byteLength };
  const size = fastPathEnvelopeHeaderSize(payload.byteLength, header.flags ?? 0, header.fipsInformation !== undefined);
  const out = new Uint8Array(size + payload.byteLength);
  writeFastPathEnvelopeHeader(full, out, 0, pdu);
  out.set(payload, size);
  return out;
}
