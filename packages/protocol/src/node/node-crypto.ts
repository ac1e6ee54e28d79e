import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { CryptoProvider, RsaKey } from '../security/crypto-provider.js';

const digest = (alg: string) => (data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

/**
 * The primitives the protocol has injected ({@link CryptoProvider}), backed by `node:crypto`: what a sharer or a
 * viewer running in Node hands to the acceptor or the connector.
 *
 * @example
 * ```ts
 * import { nodeCryptoProvider } from '@rdshare/protocol/node';
 *
 * const crypto = nodeCryptoProvider();
 * console.log(crypto.sha256(new TextEncoder().encode('rdshare')).byteLength); // 32
 * ```
 */
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

/** An RSA key pair in both forms: KeyObjects for TLS and the bigints the protocol's RSA code uses. */
export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  rsa: RsaKey;
}

/** The public exponent every RDP server key uses (F4). */
const RSA_PUBLIC_EXPONENT = 0x10001;

/**
 * Generates an RSA key pair, e.g. the sharer's per-session key that signs its TLS certificate and backs its
 * proprietary certificate.
 *
 * @example
 * ```ts
 * import { encodeRsaPublicKey } from '@rdshare/protocol';
 * import { generateRsaKeyPair } from '@rdshare/protocol/node';
 *
 * const { rsa } = generateRsaKeyPair(2048);
 * const blob = encodeRsaPublicKey(rsa); // RSA_PUBLIC_KEY, as the proprietary certificate carries it
 * ```
 */
export function generateRsaKeyPair(bits: number): RsaKeyPair {
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
