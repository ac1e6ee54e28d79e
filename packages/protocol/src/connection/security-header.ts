import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { SecurityFlag } from '../security/security-flags.js';

/** Which of the three security header layouts applies (2.2.8.1.1.2.1–2.2.8.1.1.2.3). */
export const SecurityHeaderKind = { BASIC: 'basic', NON_FIPS: 'non-fips', FIPS: 'fips' } as const;
export type SecurityHeaderKind = (typeof SecurityHeaderKind)[keyof typeof SecurityHeaderKind];

/** TS_SECURITY_HEADER, TS_SECURITY_HEADER1 (+ dataSignature) or TS_SECURITY_HEADER2 (FIPS). */
export interface SecurityHeader {
  flags: number;
  flagsHi: number;
  /** 8-byte MAC; present in the non-FIPS and FIPS layouts when SEC_ENCRYPT is set. */
  dataSignature?: Uint8Array;
  /** FIPS only: bytes of padding added before 3DES encryption. */
  padLength?: number;
}

/**
 * Encodes a security header. The signature is written only when `kind` is not basic and ENCRYPT is set,
 * which is when the layout carries one.
 */
export function encodeSecurityHeader(h: SecurityHeader, kind: SecurityHeaderKind): Uint8Array {
  const w = new ByteWriter(16);
  w.u16le(h.flags).u16le(h.flagsHi);
  if (kind !== SecurityHeaderKind.BASIC && h.flags & SecurityFlag.ENCRYPT) {
    if (kind === SecurityHeaderKind.FIPS)
      w.u16le(0x10)
        .u8(1)
        .u8(h.padLength ?? 0);
    const sig = h.dataSignature ?? new Uint8Array(8);
    if (sig.byteLength !== 8) throw new ProtocolError('INVALID', 'dataSignature must be 8 bytes', 'TS_SECURITY_HEADER');
    w.bytes(sig);
  }
  return w.toBytes();
}

/** Decodes a security header from the front of `r`, leaving `r` at the (possibly encrypted) payload. */
export function readSecurityHeader(r: ByteReader, kind: SecurityHeaderKind): SecurityHeader {
  const h: SecurityHeader = { flags: r.u16le(), flagsHi: r.u16le() };
  if (kind !== SecurityHeaderKind.BASIC && h.flags & SecurityFlag.ENCRYPT) {
    if (kind === SecurityHeaderKind.FIPS) {
      if (r.u16le() !== 0x10) throw new ProtocolError('INVALID', 'FIPS header length is not 16', 'TS_SECURITY_HEADER2');
      if (r.u8() !== 1) throw new ProtocolError('INVALID', 'FIPS header version is not 1', 'TS_SECURITY_HEADER2');
      h.padLength = r.u8();
    }
    h.dataSignature = r.bytesView(8, 'dataSignature').slice();
  }
  return h;
}

/** Decodes a security header and returns it with a view of the payload that follows. */
export function decodeSecurityHeader(
  bytes: Uint8Array,
  kind: SecurityHeaderKind,
): { header: SecurityHeader; payload: Uint8Array } {
  const r = new ByteReader(bytes, 'TS_SECURITY_HEADER');
  const header = readSecurityHeader(r, kind);
  return { header, payload: r.rest() };
}
