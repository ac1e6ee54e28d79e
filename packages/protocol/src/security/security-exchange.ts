import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { SecurityFlag } from './security-flags.js';

/** An 8192-bit modulus plus padding: larger values are not a client random. */
const MAX_ENCRYPTED_RANDOM = 1024 + 8;

/** TS_SECURITY_PACKET, the payload of the Client Security Exchange PDU (MS-RDPBCGR 2.2.1.10.1). */
export interface SecurityExchange {
  /** Basic security header flags; SEC_EXCHANGE_PKT is always set, SEC_LICENSE_ENCRYPT_SC may be. */
  flags: number;
  /** As produced by `encryptClientRandom`: the RSA block followed by 8 zero bytes. */
  encryptedClientRandom: Uint8Array;
}

/** Encodes TS_SECURITY_PACKET; `length` covers the encrypted random including its padding. */
export function encodeSecurityExchange(value: SecurityExchange): Uint8Array {
  return new ByteWriter(8 + value.encryptedClientRandom.length)
    .u16le(value.flags | SecurityFlag.EXCHANGE_PKT)
    .u16le(0)
    .u32le(value.encryptedClientRandom.length)
    .bytes(value.encryptedClientRandom)
    .toBytes();
}

/** Decodes TS_SECURITY_PACKET; `encryptedClientRandom` is a view into `bytes`. */
export function decodeSecurityExchange(bytes: Uint8Array): SecurityExchange {
  const r = new ByteReader(bytes, 'TS_SECURITY_PACKET');
  const flags = r.u16le();
  r.u16le(); // flagsHi: unused, may hold garbage
  if ((flags & SecurityFlag.EXCHANGE_PKT) === 0) {
    throw new ProtocolError('UNEXPECTED', `flags 0x${flags.toString(16)} lack SEC_EXCHANGE_PKT`, r.pdu);
  }
  const length = r.u32le();
  if (length > MAX_ENCRYPTED_RANDOM) throw new ProtocolError('OVERSIZE', `encrypted random of ${length} bytes`, r.pdu);
  const encryptedClientRandom = r.bytesView(length, 'encryptedClientRandom');
  r.end();
  return { flags, encryptedClientRandom };
}
