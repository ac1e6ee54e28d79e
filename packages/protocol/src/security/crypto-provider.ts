/**
 * Cryptographic primitives the protocol needs but cannot implement portably. The package never imports
 * `node:crypto` or WebCrypto itself: Node callers pass `nodeCryptoProvider()` from @rdshare/session (or their
 * own), browsers pass one built on WebCrypto plus a small MD5/SHA-1.
 *
 * All digests are synchronous because RDP derives keys and MACs per packet on the hot path.
 */
export interface CryptoProvider {
  md5(data: Uint8Array): Uint8Array;
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  randomBytes(n: number): Uint8Array;
  /** HMAC-SHA1, only for FIPS encryption. */
  hmacSha1?(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** 3DES-CBC with no padding, only for FIPS encryption. */
  des3Cbc?(mode: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** An RSA key as big integers; the protocol does the modular arithmetic itself with bigint. */
export interface RsaKey {
  /** Modulus. */
  n: bigint;
  /** Public exponent. */
  e: bigint;
  /** Private exponent (absent for a peer's public key). */
  d?: bigint;
}
