import { type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';

// Minimal DER writer: just the ASN.1 a self-signed X.509 v3 certificate needs.
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...c: Buffer[]) => der(0x30, ...c);
const set = (...c: Buffer[]) => der(0x31, ...c);
const nullValue = () => Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    bytes.push(...stack);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  const trimmed = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, trimmed);
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(s, 'ascii'));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn, 'utf8')))));

export interface TlsIdentity {
  /** PEM certificate for `tls.createSecureContext`. */
  cert: string;
  /** PEM private key. */
  key: string;
}

/**
 * A self-signed certificate for the session's TLS listener, made at `open()` from the session key (RDP
 * viewers pin or ignore it; the invitation, not the certificate, is the credential).
 */
export function createSelfSignedCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  commonName = 'rdshare',
  validDays = 365,
): TlsIdentity {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), nullValue());
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + validDays * 86_400_000);
  // The first byte is 0x40-0x7f: positive without a pad byte and never a leading zero, either of which DER's
  // minimal INTEGER rule would need (OpenSSL refuses a padded serial, which failed about one open() in 256).
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    positiveInteger(serial),
    sha256WithRsa,
    name(commonName),
    seq(utcTime(notBefore), utcTime(notAfter)),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = seq(tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature));
  // Parse it back: a malformed encoding fails here, at open(), rather than in a viewer's handshake.
  const parsed = new X509Certificate(certificate);
  return {
    cert: parsed.toString(),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
