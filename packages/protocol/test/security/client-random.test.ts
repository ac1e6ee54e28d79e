import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { decryptClientRandom, encryptClientRandom } from '../../src/security/client-random.js';
import { rsaEncryptRaw } from '../../src/security/rsa.js';
import { decodeSecurityExchange, encodeSecurityExchange } from '../../src/security/security-exchange.js';
import { SecurityFlag } from '../../src/security/security-flags.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { hex } from './hex.js';

const crypto = nodeCryptoProvider();
const key = generateRsaKey(2048);
const publicKey = { n: key.n, e: key.e };

describe('client random', () => {
  it('encrypts into modulus length + 8 zero bytes and decrypts back', () => {
    const random = crypto.randomBytes(32);
    const encrypted = encryptClientRandom(random, publicKey);
    expect(encrypted.length).toBe(256 + 8);
    expect(encrypted.subarray(256)).toEqual(new Uint8Array(8));
    expect(decryptClientRandom(encrypted, key)).toEqual(random);
    expect(decryptClientRandom(encrypted.subarray(0, 256), key)).toEqual(random);
  });

  it('keeps leading and trailing zero bytes of the random', () => {
    const random = new Uint8Array(32);
    random[0] = 0x01;
    expect(decryptClientRandom(encryptClientRandom(random, publicKey), key)).toEqual(random);
    random.fill(0);
    random[31] = 0x80;
    expect(decryptClientRandom(encryptClientRandom(random, publicKey), key)).toEqual(random);
  });

  it('raises SECURITY when the value is not a 32-byte random and INVALID on bad lengths', () => {
    const notARandom = new Uint8Array(40).fill(0x11);
    const encrypted = rsaEncryptRaw(notARandom, publicKey);
    expect(() => decryptClientRandom(encrypted, key)).toThrow(expect.objectContaining({ code: 'SECURITY' }));
    expect(() => decryptClientRandom(new Uint8Array(100), key)).toThrow(ProtocolError);
    const badPadding = encryptClientRandom(crypto.randomBytes(32), publicKey);
    badPadding[260] = 1;
    expect(() => decryptClientRandom(badPadding, key)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    const tooBig = new Uint8Array(256).fill(0xff);
    expect(() => decryptClientRandom(tooBig, key)).toThrow(expect.objectContaining({ code: 'SECURITY' }));
    expect(() => encryptClientRandom(new Uint8Array(16), publicKey)).toThrow(ProtocolError);
  });
});

describe('TS_SECURITY_PACKET', () => {
  it('encodes the Security Exchange PDU data of MS-RDPBCGR 2.2.1.10.1', () => {
    const encryptedClientRandom = new Uint8Array(72).map((_, i) => i);
    const bytes = encodeSecurityExchange({ flags: SecurityFlag.EXCHANGE_PKT, encryptedClientRandom });
    expect(bytes.subarray(0, 8)).toEqual(hex('01 00 00 00 48 00 00 00'));
    expect(bytes.subarray(8)).toEqual(encryptedClientRandom);
    expect(decodeSecurityExchange(bytes)).toEqual({ flags: SecurityFlag.EXCHANGE_PKT, encryptedClientRandom });
  });

  it('carries SEC_LICENSE_ENCRYPT_SC and ignores flagsHi', () => {
    const bytes = encodeSecurityExchange({
      flags: SecurityFlag.LICENSE_ENCRYPT,
      encryptedClientRandom: new Uint8Array(8),
    });
    bytes[2] = 0xaa;
    expect(decodeSecurityExchange(bytes).flags).toBe(SecurityFlag.EXCHANGE_PKT | SecurityFlag.LICENSE_ENCRYPT);
  });

  it('rejects a missing SEC_EXCHANGE_PKT, a length past the end, an oversized length and trailing bytes', () => {
    expect(() => decodeSecurityExchange(hex('08 00 00 00 00 00 00 00'))).toThrow(
      expect.objectContaining({ code: 'UNEXPECTED' }),
    );
    expect(() => decodeSecurityExchange(hex('01 00 00 00 48 00 00 00 00'))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
    expect(() => decodeSecurityExchange(hex('01 00 00 00 00 00 01 00'))).toThrow(
      expect.objectContaining({ code: 'OVERSIZE' }),
    );
    expect(() => decodeSecurityExchange(hex('01 00 00 00 00 00 00 00 00'))).toThrow(
      expect.objectContaining({ code: 'INVALID' }),
    );
  });
});
