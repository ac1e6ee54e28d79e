import { generateRsaKeyPair } from '../src/node/node-crypto.js';
import type { RsaKey } from '../src/security/crypto-provider.js';

export { nodeCryptoProvider } from '../src/node/node-crypto.js';

/** A fresh RSA key as bigints. */
export function generateRsaKey(bits: number): RsaKey {
  return generateRsaKeyPair(bits).rsa;
}
