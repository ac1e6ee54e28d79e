import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  chooseEncryptionMethod,
  EncryptionLevel,
  EncryptionMethod,
  encryptionLevelFor,
} from '../../src/security/encryption-method.js';
import { deriveFipsKeys, deriveSessionKeys, updateSessionKey } from '../../src/security/key-derivation.js';
import { Rc4 } from '../../src/security/rc4.js';
import { KEY_UPDATE_INTERVAL, RdpSecurityContext } from '../../src/security/rdp-security.js';
import { nodeCryptoProvider } from '../node-crypto.js';

const crypto = nodeCryptoProvider();
const clientRandom = crypto.randomBytes(32);
const serverRandom = crypto.randomBytes(32);

function pair(method: EncryptionMethod) {
  const common = { method, clientRandom, serverRandom, crypto };
  return {
    server: new RdpSecurityContext({ role: 'server', ...common }),
    client: new RdpSecurityContext({ role: 'client', ...common }),
  };
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The MAC of MS-RDPBCGR 5.3.6.1 (and 5.3.6.1.1 with a count), written out independently. */
function referenceMac(macKey: Uint8Array, data: Uint8Array, count?: number): Uint8Array {
  const inner = createHash('sha1')
    .update(macKey)
    .update(Buffer.alloc(40, 0x36))
    .update(u32le(data.length))
    .update(data);
  if (count !== undefined) inner.update(u32le(count));
  const sha = inner.digest();
  return new Uint8Array(createHash('md5').update(macKey).update(Buffer.alloc(48, 0x5c)).update(sha).digest()).slice(
    0,
    8,
  );
}

const packet = (i: number): Uint8Array => new Uint8Array(1 + (i % 97)).map((_, j) => (i * 31 + j) & 0xff);

describe('RdpSecurityContext', () => {
  it('produces the 5.3.6.1 MAC and the RC4 stream of the derived keys (128-bit)', () => {
    const { server } = pair(EncryptionMethod.BIT_128);
    const keys = deriveSessionKeys(EncryptionMethod.BIT_128, clientRandom, serverRandom, crypto);
    const stream = new Rc4(keys.serverEncryptKey);
    const first = packet(1);
    const second = packet(2);
    const a = server.encrypt(first);
    expect(a.signature).toEqual(referenceMac(keys.macKey, first));
    expect(a.data).toEqual(stream.process(first));
    expect(a.padLength).toBe(0);
    const b = server.encrypt(second, { salted: true });
    expect(b.signature).toEqual(referenceMac(keys.macKey, second, 1));
    expect(b.data).toEqual(stream.process(second));
  });

  for (const method of [EncryptionMethod.BIT_40, EncryptionMethod.BIT_56, EncryptionMethod.BIT_128]) {
    it(`round-trips both directions across a key update (method 0x${method.toString(16)})`, () => {
      const { server, client } = pair(method);
      for (let i = 0; i < KEY_UPDATE_INTERVAL + 10; i++) {
        const salted = i % 3 === 0;
        const down = packet(i);
        const sent = server.encrypt(down, { salted });
        expect(client.decrypt(sent.data, sent.signature, { salted })).toEqual(down);
        if (i % 2 === 0) {
          const up = packet(i + 1000);
          const back = client.encrypt(up, { salted });
          expect(server.decrypt(back.data, back.signature, { salted })).toEqual(up);
        }
      }
      expect(server.encryptCount).toBe(KEY_UPDATE_INTERVAL + 10);
      expect(client.decryptCount).toBe(KEY_UPDATE_INTERVAL + 10);
      expect(server.decryptCount).toBe((KEY_UPDATE_INTERVAL + 10) / 2);
    });
  }

  it('switches to the updated key on packet 4097 and keeps salting with the cumulative count', () => {
    const { server } = pair(EncryptionMethod.BIT_128);
    const keys = deriveSessionKeys(EncryptionMethod.BIT_128, clientRandom, serverRandom, crypto);
    const oldStream = new Rc4(keys.serverEncryptKey);
    for (let i = 0; i < KEY_UPDATE_INTERVAL; i++) oldStream.process(server.encrypt(packet(i)).data.slice());
    const data = packet(7);
    const sent = server.encrypt(data, { salted: true });
    const newKey = updateSessionKey(keys.serverEncryptKey, keys.serverEncryptKey, EncryptionMethod.BIT_128, crypto);
    expect(sent.data).toEqual(new Rc4(newKey).process(data));
    expect(sent.data).not.toEqual(oldStream.process(data));
    expect(sent.signature).toEqual(referenceMac(keys.macKey, data, KEY_UPDATE_INTERVAL));
  });

  it('encrypts and decrypts in place when asked', () => {
    const { server, client } = pair(EncryptionMethod.BIT_128);
    const buf = packet(5);
    const copy = buf.slice();
    const sent = server.encrypt(buf, { inPlace: true });
    expect(sent.data).toBe(buf);
    expect(client.decrypt(buf, sent.signature, { inPlace: true })).toBe(buf);
    expect(buf).toEqual(copy);
  });

  it('raises SECURITY on a wrong MAC, altered data or a salting mismatch', () => {
    const { server, client } = pair(EncryptionMethod.BIT_128);
    const sent = server.encrypt(packet(1));
    const badSig = sent.signature.slice();
    badSig[0] ^= 1;
    expect(() => client.decrypt(sent.data, badSig)).toThrow(expect.objectContaining({ code: 'SECURITY' }));

    const fresh = pair(EncryptionMethod.BIT_128);
    const sent2 = fresh.server.encrypt(packet(2));
    const altered = sent2.data.slice();
    altered[0] ^= 0x40;
    expect(() => fresh.client.decrypt(altered, sent2.signature)).toThrow(ProtocolError);

    const again = pair(EncryptionMethod.BIT_56);
    const salted = again.server.encrypt(packet(3), { salted: true });
    again.server.encrypt(packet(4));
    expect(() => again.client.decrypt(salted.data, salted.signature)).toThrow(
      expect.objectContaining({ code: 'SECURITY' }),
    );
    expect(() => client.decrypt(sent.data, new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });

  it('round-trips FIPS with padding, a continuing CBC chain and the counted HMAC', () => {
    const { server, client } = pair(EncryptionMethod.FIPS);
    const keys = deriveFipsKeys(clientRandom, serverRandom, crypto);
    for (let i = 0; i < 50; i++) {
      const data = packet(i);
      const sent = server.encrypt(data);
      expect(sent.data.length % 8).toBe(0);
      expect(sent.padLength).toBe((8 - (data.length % 8)) % 8);
      const hmac = createHmac('sha1', keys.hmacKey).update(data).update(u32le(i)).digest();
      expect(sent.signature).toEqual(new Uint8Array(hmac).slice(0, 8));
      expect(client.decrypt(sent.data, sent.signature, { padLength: sent.padLength })).toEqual(data);
      const up = client.encrypt(data);
      expect(server.decrypt(up.data, up.signature, { padLength: up.padLength, inPlace: true })).toEqual(data);
    }
    const same = new Uint8Array(16).fill(0x42);
    const a = server.encrypt(same);
    const b = server.encrypt(same);
    expect(a.data).not.toEqual(b.data);
    client.decrypt(a.data, a.signature);
    const tampered = b.signature.slice();
    tampered[7] ^= 1;
    expect(() => client.decrypt(b.data, tampered)).toThrow(expect.objectContaining({ code: 'SECURITY' }));
    expect(() => client.decrypt(new Uint8Array(7), b.signature)).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });

  it('needs hmacSha1 and des3Cbc for FIPS and a real method', () => {
    const { hmacSha1: _h, des3Cbc: _d, ...basic } = crypto;
    const options = { role: 'server' as const, clientRandom, serverRandom, crypto: basic };
    expect(() => new RdpSecurityContext({ ...options, method: EncryptionMethod.FIPS })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
    expect(() => new RdpSecurityContext({ ...options, method: EncryptionMethod.NONE })).toThrow(ProtocolError);
    expect(new RdpSecurityContext({ ...options, method: EncryptionMethod.BIT_128 }).method).toBe(0x2);
  });
});

describe('chooseEncryptionMethod', () => {
  const { BIT_40, BIT_56, BIT_128, FIPS, NONE } = EncryptionMethod;

  it('picks the strongest RC4 method both sides support', () => {
    expect(chooseEncryptionMethod(BIT_40 | BIT_56 | BIT_128 | FIPS, 0, BIT_40 | BIT_56 | BIT_128)).toBe(BIT_128);
    expect(chooseEncryptionMethod(BIT_40 | BIT_56, 0, BIT_40 | BIT_56 | BIT_128)).toBe(BIT_56);
    expect(chooseEncryptionMethod(BIT_40, undefined, BIT_40 | BIT_128)).toBe(BIT_40);
  });

  it('uses FIPS only when the server allows it', () => {
    expect(chooseEncryptionMethod(BIT_128 | FIPS, 0, BIT_128 | FIPS)).toBe(FIPS);
    expect(chooseEncryptionMethod(BIT_128, 0, BIT_128 | FIPS)).toBe(BIT_128);
    expect(chooseEncryptionMethod(FIPS, 0, BIT_128)).toBeUndefined();
  });

  it('honours French-locale extEncryptionMethods and a server wanting none', () => {
    expect(chooseEncryptionMethod(0, BIT_40 | BIT_128, BIT_128)).toBe(BIT_128);
    expect(chooseEncryptionMethod(BIT_128, 0, NONE)).toBe(NONE);
    expect(chooseEncryptionMethod(0, 0, BIT_128)).toBeUndefined();
  });

  it('maps methods to the level announced alongside', () => {
    expect(encryptionLevelFor(BIT_128)).toBe(EncryptionLevel.CLIENT_COMPATIBLE);
    expect(encryptionLevelFor(FIPS)).toBe(EncryptionLevel.FIPS);
    expect(encryptionLevelFor(NONE)).toBe(EncryptionLevel.NONE);
  });
});
