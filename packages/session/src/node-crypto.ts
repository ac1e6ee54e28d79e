import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { CryptoProvider, RsaKey } from '@rdshare/protocol';

const digest = (alg: string) => (data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

/** The protocol's injected primitives, backed by node:crypto. */
export function nodeCryptoProvider(): CryptoProvider {
  return {
    md5: digest('md5'),
    sha1: digest('sha1'),
    sha256: digest('sha256'),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    hmacSha1: (key, data) => new Uint8Array(createHmac('sha1', key).update(data).digest()),
    des3Cbc(mode, key, iv, data) {
      const c =
        mode === 'encrypt' ? createCipheriv('des-ede3-cbc', key, iv) : createDecipheriv('des-ede3-cbc', key, iv);
      c.setAutoPadding(false);
      return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    },
  };
}

const b64urlToBigint = (s: string) => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex') || '0'}`);

/** A session key pair: the KeyObject for TLS and the bigint form the protocol's RSA code uses. */
export interface SessionKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  rsa: RsaKey;
}

/** The public exponent every RDP server key uses (F4). */
const RSA_PUBLIC_EXPONENT = 0x10001;

/** Generates the per-session RSA key that signs the TLS certificate and backs the proprietary certificate. */
export function generateSessionKey(bits: number): SessionKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: RSA_PUBLIC_EXPONENT,
  });
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.n || !jwk.e || !jwk.d) throw new Error('RSA key export lacks n, e or d');
  return {
    privateKey,
    publicKey,
    rsa: { n: b64urlToBigint(jwk.n), e: b64urlToBigint(jwk.e), d: b64urlToBigint(jwk.d) },
  };
}
