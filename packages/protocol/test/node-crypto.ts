// The one node:crypto CryptoProvider lives in @rdshare/session (protocol itself may not import node:); the
// protocol's tests borrow it from source, since a package dependency on session would be a cycle.

import { generateSessionKey } from '../../session/src/node-crypto.js';
import type { RsaKey } from '../src/security/crypto-provider.js';

export { nodeCryptoProvider } from '../../session/src/node-crypto.js';

/** A fresh RSA key as bigints. */
export function generateRsaKey(bits: number): RsaKey {
  return generateSessionKey(bits).rsa;
}
