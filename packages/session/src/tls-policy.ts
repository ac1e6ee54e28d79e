import type { SecureContextOptions } from 'node:tls';

/**
 * TLS 1.2 suites: ephemeral (EC)DH key exchange for forward secrecy, AEAD ciphers only. TLS 1.3 suites are all
 * forward-secret AEAD.
 */
const FORWARD_SECRET_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
];

/**
 * FIPS 140 approved: AES-GCM with ECDHE over the NIST curves (no ChaCha20-Poly1305, no finite-field DHE, no
 * X25519), as EnforceStrongEncryption asks.
 */
const FIPS_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
];
const FIPS_CURVES = 'P-256:P-384';

/** The TLS versions and suites the listener accepts: forward-secret AEAD always, FIPS-approved only when `fips`. */
export function tlsPolicy(fips: boolean): SecureContextOptions {
  return {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: (fips ? FIPS_SUITES : FORWARD_SECRET_SUITES).join(':'),
    ...(fips ? { ecdhCurve: FIPS_CURVES } : {}),
    honorCipherOrder: true,
  };
}
