import { ProtocolError } from '../core/errors.js';
import type { CryptoProvider } from './crypto-provider.js';
import { EncryptionMethod } from './encryption-method.js';
import { Rc4 } from './rc4.js';

/** The digests key derivation needs, a subset of {@link CryptoProvider}. */
export type Digests = Pick<CryptoProvider, 'md5' | 'sha1'>;

/** The RC4 keys of a Standard RDP Security session, seen from the server (MS-RDPBCGR 5.3.5.1). */
export interface SessionKeys {
  /** MACKeyN: keys the MAC of both directions. */
  macKey: Uint8Array;
  /** InitialServerEncryptKeyN = InitialClientDecryptKeyN (server-to-client traffic). */
  serverEncryptKey: Uint8Array;
  /** InitialServerDecryptKeyN = InitialClientEncryptKeyN (client-to-server traffic). */
  serverDecryptKey: Uint8Array;
}

/** The 3DES and HMAC keys of a FIPS session, seen from the server (MS-RDPBCGR 5.3.5.2). */
export interface FipsSessionKeys {
  /** 20-byte HMAC-SHA1 key for both directions. */
  hmacKey: Uint8Array;
  /** 24-byte 3DES key for server-to-client traffic (= the client's decryption key). */
  serverEncryptKey: Uint8Array;
  /** 24-byte 3DES key for client-to-server traffic (= the client's encryption key). */
  serverDecryptKey: Uint8Array;
}

/** RC4 key length and entropy-reducing salt per method (MS-RDPBCGR 5.3.5.1, table 1). */
const SALTS: Readonly<Record<number, Uint8Array>> = {
  [EncryptionMethod.BIT_40]: Uint8Array.of(0xd1, 0x26, 0x9e),
  [EncryptionMethod.BIT_56]: Uint8Array.of(0xd1),
  [EncryptionMethod.BIT_128]: new Uint8Array(0),
};

/** Pad1 and Pad2 of the MAC and key-update hashes (MS-RDPBCGR 5.3.6.1, 5.3.7.1). */
export const PAD1: Readonly<Uint8Array> = new Uint8Array(40).fill(0x36);
export const PAD2: Readonly<Uint8Array> = new Uint8Array(48).fill(0x5c);

function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function rc4Salt(method: number): Uint8Array {
  const salt = SALTS[method];
  if (salt === undefined)
    throw new ProtocolError('INVALID', `encryption method 0x${method.toString(16)} has no RC4 keys`);
  return salt;
}

/** Bytes of RC4 key material for `method`: 8 for 40/56-bit, 16 for 128-bit. */
export function rc4KeyLength(method: number): number {
  const saltLength = rc4Salt(method).length;
  return saltLength === 0 ? 16 : 8;
}

/** SaltedHash(S, I) = MD5(S + SHA-1(I + S + ClientRandom + ServerRandom)) (MS-RDPBCGR 5.3.5.1). */
export function saltedHash(
  s: Uint8Array,
  i: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto: Digests,
): Uint8Array {
  return crypto.md5(concat(s, crypto.sha1(concat(i, s, clientRandom, serverRandom))));
}

/** FinalHash(K) = MD5(K + ClientRandom + ServerRandom) (MS-RDPBCGR 5.3.5.1). */
export function finalHash(
  k: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto: Pick<CryptoProvider, 'md5'>,
): Uint8Array {
  return crypto.md5(concat(k, clientRandom, serverRandom));
}

/**
 * Three SaltedHash rounds over `secret` with the labels `L`, `MM`, `NNN` for consecutive letters from `label`
 * ('A','BB','CCC' or 'X','YY','ZZZ'): the shape of both MasterSecret and SessionKeyBlob.
 */
function tripleSaltedHash(
  secret: Uint8Array,
  label: number,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto: Digests,
): Uint8Array {
  return concat(
    ...[1, 2, 3].map((n) =>
      saltedHash(secret, new Uint8Array(n).fill(label + n - 1), clientRandom, serverRandom, crypto),
    ),
  );
}

/** The 48-byte MasterSecret (MS-RDPBCGR 5.3.5.1), from First192Bits of each random. */
export function masterSecret(clientRandom: Uint8Array, serverRandom: Uint8Array, crypto: Digests): Uint8Array {
  const preMasterSecret = concat(clientRandom.subarray(0, 24), serverRandom.subarray(0, 24));
  return tripleSaltedHash(preMasterSecret, 0x41, clientRandom, serverRandom, crypto);
}

