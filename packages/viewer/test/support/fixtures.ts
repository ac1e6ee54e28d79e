import { generateKeyPairSync } from 'node:crypto';
import {
  type AcceptorOptions,
  encodeConnectionString,
  encodeProprietaryCertificate,
  encodeRsaPublicKey,
  invitationKeyHashes,
  type RsaKey,
} from '@rdshare/protocol';
import { nodeCryptoProvider } from '../../src/node/index.js';
import { AUTH } from './acceptor-transport.js';

const crypto = nodeCryptoProvider();

/** A fresh 512-bit RSA key (small: the tests do not need strength, and bigint RSA is slow). */
export function rsaKey(): RsaKey {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 512, publicExponent: 0x10001 }).privateKey.export({
    format: 'jwk',
  });
  const big = (s?: string) => BigInt(`0x${Buffer.from(s ?? '', 'base64url').toString('hex')}`);
  return { n: big(jwk.n), e: big(jwk.e), d: big(jwk.d) };
}

export const key = rsaKey();
export const publicKey: RsaKey = { n: key.n, e: key.e };
export const pins = invitationKeyHashes(encodeRsaPublicKey(key), crypto);
export const W = 64;
export const H = 40;

/** Our acceptor as the in-memory sharer, with `key` for Standard RDP Security. */
export function acceptorOptions(tls: boolean, maxColorDepth = 32): AcceptorOptions {
  return {
    crypto,
    width: W,
    height: H,
    maxColorDepth,
    security: { tls, rdp: { key, certificate: encodeProprietaryCertificate(key, crypto) } },
  };
}

/** An invitation for the in-memory sharer, pinned to `key` unless told otherwise. */
export function ticket(overrides: { kh?: string; kh2?: string; addresses?: string[] } = {}): string {
  return encodeConnectionString({
    kh: overrides.kh ?? pins.kh,
    kh2: overrides.kh2 ?? pins.kh2,
    authString: AUTH.authString,
    transportId: 1,
    sessionId: 0,
    addresses: (overrides.addresses ?? ['127.0.0.1']).map((address, i) => ({ address, port: 3389 + i })),
  });
}
