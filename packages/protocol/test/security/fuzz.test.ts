import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { decryptClientRandom, encryptClientRandom } from '../../src/security/client-random.js';
import {
  decodeProprietaryCertificate,
  encodeProprietaryCertificate,
} from '../../src/security/proprietary-certificate.js';
import { decodeRsaPublicKey, encodeRsaPublicKey } from '../../src/security/rsa-public-key.js';
import { decodeSecurityExchange, encodeSecurityExchange } from '../../src/security/security-exchange.js';
import { prng } from '../data/fuzz.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { WINDOWS_CERTIFICATE } from './certificates.js';

const crypto = nodeCryptoProvider();

/** Random bytes, or a valid encoding with a few bytes changed, truncated or extended. */
function inputs(seed: number, valid: Uint8Array[], count: number): Uint8Array[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 4 === 0) {
      out.push(new Uint8Array(int(400)).map(() => int(256)));
      continue;
    }
    let bytes = valid[int(valid.length)].slice();
    const flips = 1 + int(4);
    for (let f = 0; f < flips && bytes.length > 0; f++) bytes[int(bytes.length)] = int(256);
    if (i % 5 === 0) bytes = bytes.subarray(0, int(bytes.length + 1));
    if (i % 7 === 0) bytes = new Uint8Array([...bytes, ...new Uint8Array(int(16)).map(() => int(256))]);
    out.push(bytes);
  }
  return out;
}

/** Runs `decode` on every input: it may return or throw ProtocolError, nothing else. */
function fuzz(decode: (bytes: Uint8Array) => unknown, samples: Uint8Array[]): number {
  let rejected = 0;
  for (const bytes of samples) {
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof ProtocolError))
        throw new Error(`non-ProtocolError for ${Buffer.from(bytes).toString('hex')}: ${e}`);
      rejected++;
    }
  }
  return rejected;
}

describe('decoder fuzzing', () => {
  const key512 = generateRsaKey(512);

  it('decodeProprietaryCertificate throws only ProtocolError', () => {
    const valid = [WINDOWS_CERTIFICATE, encodeProprietaryCertificate(generateRsaKey(1024), crypto)];
    const samples = inputs(1, valid, 3000);
    expect(fuzz((b) => decodeProprietaryCertificate(b, crypto), samples)).toBeGreaterThan(2900);
  });

  it('decodeRsaPublicKey throws only ProtocolError', () => {
    const valid = [encodeRsaPublicKey(key512), WINDOWS_CERTIFICATE.subarray(16, 108)];
    expect(fuzz(decodeRsaPublicKey, inputs(2, valid, 3000))).toBeGreaterThan(500);
  });

  it('decodeSecurityExchange throws only ProtocolError', () => {
    const valid = [
      encodeSecurityExchange({ flags: 1, encryptedClientRandom: encryptClientRandom(crypto.randomBytes(32), key512) }),
    ];
    expect(fuzz(decodeSecurityExchange, inputs(3, valid, 3000))).toBeGreaterThan(500);
  });

  it('decryptClientRandom throws only ProtocolError', () => {
    const valid = [encryptClientRandom(crypto.randomBytes(32), key512)];
    expect(fuzz((b) => decryptClientRandom(b, key512), inputs(4, valid, 2000))).toBeGreaterThan(1500);
  });
});
