import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { invitationKeyHashes } from '../../src/security/invitation-key-hash.js';
import {
  decodeProprietaryCertificate,
  encodeProprietaryCertificate,
} from '../../src/security/proprietary-certificate.js';
import { bigIntFromBytesLE } from '../../src/security/rsa.js';
import { decodeRsaPublicKey, encodeRsaPublicKey } from '../../src/security/rsa-public-key.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { WINDOWS_CERTIFICATE, XRDP_CERTIFICATE } from './certificates.js';
import { hex } from './hex.js';

const crypto = nodeCryptoProvider();
const key2048 = generateRsaKey(2048);

function expectProtocolError(fn: () => unknown, code: ProtocolError['code']): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ${code} ProtocolError`);
}

describe('RSA_PUBLIC_KEY', () => {
  it('decodes the public key example of MS-RDPBCGR 5.3.3.1.2', () => {
    const blob = hex(`52 53 41 31 48 00 00 00 00 02 00 00 3f 00 00 00 01 00 01 00
      af fe 36 f2 c5 a1 44 2e 47 c1 31 a7 db c6 67 02 64 71 5c 00 c9 b6 b3 04 d0 89 9f e7 6b 24 e8 e8
      e5 2d 0b 13 a9 0c 6d 4d 91 5e e8 f6 b3 17 17 e3 9f c5 4d 4a ba fa b9 2a 1b fb 10 dd 91 8c 60 b7
      00 00 00 00 00 00 00 00`);
    const key = decodeRsaPublicKey(blob);
    expect(key.e).toBe(0x10001n);
    expect(key.n).toBe(bigIntFromBytesLE(blob.subarray(20, 84)));
    expect(encodeRsaPublicKey(key)).toEqual(blob);
  });

  it('lays out a 2048-bit key as keylen 264, bitlen 2048, datalen 255', () => {
    const blob = encodeRsaPublicKey(key2048);
    expect(blob.length).toBe(20 + 264);
    expect(hex('52 53 41 31 08 01 00 00 00 08 00 00 ff 00 00 00 01 00 01 00')).toEqual(blob.subarray(0, 20));
    expect(blob.subarray(blob.length - 8)).toEqual(new Uint8Array(8));
    expect(decodeRsaPublicKey(blob)).toEqual({ n: key2048.n, e: key2048.e });
  });

  it('rejects a wrong magic, an inconsistent keylen and a truncated modulus', () => {
    const blob = encodeRsaPublicKey(key2048);
    const badMagic = blob.slice();
    badMagic[0] = 0x51;
    expectProtocolError(() => decodeRsaPublicKey(badMagic), 'INVALID');
    const badKeylen = blob.slice();
    badKeylen[4] = 0x20;
    expectProtocolError(() => decodeRsaPublicKey(badKeylen), 'INVALID');
    expectProtocolError(() => decodeRsaPublicKey(blob.subarray(0, 100)), 'TRUNCATED');
  });
});

describe('proprietary certificate', () => {
  it('accepts certificates signed by Windows and xrdp with the Terminal Services Signing Key', () => {
    for (const bytes of [WINDOWS_CERTIFICATE, XRDP_CERTIFICATE]) {
      const cert = decodeProprietaryCertificate(bytes, crypto);
      expect(cert.publicKey.e).toBe(0x10001n);
      expect(cert.publicKeyBlob).toEqual(bytes.subarray(16, 16 + 92));
      expect(cert.publicKey.n).toBe(bigIntFromBytesLE(bytes.subarray(36, 100)));
    }
  });

  it('re-encodes a real certificate byte for byte', () => {
    const cert = decodeProprietaryCertificate(WINDOWS_CERTIFICATE, crypto);
    expect(encodeProprietaryCertificate(cert.publicKey, crypto)).toEqual(WINDOWS_CERTIFICATE);
  });

  it('round-trips a 2048-bit key with a valid signature and no private exponent in it', () => {
    const bytes = encodeProprietaryCertificate(key2048, crypto);
    expect(bytes.length).toBe(16 + 284 + 4 + 72);
    const cert = decodeProprietaryCertificate(bytes, crypto);
    expect(cert.publicKey).toEqual({ n: key2048.n, e: key2048.e });
    expect(cert.publicKeyBlob).toEqual(encodeRsaPublicKey(key2048));
  });

  it('rejects a certificate whose key or signature was altered', () => {
    const keyTampered = WINDOWS_CERTIFICATE.slice();
    keyTampered[50] ^= 0x01;
    expectProtocolError(() => decodeProprietaryCertificate(keyTampered, crypto), 'SECURITY');
    const sigTampered = WINDOWS_CERTIFICATE.slice();
    sigTampered[120] ^= 0x80;
    expectProtocolError(() => decodeProprietaryCertificate(sigTampered, crypto), 'SECURITY');
  });

  it('reports an X.509 chain as unsupported and truncation as truncated', () => {
    const x509 = WINDOWS_CERTIFICATE.slice();
    x509[0] = 0x02;
    expectProtocolError(() => decodeProprietaryCertificate(x509, crypto), 'UNSUPPORTED');
    expectProtocolError(() => decodeProprietaryCertificate(WINDOWS_CERTIFICATE.subarray(0, 150), crypto), 'TRUNCATED');
    const trailing = new Uint8Array([...WINDOWS_CERTIFICATE, 0]);
    expectProtocolError(() => decodeProprietaryCertificate(trailing, crypto), 'INVALID');
  });
});

describe('invitationKeyHashes', () => {
  it('hashes the PublicKeyBlob into KH and KH2', () => {
    const blob = decodeProprietaryCertificate(XRDP_CERTIFICATE, crypto).publicKeyBlob;
    const { kh, kh2 } = invitationKeyHashes(blob, crypto);
    expect(kh).toBe(createHash('sha1').update(blob).digest('base64'));
    expect(kh2).toBe(`sha256:${createHash('sha256').update(blob).digest('base64')}`);
    expect(kh).toHaveLength(28);
    expect(invitationKeyHashes(encodeRsaPublicKey(key2048), crypto).kh).not.toBe(kh);
  });
});
