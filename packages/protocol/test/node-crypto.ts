import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import type { CryptoProvider, RsaKey } from '../src/security/crypto-provider.js';

const digest =
  (algorithm: string) =>
  (data: Uint8Array): Uint8Array =>
    new Uint8Array(createHash(algorithm).update(data).digest());

/** A CryptoProvider on node:crypto, for tests (the session package ships its own). */
export function nodeCryptoProvider(): CryptoProvider {
  return {
    md5: digest('md5'),
    sha1: digest('sha1'),
    sha256: digest('sha256'),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    hmacSha1: (key, data) => new Uint8Array(createHmac('sha1', key).update(data).digest()),
    des3Cbc: (mode, key, iv, data) => {
      const cipher =
        mode === 'encrypt' ? createCipheriv('des-ede3-cbc', key, iv) : createDecipheriv('des-ede3-cbc', key, iv);
      cipher.setAutoPadding(false);
      return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
    },
  };
}

const jwkBigInt = (value: string | undefined): bigint => {
  if (!value) throw new Error('JWK lacks an RSA component');
  return BigInt(`0x${Buffer.from(value, 'base64url').toString('hex')}`);
};

/** A fresh RSA key as bigints: node:crypto generates it, its JWK export gives n, e and d. */
export function generateRsaKey(bits = 2048): RsaKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { n: jwkBigInt(jwk.n), e: jwkBigInt(jwk.e), d: jwkBigInt(jwk.d) };
}
