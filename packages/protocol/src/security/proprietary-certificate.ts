import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import type { CryptoProvider, RsaKey } from './crypto-provider.js';
import { bigIntFromBytesLE, bigIntToBytesLE, modPow, rsaModulusLength } from './rsa.js';
import { decodeRsaPublicKey, encodeRsaPublicKey } from './rsa-public-key.js';
import { TERMINAL_SERVICES_SIGNING_KEY } from './terminal-services-signing-key.js';

/** SERVER_CERTIFICATE dwVersion values (MS-RDPBCGR 2.2.1.4.3.1); the top bit only marks a temporary cert. */
export const CertChainVersion = { PROPRIETARY: 0x00000001, X509: 0x00000002 } as const;
export type CertChainVersion = (typeof CertChainVersion)[keyof typeof CertChainVersion];

const SIGNATURE_ALG_RSA = 0x00000001;
const KEY_EXCHANGE_ALG_RSA = 0x00000001;
const BB_RSA_KEY_BLOB = 0x0006;
const BB_RSA_SIGNATURE_BLOB = 0x0008;
const CERT_VERSION_MASK = 0x7fffffff;
/** The signing key has a 64-byte modulus, so 63 bytes is the most it can sign (MS-RDPBCGR 5.3.3.1.2). */
const SIGNED_LENGTH = 63;
const HASH_LENGTH = 16;
/** The signature is sent followed by 8 zero bytes, like every RDP RSA block. */
const SIGNATURE_PADDING = 8;

/** A decoded proprietary server certificate. */
export interface ProprietaryCertificate {
  /** The server's RSA public key (`n`, `e`). */
  publicKey: RsaKey;
  /** The RSA_PUBLIC_KEY bytes exactly as sent: what the invitation's KH/KH2 hash. A view into the input. */
  publicKeyBlob: Uint8Array;
}

/**
 * SERVER_CERTIFICATE with a PROPRIETARYSERVERCERTIFICATE (MS-RDPBCGR 2.2.1.4.3.1, 2.2.1.4.3.1.1): the bytes
 * of the Server Security Data's serverCertificate field. The signature is computed with the published
 * Terminal Services Signing Key (5.3.3.1.2).
 */
export function encodeProprietaryCertificate(publicKey: RsaKey, crypto: Pick<CryptoProvider, 'md5'>): Uint8Array {
  const blob = encodeRsaPublicKey({ n: publicKey.n, e: publicKey.e });
  const w = new ByteWriter(16 + blob.length + 4 + 72)
    .u32le(CertChainVersion.PROPRIETARY)
    .u32le(SIGNATURE_ALG_RSA)
    .u32le(KEY_EXCHANGE_ALG_RSA)
    .u16le(BB_RSA_KEY_BLOB)
    .u16le(blob.length)
    .bytes(blob);
  const signature = signCertificateHash(crypto.md5(w.written()));
  return w
    .u16le(BB_RSA_SIGNATURE_BLOB)
    .u16le(signature.length + SIGNATURE_PADDING)
    .bytes(signature)
    .zeros(SIGNATURE_PADDING)
    .toBytes();
}

/**
 * Decodes a SERVER_CERTIFICATE holding a proprietary certificate and verifies its signature (MS-RDPBCGR
 * 5.3.3.1.3): a bad signature raises SECURITY, an X.509 chain raises UNSUPPORTED.
 */
export function decodeProprietaryCertificate(
  bytes: Uint8Array,
  crypto: Pick<CryptoProvider, 'md5'>,
): ProprietaryCertificate {
  const r = new ByteReader(bytes, 'PROPRIETARYSERVERCERTIFICATE');
  const version = r.u32le() & CERT_VERSION_MASK;
  if (version !== CertChainVersion.PROPRIETARY) {
    throw new ProtocolError(
      'UNSUPPORTED',
      `certificate chain version ${version} is not a proprietary certificate`,
      r.pdu,
    );
  }
  const sigAlg = r.u32le();
  const keyAlg = r.u32le();
  if (sigAlg !== SIGNATURE_ALG_RSA || keyAlg !== KEY_EXCHANGE_ALG_RSA) {
    throw new ProtocolError('UNSUPPORTED', `signature algorithm ${sigAlg} / key algorithm ${keyAlg}`, r.pdu);
  }
  const blobType = r.u16le();
  if (blobType !== BB_RSA_KEY_BLOB) throw new ProtocolError('INVALID', `public key blob type ${blobType}`, r.pdu);
  const publicKeyBlob = r.bytesView(r.u16le(), 'PublicKeyBlob');
  const signedPart = bytes.subarray(0, r.offset);
  const publicKey = decodeRsaPublicKey(publicKeyBlob);
  const sigType = r.u16le();
  if (sigType !== BB_RSA_SIGNATURE_BLOB) throw new ProtocolError('INVALID', `signature blob type ${sigType}`, r.pdu);
  const signature = r.bytesView(r.u16le(), 'SignatureBlob');
  r.end();
  const signingModulusLength = rsaModulusLength(TERMINAL_SERVICES_SIGNING_KEY);
  if (signature.length < signingModulusLength || signature.length > signingModulusLength + SIGNATURE_PADDING) {
    throw new ProtocolError('INVALID', `signature blob of ${signature.length} bytes`, r.pdu);
  }
  if (!signatureMatches(signature, crypto.md5(signedPart))) {
    throw new ProtocolError('SECURITY', 'signature does not match the Terminal Services Signing Key', r.pdu);
  }
  return { publicKey, publicKeyBlob };
}

/** The 63-byte block of MS-RDPBCGR 5.3.3.1.2: hash, 0x00, 0xFF filler, 0x01. */
function signedBlock(hash: Uint8Array): Uint8Array {
  const block = new Uint8Array(SIGNED_LENGTH).fill(0xff);
  block.set(hash.subarray(0, HASH_LENGTH));
  block[HASH_LENGTH] = 0x00;
  block[SIGNED_LENGTH - 1] = 0x01;
  return block;
}

function signCertificateHash(hash: Uint8Array): Uint8Array {
  const key = TERMINAL_SERVICES_SIGNING_KEY;
  const s = modPow(bigIntFromBytesLE(signedBlock(hash)), key.d, key.n);
  return bigIntToBytesLE(s, rsaModulusLength(key));
}

function signatureMatches(signature: Uint8Array, hash: Uint8Array): boolean {
  const key = TERMINAL_SERVICES_SIGNING_KEY;
  const s = bigIntFromBytesLE(signature);
  if (s >= key.n) return false;
  const m = bigIntToBytesLE(modPow(s, key.e, key.n), rsaModulusLength(key));
  const expected = signedBlock(hash);
  let diff = m[SIGNED_LENGTH];
  for (let i = 0; i < SIGNED_LENGTH; i++) diff |= m[i] ^ expected[i];
  return diff === 0;
}
