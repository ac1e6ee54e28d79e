import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { EncryptionMethod } from '../../src/security/encryption-method.js';
import {
  deriveFipsKeys,
  deriveSessionKeys,
  expandDesKey,
  masterSecret,
  rc4KeyLength,
  saltKey,
  sessionKeyBlob,
  updateSessionKey,
} from '../../src/security/key-derivation.js';
import { Rc4 } from '../../src/security/rc4.js';
import { nodeCryptoProvider } from '../node-crypto.js';
import { hex } from './hex.js';

const crypto = nodeCryptoProvider();

/**
 * The worked example of MS-RDPBCGR 5.3.5.1 key generation annotated in the Redemption RDP proxy
 * (core/RDP/sec.hpp, "Detailed sample: Computing message hashing keys").
 */
const CLIENT_RANDOM = hex(
  'f1 0b 35 78 df 9e cc 37 9c 4e 65 68 f2 32 87 5e 23 97 87 b6 91 65 21 bb c6 b0 86 81 1d 78 f3 c5',
);
const SERVER_RANDOM = hex(
  '7a fb 29 5b 7e 19 74 67 ae 88 a1 ad 80 bf 8c 6c e0 16 4b 03 82 16 10 bd a2 8c 85 5f 48 74 85 7e',
);
const MASTER_SECRET =
  hex(`03 75 89 f4 30 6c 14 35 69 f5 66 db 28 22 a9 f8 c7 3a ab 7a 66 0f 8e 65 76 af aa 56 23 6d 9d c9
  7b bc 03 05 4a c9 5e 2a 76 4c 65 3a 13 36 14 b4`);
const SESSION_KEY_BLOB =
  hex(`15 0e 4f 19 89 ae be 30 5f 08 ab 26 4a 2d 66 26 ee d7 8c 87 7f c5 bf 60 46 35 63 f4 ea 86 76 fa
  f1 4d f1 d4 34 f1 d8 ea 2c d9 4a af 9a 05 84 f3`);
const MAC_KEY_128 = hex('15 0e 4f 19 89 ae be 30 5f 08 ab 26 4a 2d 66 26');
const SERVER_ENCRYPT_128 = hex('59 8d b3 6b 64 bd 07 75 85 8a f6 28 5f ba 94 30');
const SERVER_DECRYPT_128 = hex('cd 8c 18 db d4 34 bd 2f 9e 9a 3d b4 ee 11 af 92');

describe('non-FIPS key generation (MS-RDPBCGR 5.3.5.1)', () => {
  it('reproduces the worked example', () => {
    expect(masterSecret(CLIENT_RANDOM, SERVER_RANDOM, crypto)).toEqual(MASTER_SECRET);
    expect(sessionKeyBlob(CLIENT_RANDOM, SERVER_RANDOM, crypto)).toEqual(SESSION_KEY_BLOB);
    expect(deriveSessionKeys(EncryptionMethod.BIT_128, CLIENT_RANDOM, SERVER_RANDOM, crypto)).toEqual({
      macKey: MAC_KEY_128,
      serverEncryptKey: SERVER_ENCRYPT_128,
      serverDecryptKey: SERVER_DECRYPT_128,
    });
  });

  it('salts 40-bit keys with D1 26 9E and 56-bit keys with D1 over the first 64 bits', () => {
    expect(deriveSessionKeys(EncryptionMethod.BIT_40, CLIENT_RANDOM, SERVER_RANDOM, crypto)).toEqual({
      macKey: hex('d1 26 9e 19 89 ae be 30'),
      serverEncryptKey: hex('d1 26 9e 6b 64 bd 07 75'),
      serverDecryptKey: hex('d1 26 9e db d4 34 bd 2f'),
    });
    expect(deriveSessionKeys(EncryptionMethod.BIT_56, CLIENT_RANDOM, SERVER_RANDOM, crypto)).toEqual({
      macKey: hex('d1 0e 4f 19 89 ae be 30'),
      serverEncryptKey: hex('d1 8d b3 6b 64 bd 07 75'),
      serverDecryptKey: hex('d1 8c 18 db d4 34 bd 2f'),
    });
    expect(saltKey(MAC_KEY_128, EncryptionMethod.BIT_128)).toEqual(MAC_KEY_128);
    expect([EncryptionMethod.BIT_40, EncryptionMethod.BIT_56, EncryptionMethod.BIT_128].map(rc4KeyLength)).toEqual([
      8, 8, 16,
    ]);
  });

  it('rejects randoms that are not 32 bytes and methods without RC4 keys', () => {
    expect(() => deriveSessionKeys(EncryptionMethod.BIT_128, CLIENT_RANDOM.subarray(1), SERVER_RANDOM, crypto)).toThrow(
      ProtocolError,
    );
    expect(() => deriveSessionKeys(EncryptionMethod.FIPS, CLIENT_RANDOM, SERVER_RANDOM, crypto)).toThrow(ProtocolError);
  });
});

