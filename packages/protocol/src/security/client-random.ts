import { ProtocolError } from '../core/errors.js';
import type { RsaKey } from './crypto-provider.js';
import { bigIntFromBytesLE, bigIntToBytesLE, rsaDecryptRaw, rsaEncryptRaw, rsaModulusLength } from './rsa.js';

/** Client and server randoms are 32 bytes (MS-RDPBCGR 5.3.4). */
export const RANDOM_LENGTH = 32;
/** The encrypted client random travels in a zeroed buffer 8 bytes longer than the modulus (5.3.4.1). */
const ENCRYPTED_RANDOM_PADDING = 8;

/**
 * Client side of MS-RDPBCGR 5.3.4.1: RSA-encrypts the 32-byte client random (as a little-endian integer) with
 * the server's public key and returns the `encryptedClientRandom` field of TS_SECURITY_PACKET (2.2.1.10.1):
 * modulus-length bytes followed by 8 zero bytes.
 */
export function encryptClientRandom(clientRandom: Uint8Array, serverPublicKey: RsaKey): Uint8Array {
  if (clientRandom.length !== RANDOM_LENGTH) {
    throw new ProtocolError('INVALID', `client random of ${clientRandom.length} bytes`, 'TS_SECURITY_PACKET');
  }
  const modulusLength = rsaModulusLength(serverPublicKey);
  const out = new Uint8Array(modulusLength + ENCRYPTED_RANDOM_PADDING);
  out.set(rsaEncryptRaw(clientRandom, serverPublicKey));
  return out;
}

/**
 * Server side of MS-RDPBCGR 5.3.4.1: recovers the 32-byte client random from `encryptedClientRandom`, with or
 * without the 8 trailing zero bytes. A ciphertext that does not decrypt to a 32-byte value raises SECURITY.
 */
export function decryptClientRandom(encrypted: Uint8Array, privateKey: RsaKey): Uint8Array {
  const pdu = 'TS_SECURITY_PACKET';
  const modulusLength = rsaModulusLength(privateKey);
  if (encrypted.length < modulusLength || encrypted.length > modulusLength + ENCRYPTED_RANDOM_PADDING) {
    throw new ProtocolError(
      'INVALID',
      `encrypted client random of ${encrypted.length} bytes for a ${modulusLength}-byte modulus`,
      pdu,
    );
  }
  for (let i = modulusLength; i < encrypted.length; i++) {
    if (encrypted[i] !== 0) throw new ProtocolError('INVALID', 'nonzero padding after encrypted client random', pdu);
  }
  const ciphertext = encrypted.subarray(0, modulusLength);
  if (bigIntFromBytesLE(ciphertext) >= privateKey.n) {
    throw new ProtocolError('SECURITY', 'encrypted client random is not below the modulus', pdu);
  }
  const plain = rsaDecryptRaw(ciphertext, privateKey);
  for (let i = RANDOM_LENGTH; i < plain.length; i++) {
    if (plain[i] !== 0) throw new ProtocolError('SECURITY', 'client random does not decrypt to 32 bytes', pdu);
  }
  return bigIntToBytesLE(bigIntFromBytesLE(plain), RANDOM_LENGTH);
}
