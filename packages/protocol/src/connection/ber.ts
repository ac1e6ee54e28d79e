import type { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/**
 * The subset of ASN.1 BER ([X690], definite lengths only) that the MCS Connect-Initial and Connect-Response
 * PDUs of [T125] need. Tags above 0xff are the two-byte application tags (0x7f65, 0x7f66).
 */
export const BerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
  /** [APPLICATION 101] Connect-Initial. */
  CONNECT_INITIAL: 0x7f65,
  /** [APPLICATION 102] Connect-Response. */
  CONNECT_RESPONSE: 0x7f66,
} as const;

export function writeBerLength(w: ByteWriter, length: number): void {
  if (length < 0x80) w.u8(length);
  else if (length <= 0xff) w.u8(0x81).u8(length);
  else if (length <= 0xffff) w.u8(0x82).u16be(length);
  else throw new ProtocolError('OVERSIZE', `BER length ${length}`, 'BER');
}

export function readBerLength(r: ByteReader): number {
  const first = r.u8();
  if (first < 0x80) return first;
  const n = first & 0x7f;
  if (n === 0 || n > 2) throw new ProtocolError('UNSUPPORTED', `BER length of ${n} bytes`, r.pdu);
  let length = 0;
  for (let i = 0; i < n; i++) length = (length << 8) | r.u8();
  return length;
}

/** A complete TLV with the given tag around `content`. */
export function berTlv(tag: number, content: Uint8Array): Uint8Array {
  const w = new ByteWriter(content.byteLength + 6);
  if (tag > 0xff) w.u16be(tag);
  else w.u8(tag);
  writeBerLength(w, content.byteLength);
  return w.bytes(content).toBytes();
}

/** Reads a tag (expecting `tag`) and its length, checks the content is present, and returns the length. */
export function readBerHeader(r: ByteReader, tag: number, what: string): number {
  const actual = tag > 0xff ? r.u16be() : r.u8();
  if (actual !== tag)
    throw new ProtocolError(
      'INVALID',
      `${what}: expected BER tag 0x${tag.toString(16)}, got 0x${actual.toString(16)}`,
      r.pdu,
    );
  const length = readBerLength(r);
  r.need(length, what);
  return length;
}

/** How {@link writeBerInteger} lays out a non-negative value. */
export const BerIntegerForm = {
  /** Minimal unsigned bytes, as Windows clients write Connect-Initial domain parameters (0xffff is `02 02 ff ff`). */
  UNSIGNED: 'unsigned',
  /**
   * [X690] two's complement, with a leading 0x00 when the top bit is set: how Windows servers write the
   * Connect-Response domain parameters (0xfff8 is `02 03 00 ff f8`).
   */
  TWOS_COMPLEMENT: 'twos-complement',
} as const;
export type BerIntegerForm = (typeof BerIntegerForm)[keyof typeof BerIntegerForm];

export function writeBerInteger(w: ByteWriter, value: number, form: BerIntegerForm = BerIntegerForm.UNSIGNED): void {
  if (value < 0 || value > 0xffffffff) throw new ProtocolError('INVALID', `BER integer ${value} out of range`, 'BER');
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (form === BerIntegerForm.TWOS_COMPLEMENT && bytes[0] & 0x80) bytes.unshift(0);
  w.u8(BerTag.INTEGER);
  writeBerLength(w, bytes.length);
  for (const b of bytes) w.u8(b);
}

export function readBerInteger(r: ByteReader, what = 'INTEGER'): number {
  const length = readBerHeader(r, BerTag.INTEGER, what);
  if (length < 1 || length > 5) throw new ProtocolError('UNSUPPORTED', `${what}: integer of ${length} bytes`, r.pdu);
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + r.u8();
  if (value > 0xffffffff) throw new ProtocolError('UNSUPPORTED', `${what}: integer above 32 bits`, r.pdu);
  return value;
}

export function writeBerBoolean(w: ByteWriter, value: boolean): void {
  w.u8(BerTag.BOOLEAN)
    .u8(1)
    .u8(value ? 0xff : 0);
}

export function readBerBoolean(r: ByteReader, what = 'BOOLEAN'): boolean {
  if (readBerHeader(r, BerTag.BOOLEAN, what) !== 1)
    throw new ProtocolError('INVALID', `${what}: boolean length is not 1`, r.pdu);
  return r.u8() !== 0;
}

export function writeBerEnumerated(w: ByteWriter, value: number): void {
  w.u8(BerTag.ENUMERATED).u8(1).u8(value);
}

export function readBerEnumerated(r: ByteReader, what = 'ENUMERATED'): number {
  if (readBerHeader(r, BerTag.ENUMERATED, what) !== 1)
    throw new ProtocolError('UNSUPPORTED', `${what}: enumerated length is not 1`, r.pdu);
  return r.u8();
}

export function writeBerOctetString(w: ByteWriter, value: Uint8Array): void {
  w.u8(BerTag.OCTET_STRING);
  writeBerLength(w, value.byteLength);
  w.bytes(value);
}

/** Reads an OCTET STRING and returns a view of its content. */
export function readBerOctetString(r: ByteReader, what = 'OCTET STRING'): Uint8Array {
  return r.bytesView(readBerHeader(r, BerTag.OCTET_STRING, what), what);
}
