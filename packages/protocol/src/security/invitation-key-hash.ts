import type { CryptoProvider } from './crypto-provider.js';

/** The sharer-key pins of an invitation ticket: its `KH` and `KH2` attributes. */
export interface InvitationKeyHashes {
  /** base64(SHA-1(PublicKeyBlob)). */
  kh: string;
  /** `"sha256:" + base64(SHA-256(PublicKeyBlob))`; viewers that know KH2 check it instead of KH. */
  kh2: string;
}

/**
 * Hashes the RSA_PUBLIC_KEY bytes of the sharer's proprietary certificate into the ticket's KH/KH2
 * ([MS-RAI] 2.2.2; wds-protocol.md §2.2). A viewer compares them with the certificate it receives.
 *
 * @example
 * ```ts
 * const { kh, kh2 } = invitationKeyHashes(encodeRsaPublicKey(rsaKey), nodeCryptoProvider());
 * ```
 */
export function invitationKeyHashes(
  publicKeyBlob: Uint8Array,
  crypto: Pick<CryptoProvider, 'sha1' | 'sha256'>,
): InvitationKeyHashes {
  return {
    kh: toBase64(crypto.sha1(publicKeyBlob)),
    kh2: `sha256:${toBase64(crypto.sha256(publicKeyBlob))}`,
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
