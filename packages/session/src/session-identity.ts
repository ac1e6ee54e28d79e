import { createSecureContext, type SecureContext } from 'node:tls';
import {
  type CryptoProvider,
  encodeProprietaryCertificate,
  encodeRsaPublicKey,
  invitationKeyHashes,
  type RsaKey,
} from '@rdshare/protocol';
import { generateRsaKeyPair } from '@rdshare/protocol/node';
import { createSelfSignedCertificate, type TlsIdentity } from './tls-certificate.js';
import { tlsPolicy } from './tls-policy.js';

/** RSA modulus size of the per-session key, as Windows' sharer uses. */
const SESSION_KEY_BITS = 2048;

/**
 * Who the session is to its viewers, made at `open()`: the TLS context, the Standard RDP Security key and
 * proprietary certificate, and the key hashes (`KH`, `KH2`) a ticket carries so a viewer can pin the server.
 */
export interface SessionIdentity {
  readonly secureContext: SecureContext;
  readonly rsaKey: RsaKey;
  readonly proprietaryCertificate: Uint8Array;
  readonly keyHashes: { readonly kh: string; readonly kh2: string };
}

/**
 * Generates the session key and everything derived from it; `tls` replaces the self-signed certificate, `fips`
 * restricts TLS to FIPS-approved suites (EnforceStrongEncryption).
 */
export function createSessionIdentity(crypto: CryptoProvider, fips: boolean, tls?: TlsIdentity): SessionIdentity {
  const key = generateRsaKeyPair(SESSION_KEY_BITS);
  const identity = tls ?? createSelfSignedCertificate(key.privateKey, key.publicKey);
  return {
    secureContext: createSecureContext({ cert: identity.cert, key: identity.key, ...tlsPolicy(fips) }),
    rsaKey: key.rsa,
    proprietaryCertificate: encodeProprietaryCertificate(key.rsa, crypto),
    keyHashes: invitationKeyHashes(encodeRsaPublicKey(key.rsa), crypto),
  };
}
