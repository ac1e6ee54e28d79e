import type { CryptoProvider } from '@rdshare/protocol';
import { md5 } from './digest/md5.js';
import { sha1 } from './digest/sha1.js';
import { sha256 } from './digest/sha256.js';
import { ViewerError } from './errors.js';

/** getRandomValues fills at most this many bytes per call (WebCrypto's QuotaExceededError limit). */
const MAX_RANDOM_PER_CALL = 65536;

/**
 * The protocol's CryptoProvider for browsers: randomness from WebCrypto's `getRandomValues`, digests in pure
 * TypeScript because WebCrypto has no MD5 and only asynchronous digests, while RDP derives keys and MACs per
 * packet. It offers no FIPS primitives, so the viewer negotiates 128-bit RC4 under Standard RDP Security.
 *
 * @example
 * ```ts
 * const viewer = new RdpViewer({ crypto: browserCryptoProvider(), transport: webSocketTransport(url) });
 * ```
 */
export function browserCryptoProvider(): CryptoProvider {
  const webCrypto = (globalThis as { crypto?: { getRandomValues(array: Uint8Array): Uint8Array } }).crypto;
  if (!webCrypto?.getRandomValues)
    throw new ViewerError('INVALID_ARGUMENT', 'this runtime has no WebCrypto getRandomValues (a secure context?)');
  return {
    md5,
    sha1,
    sha256,
    randomBytes(n) {
      const out = new Uint8Array(n);
      for (let off = 0; off < n; off += MAX_RANDOM_PER_CALL)
        webCrypto.getRandomValues(out.subarray(off, Math.min(n, off + MAX_RANDOM_PER_CALL)));
      return out;
    },
  };
}
