import { ProtocolError } from '../core/errors.js';
import type { RsaKey } from './crypto-provider.js';

/**
 * Raw ("textbook") RSA as Standard RDP Security uses it: no padding scheme, and every integer (modulus,
 * exponents, plaintext, ciphertext) travels as an unsigned little-endian byte string (MS-RDPBCGR 5.3.3.1.2,
 * 5.3.4.1). Key generation is not done here: callers inject keys (e.g. from node:crypto or WebCrypto).
 */

/** `base^exponent mod modulus` by left-to-right square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n) throw new ProtocolError('INVALID', 'RSA modulus must be positive', 'RSA');
  if (exponent < 0n) throw new ProtocolError('INVALID', 'RSA exponent must not be negative', 'RSA');
  if (modulus === 1n) return 0n;
  let b = base % modulus;
  if (b < 0n) b += modulus;
  let result = 1n;
  for (const bit of exponent.toString(2)) {
    result = (result * result) % modulus;
    if (bit === '1') result = (result * b) % modulus;
  }
  return result;
}

/** The unsigned integer whose little-endian encoding is `bytes`. */
export function bigIntFromBytesLE(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** `value` as exactly `length` little-endian bytes; throws if it does not fit. */
export function bigIntToBytesLE(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new ProtocolError('INVALID', 'negative integer has no unsigned encoding', 'RSA');
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length && v !== 0n; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new ProtocolError('OVERSIZE', `integer does not fit in ${length} bytes`, 'RSA');
  return out;
}

/** Bytes needed for the modulus, i.e. the size of every RSA block with this key. */
export function rsaModulusLength(key: RsaKey): number {
  return Math.ceil(key.n.toString(2).length / 8);
}

/** `data^e mod n` with little-endian input, output padded to the modulus length (MS-RDPBCGR 5.3.4.1). */
export function rsaEncryptRaw(data: Uint8Array, key: RsaKey): Uint8Array {
  return rsaApply(data, key.e, key);
}

/** `data^d mod n` with little-endian input, output padded to the modulus length; needs the private exponent. */
export function rsaDecryptRaw(data: Uint8Array, key: RsaKey): Uint8Array {
  if (key.d === undefined) throw new ProtocolError('INVALID', 'RSA key has no private exponent', 'RSA');
  return rsaApply(data, key.d, key);
}

function rsaApply(data: Uint8Array, exponent: bigint, key: RsaKey): Uint8Array {
  const m = bigIntFromBytesLE(data);
  if (m >= key.n) throw new ProtocolError('INVALID', 'RSA input is not smaller than the modulus', 'RSA');
  return bigIntToBytesLE(modPow(m, exponent, key.n), rsaModulusLength(key));
}
