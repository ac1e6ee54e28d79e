import type { ByteReader } from '../core/byte-reader.js';
import type { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/**
 * The subset of ASN.1 aligned PER ([X691]) used by the GCC Conference Create PDUs of [T124] and the MCS
 * domain PDUs of [T125]: lengths, constrained integers, choices, object identifiers and strings.
 */

/** A length determinant: one byte below 0x80, otherwise two bytes with the top bit set. */
export function writePerLength(w: ByteWriter, length: number): void {
  if (length < 0x80) w.u8(length);
  else if (length <= 0x7fff) w.u16be(length | 0x8000);
  else throw new ProtocolError('OVERSIZE', `PER length ${length}`, 'PER');
}

export function readPerLength(r: ByteReader): number {
  const first = r.u8();
  if ((first & 0x80) === 0) return first;
  if (first & 0x40) throw new ProtocolError('UNSUPPORTED', 'fragmented PER length', r.pdu);
  return ((first & 0x3f) << 8) | r.u8();
}

/** A 16-bit integer constrained to `min..min+65535`, as used for MCS user and channel ids. */
export function writePerInteger16(w: ByteWriter, value: number, min: number): void {
  const v = value - min;
  if (v < 0 || v > 0xffff)
    throw new ProtocolError('INVALID', `integer ${value} outside ${min}..${min + 0xffff}`, 'PER');
  w.u16be(v);
}

export function readPerInteger16(r: ByteReader, min: number): number {
  return r.u16be() + min;
}

/** The widest unconstrained integer RDP uses: 32 bits. */
const MAX_PER_INTEGER_BYTES = 4;

/** An unconstrained whole number: a length byte followed by 1, 2 or 4 big-endian bytes. */
export function writePerInteger(w: ByteWriter, value: number): void {
  if (value < 0x100) w.u8(1).u8(value);
  else if (value < 0x10000) w.u8(2).u16be(value);
  else w.u8(4).u32be(value);
}

/**
 * Reads an unconstrained whole number: a length, then that many big-endian bytes. A length of 0 reads as 0, as
 * Windows servers take it: some clients send the Erect Domain Request's subHeight and subInterval that way.
 */
export function readPerInteger(r: ByteReader): number {
  const length = readPerLength(r);
  if (length > MAX_PER_INTEGER_BYTES) throw new ProtocolError('UNSUPPORTED', `PER integer of ${length} bytes`, r.pdu);
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + r.u8();
  return value;
}

/** An OBJECT IDENTIFIER whose first two arcs are packed into one byte, each further arc below 128. */
export function writePerObjectIdentifier(w: ByteWriter, oid: readonly number[]): void {
  w.u8(oid.length - 1).u8(oid[0] * 40 + oid[1]);
  for (const arc of oid.slice(2)) w.u8(arc);
}

export function readPerObjectIdentifier(r: ByteReader): number[] {
  const length = r.u8();
  if (length < 1) throw new ProtocolError('INVALID', 'empty object identifier', r.pdu);
  const first = r.u8();
  const oid = [Math.floor(first / 40), first % 40];
  for (let i = 1; i < length; i++) oid.push(r.u8());
  return oid;
}

/** An OCTET STRING of at least `min` bytes: the length is written minus `min`. */
export function writePerOctetString(w: ByteWriter, value: Uint8Array, min = 0): void {
  writePerLength(w, value.byteLength - min);
  w.bytes(value);
}

export function readPerOctetString(r: ByteReader, min = 0): Uint8Array {
  const length = readPerLength(r) + min;
  return r.bytesView(length, 'PER octet string');
}

/** A NumericString of at least `min` digits, packed two digits per byte. */
export function writePerNumericString(w: ByteWriter, digits: string, min: number): void {
  writePerLength(w, digits.length - min);
  for (let i = 0; i < digits.length; i += 2) {
    const hi = digits.charCodeAt(i) - 0x30;
    const lo = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 0x30 : 0;
    w.u8(((hi & 0xf) << 4) | (lo & 0xf));
  }
}

export function readPerNumericString(r: ByteReader, min: number): string {
  const length = readPerLength(r) + min;
  const packed = r.bytesView(Math.ceil(length / 2), 'numeric string');
  let s = '';
  for (let i = 0; i < length; i++) {
    const nibble = i % 2 === 0 ? packed[i >> 1] >> 4 : packed[i >> 1] & 0xf;
    s += String.fromCharCode(0x30 + nibble);
  }
  return s;
}
