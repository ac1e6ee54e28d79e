import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import type { RsaKey } from './crypto-provider.js';
import { bigIntFromBytesLE, bigIntToBytesLE, rsaModulusLength } from './rsa.js';

/** `"RSA1"` read as a little-endian u32. */
const RSA1_MAGIC = 0x31415352;
/** RDP pads the modulus with 8 zero bytes (MS-RDPBCGR 2.2.1.4.3.1.1.1). */
const MODULUS_PADDING = 8;
/** 512 bits: the smallest key RDP servers use; a 32-byte client random must stay below the modulus. */
const MIN_MODULUS_BYTES = 64;
/** 8192 bits: far above any real server key, bounds the work a hostile certificate can cause. */
const MAX_MODULUS_BYTES = 1024;

/**
 * RSA_PUBLIC_KEY (MS-RDPBCGR 2.2.1.4.3.1.1.1): the server public key inside a proprietary certificate. These
 * bytes are the "PublicKeyBlob" that the invitation ticket's KH/KH2 hash.
 */
export function encodeRsaPublicKey(key: RsaKey): Uint8Array {
  const modulusLength = rsaModulusLength(key);
  if (modulusLength < MIN_MODULUS_BYTES || modulusLength > MAX_MODULUS_BYTES) {
    throw new ProtocolError('INVALID', `modulus of ${modulusLength} bytes is out of range`, 'RSA_PUBLIC_KEY');
  }
  if (key.e <= 0n || key.e > 0xffffffffn) {
    throw new ProtocolError('INVALID', 'public exponent does not fit in 32 bits', 'RSA_PUBLIC_KEY');
  }
  const keylen = modulusLength + MODULUS_PADDING;
  return new ByteWriter(20 + keylen)
    .u32le(RSA1_MAGIC)
    .u32le(keylen)
    .u32le(modulusLength * 8)
    .u32le(modulusLength - 1)
    .u32le(Number(key.e))
    .bytes(bigIntToBytesLE(key.n, keylen))
    .toBytes();
}

/** Decodes RSA_PUBLIC_KEY; the whole of `bytes` must be the structure. */
export function decodeRsaPublicKey(bytes: Uint8Array): RsaKey {
  const r = new ByteReader(bytes, 'RSA_PUBLIC_KEY');
  const magic = r.u32le();
  if (magic !== RSA1_MAGIC) {
    throw new ProtocolError('INVALID', `magic 0x${magic.toString(16)} is not "RSA1"`, r.pdu);
  }
  const keylen = r.u32le();
  const bitlen = r.u32le();
  r.u32le(); // datalen: derivable from bitlen, ignored like other implementations do
  const e = BigInt(r.u32le());
  if (bitlen % 8 !== 0) throw new ProtocolError('INVALID', `bitlen ${bitlen} is not a whole number of bytes`, r.pdu);
  const modulusLength = bitlen / 8;
  if (modulusLength < MIN_MODULUS_BYTES || modulusLength > MAX_MODULUS_BYTES) {
    throw new ProtocolError('OVERSIZE', `modulus of ${bitlen} bits is out of range`, r.pdu);
  }
  if (keylen < modulusLength || keylen > modulusLength + MODULUS_PADDING) {
    throw new ProtocolError('INVALID', `keylen ${keylen} does not match bitlen ${bitlen}`, r.pdu);
  }
  const n = bigIntFromBytesLE(r.bytesView(keylen, 'modulus'));
  r.end();
  const key: RsaKey = { n, e };
  if (rsaModulusLength(key) !== modulusLength) {
    throw new ProtocolError('INVALID', `modulus value does not have the declared ${bitlen} bits`, r.pdu);
  }
  if (e === 0n || (n & 1n) === 0n) throw new ProtocolError('INVALID', 'not a usable RSA public key', r.pdu);
  return key;
}
