import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  bigIntFromBytesLE,
  bigIntToBytesLE,
  modPow,
  rsaDecryptRaw,
  rsaEncryptRaw,
  rsaModulusLength,
} from '../../src/security/rsa.js';
import { generateRsaKey } from '../node-crypto.js';

const toBase64Url = (v: bigint): string => {
  let h = v.toString(16);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, 'hex').toString('base64url');
};

describe('rsa', () => {
  it('computes modular powers', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modPow(2n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
    expect(() => modPow(2n, 3n, 0n)).toThrow(ProtocolError);
  });

  it('converts little-endian bytes and bigints both ways', () => {
    expect(bigIntFromBytesLE(Uint8Array.of(0x01, 0x00, 0x01, 0x00))).toBe(0x10001n);
    expect(bigIntFromBytesLE(new Uint8Array(0))).toBe(0n);
    expect(bigIntToBytesLE(0x10001n, 6)).toEqual(Uint8Array.of(0x01, 0x00, 0x01, 0x00, 0x00, 0x00));
    expect(() => bigIntToBytesLE(0x10000n, 2)).toThrow(ProtocolError);
  });

  it('agrees with OpenSSL raw RSA once byte order is reversed', () => {
    const key = generateRsaKey(1024);
    expect(rsaModulusLength(key)).toBe(128);
    const plain = new Uint8Array(32).map((_, i) => i * 7 + 1);
    const ours = rsaEncryptRaw(plain, key);
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) },
      format: 'jwk',
    });
    const bigEndianPlain = new Uint8Array(128);
    bigEndianPlain.set(plain.slice().reverse(), 128 - 32);
    const openssl = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, bigEndianPlain);
    expect(Buffer.from(ours).reverse()).toEqual(openssl);
    expect(rsaDecryptRaw(ours, key).subarray(0, 32)).toEqual(plain);
  });

  it('refuses inputs not below the modulus and decryption without a private exponent', () => {
    const key = { n: 0xc5n, e: 3n };
    expect(() => rsaEncryptRaw(Uint8Array.of(0xc5), key)).toThrow(ProtocolError);
    expect(() => rsaDecryptRaw(Uint8Array.of(0x01), key)).toThrow(ProtocolError);
  });
});
