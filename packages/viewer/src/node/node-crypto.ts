import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { CryptoProvider } from '@rdshare/protocol';

const digest = (alg: string) => (data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

/** The protocol's injected primitives on node:crypto, for viewers in Node. */
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