describe('session key update (MS-RDPBCGR 5.3.7.1)', () => {
  const md5 = (...parts: Uint8Array[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const sha1 = (...parts: Uint8Array[]) => createHash('sha1').update(Buffer.concat(parts)).digest();
  const pad1 = new Uint8Array(40).fill(0x36);
  const pad2 = new Uint8Array(48).fill(0x5c);

  it('hashes initial and current 128-bit keys and RC4-encrypts the result with itself', () => {
    const current = hex('00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff');
    const temp = md5(SERVER_ENCRYPT_128, pad2, sha1(SERVER_ENCRYPT_128, pad1, current));
    const expected = new Rc4(temp).process(temp);
    expect(updateSessionKey(SERVER_ENCRYPT_128, current, EncryptionMethod.BIT_128, crypto)).toEqual(expected);
  });

  it('uses 64 bits and re-salts for 40-bit keys', () => {
    const initial = hex('d1 26 9e 6b 64 bd 07 75');
    const temp = md5(initial, pad2, sha1(initial, pad1, initial)).subarray(0, 8);
    const expected = new Rc4(temp).process(temp);
    expected.set([0xd1, 0x26, 0x9e]);
    const updated = updateSessionKey(initial, initial, EncryptionMethod.BIT_40, crypto);
    expect(updated).toEqual(expected);
    expect(updated).not.toEqual(initial);
  });
});

describe('FIPS key generation (MS-RDPBCGR 5.3.5.2)', () => {
  it('expands 168 bits to 192 with odd parity as in the specification example', () => {
    const key = new Uint8Array(21);
    key.set([0xd1, 0x5e, 0xc4, 0x7e, 0xda]);
    expect(expandDesKey(key).subarray(0, 5)).toEqual(hex('51 3d 10 76 26'));
    for (const b of expandDesKey(crypto.randomBytes(21))) {
      let ones = 0;
      for (let x = b; x; x >>= 1) ones += x & 1;
      expect(ones % 2).toBe(1);
    }
  });

  it('derives 24-byte 3DES keys and the HMAC key from the random halves', () => {
    const keys = deriveFipsKeys(CLIENT_RANDOM, SERVER_RANDOM, crypto);
    const sha1 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha1').update(Buffer.concat(parts)).digest());
    const encryptT = sha1(CLIENT_RANDOM.subarray(0, 16), SERVER_RANDOM.subarray(0, 16));
    const decryptT = sha1(CLIENT_RANDOM.subarray(16), SERVER_RANDOM.subarray(16));
    expect(keys.hmacKey).toEqual(sha1(encryptT, decryptT));
    expect(keys.serverEncryptKey).toEqual(expandDesKey(new Uint8Array([...encryptT, encryptT[0]])));
    expect(keys.serverDecryptKey).toEqual(expandDesKey(new Uint8Array([...decryptT, decryptT[0]])));
    expect(keys.serverEncryptKey).toHaveLength(24);
  });
});
