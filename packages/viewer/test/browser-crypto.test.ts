import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserCryptoProvider } from '../src/index.js';

const crypto = browserCryptoProvider();
const node = (alg: string, data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

describe('browserCryptoProvider', () => {
  // Lengths around the 55/56/64-byte padding boundaries, empty input, and several blocks.
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_000];
  it.each(lengths)('MD5, SHA-1 and SHA-256 of %i bytes equal node:crypto', (n) => {
    const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
    expect(crypto.md5(data)).toEqual(node('md5', data));
    expect(crypto.sha1(data)).toEqual(node('sha1', data));
    expect(crypto.sha256(data)).toEqual(node('sha256', data));
  });

  it('matches the RFC 1321 and FIPS 180 test vectors for "abc"', () => {
    const abc = new TextEncoder().encode('abc');
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(crypto.md5(abc))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(hex(crypto.sha1(abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(crypto.sha256(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('fills random buffers larger than one getRandomValues call', () => {
    const bytes = crypto.randomBytes(70_000);
    expect(bytes.length).toBe(70_000);
    expect(bytes.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });
});