/** The 48-byte SessionKeyBlob (MS-RDPBCGR 5.3.5.1). */
export function sessionKeyBlob(clientRandom: Uint8Array, serverRandom: Uint8Array, crypto: Digests): Uint8Array {
  return tripleSaltedHash(masterSecret(clientRandom, serverRandom, crypto), 0x58, clientRandom, serverRandom, crypto);
}

/**
 * Reduces a 128-bit key to the entropy of `method` (MS-RDPBCGR 5.3.5.1): for 40/56-bit, the first 64 bits
 * with their leading bytes replaced by the salt; for 128-bit, the key unchanged. Returns a new array.
 */
export function saltKey(key: Uint8Array, method: number): Uint8Array {
  const out = key.slice(0, rc4KeyLength(method));
  out.set(rc4Salt(method));
  return out;
}

function checkRandoms(clientRandom: Uint8Array, serverRandom: Uint8Array): void {
  if (clientRandom.length !== 32 || serverRandom.length !== 32) {
    throw new ProtocolError('INVALID', `randoms of ${clientRandom.length}/${serverRandom.length} bytes, need 32`);
  }
}

/** MAC key and initial RC4 keys for 40, 56 or 128-bit encryption (MS-RDPBCGR 5.3.5.1). */
export function deriveSessionKeys(
  method: number,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto: Digests,
): SessionKeys {
  checkRandoms(clientRandom, serverRandom);
  rc4Salt(method);
  const blob = sessionKeyBlob(clientRandom, serverRandom, crypto);
  return {
    macKey: saltKey(blob.subarray(0, 16), method),
    serverEncryptKey: saltKey(finalHash(blob.subarray(16, 32), clientRandom, serverRandom, crypto), method),
    serverDecryptKey: saltKey(finalHash(blob.subarray(32, 48), clientRandom, serverRandom, crypto), method),
  };
}

/**
 * The next RC4 key after 4096 packets (MS-RDPBCGR 5.3.7.1), from the initial and the current key of the same
 * direction (both already at the method's length).
 */
export function updateSessionKey(
  initialKey: Uint8Array,
  currentKey: Uint8Array,
  method: number,
  crypto: Digests,
): Uint8Array {
  const length = rc4KeyLength(method);
  const initial = initialKey.subarray(0, length);
  const sha = crypto.sha1(concat(initial, PAD1, currentKey.subarray(0, length)));
  const tempKey = crypto.md5(concat(initial, PAD2, sha)).subarray(0, length);
  const newKey = new Rc4(tempKey).process(tempKey);
  newKey.set(rc4Salt(method));
  return newKey;
}

/**
 * Spreads a 21-byte (168-bit) key over 24 bytes, seven key bits per byte, then gives each byte odd parity in its
 * least significant bit (MS-RDPBCGR 5.3.5.2). Bits are taken least significant first, which is what "reverse
 * every byte, insert a zero bit after every seventh bit, reverse every byte" amounts to.
 */
export function expandDesKey(key168: Uint8Array): Uint8Array {
  if (key168.length !== 21) throw new ProtocolError('INVALID', `3DES key of ${key168.length} bytes, need 21`);
  const out = new Uint8Array(24);
  for (let i = 0; i < 24; i++) {
    let v = 0;
    for (let b = 0; b < 7; b++) {
      const bit = i * 7 + b;
      v |= ((key168[bit >> 3] >> (bit & 7)) & 1) << b;
    }
    let ones = 0;
    for (let x = v >> 1; x !== 0; x >>= 1) ones += x & 1;
    out[i] = (v & 0xfe) | ((ones & 1) === 0 ? 1 : 0);
  }
  return out;
}

/** 3DES keys and the HMAC key of a FIPS session (MS-RDPBCGR 5.3.5.2). */
export function deriveFipsKeys(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  crypto: Pick<CryptoProvider, 'sha1'>,
): FipsSessionKeys {
  checkRandoms(clientRandom, serverRandom);
  const decryptT = crypto.sha1(concat(clientRandom.subarray(16), serverRandom.subarray(16)));
  const encryptT = crypto.sha1(concat(clientRandom.subarray(0, 16), serverRandom.subarray(0, 16)));
  return {
    hmacKey: crypto.sha1(concat(encryptT, decryptT)),
    serverEncryptKey: expandDesKey(concat(encryptT, encryptT.subarray(0, 1))),
    serverDecryptKey: expandDesKey(concat(decryptT, decryptT.subarray(0, 1))),
  };
}
