import { ProtocolError } from '../core/errors.js';
import type { CryptoProvider } from './crypto-provider.js';
import { EncryptionMethod } from './encryption-method.js';
import { deriveFipsKeys, deriveSessionKeys, PAD1, PAD2, updateSessionKey } from './key-derivation.js';
import { Rc4 } from './rc4.js';

/** Which end of the connection a context protects. */
export type SecurityRole = 'server' | 'client';

export interface RdpSecurityContextOptions {
  role: SecurityRole;
  /** The method the server announced: 40, 56, 128-bit or FIPS. */
  method: EncryptionMethod;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  crypto: CryptoProvider;
}

export interface EncryptOptions {
  /** Salt the MAC with the encryption count (SEC_SECURE_CHECKSUM / FASTPATH_OUTPUT_SECURE_CHECKSUM). */
  salted?: boolean;
  /** Encrypt into `plain` itself (RC4 only; FIPS output is padded, so always new). */
  inPlace?: boolean;
}

export interface DecryptOptions {
  /** The sender salted the MAC (SEC_SECURE_CHECKSUM / FASTPATH_INPUT_SECURE_CHECKSUM). RC4 only. */
  salted?: boolean;
  /** FIPS only: the header's padlen, the padding bytes to drop after decryption. */
  padLength?: number;
  /** Decrypt into `cipher` itself; the result is then a view of it. */
  inPlace?: boolean;
}

export interface EncryptedData {
  /** The encrypted bytes to send after the security header. */
  data: Uint8Array;
  /** The 8-byte dataSignature of the security header. */
  signature: Uint8Array;
  /** FIPS only: padlen for TS_SECURITY_HEADER2 / fipsInformation; 0 for RC4. */
  padLength: number;
}

/** Non-FIPS keys update after this many packets in one direction (MS-RDPBCGR 5.3.7.1). */
export const KEY_UPDATE_INTERVAL = 4096;
const SIGNATURE_LENGTH = 8;
/** FIPS CBC initialization vector (MS-RDPBCGR 5.3.6.2). */
const FIPS_IV = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef);
const DES_BLOCK = 8;

/** One direction of an RC4 session: its cipher, its keys and its packet counters. */
class Rc4Direction {
  private rc4: Rc4;
  private currentKey: Uint8Array;
  /** Packets since the last key update. */
  private sinceUpdate = 0;
  /** Packets since the start: the salt of a salted MAC. */
  count = 0;

  constructor(
    private readonly initialKey: Uint8Array,
    private readonly method: number,
    private readonly crypto: CryptoProvider,
  ) {
    this.currentKey = initialKey;
    this.rc4 = new Rc4(initialKey);
  }

  /** Runs the key stream over `input` into `output`, updating the key first every 4096 packets. */
  process(input: Uint8Array, output: Uint8Array): Uint8Array {
    if (this.sinceUpdate === KEY_UPDATE_INTERVAL) {
      this.currentKey = updateSessionKey(this.initialKey, this.currentKey, this.method, this.crypto);
      this.rc4 = new Rc4(this.currentKey);
      this.sinceUpdate = 0;
    }
    this.sinceUpdate++;
    this.count++;
    return this.rc4.process(input, output);
  }
}

/** One direction of a FIPS session: the 3DES-CBC chain continues from packet to packet. */
class FipsDirection {
  private iv = FIPS_IV;
  /** Packets so far: the salt of the HMAC. */
  count = 0;

  constructor(
    private readonly key: Uint8Array,
    private readonly des3Cbc: NonNullable<CryptoProvider['des3Cbc']>,
  ) {}

  encrypt(padded: Uint8Array): Uint8Array {
    this.count++;
    if (padded.length === 0) return padded;
    const out = this.des3Cbc('encrypt', this.key, this.iv, padded);
    this.iv = out.slice(out.length - DES_BLOCK);
    return out;
  }

  decrypt(cipher: Uint8Array): Uint8Array {
    this.count++;
    if (cipher.length === 0) return new Uint8Array(0);
    const out = this.des3Cbc('decrypt', this.key, this.iv, cipher);
    this.iv = cipher.slice(cipher.length - DES_BLOCK);
    return out;
  }
}

/**
 * Standard RDP Security for one connection (MS-RDPBCGR 5.3.6, 5.3.7): encrypts what this side sends and
 * decrypts what it receives, with the MAC in the security header (slow-path TS_SECURITY_HEADER1/2) or the
 * fast-path dataSignature. Each direction counts its own packets and updates its own RC4 key every 4096
 * packets; the peer's context must see the same packets in the same order. A MAC mismatch raises
 * ProtocolError SECURITY, after which the connection must be dropped.
 */
export class RdpSecurityContext {
  readonly role: SecurityRole;
  readonly method: EncryptionMethod;
  private readonly crypto: CryptoProvider;
  private readonly macKey: Uint8Array;
  private readonly rc4Out?: Rc4Direction;
  private readonly rc4In?: Rc4Direction;
  private readonly fipsOut?: FipsDirection;
  private readonly fipsIn?: FipsDirection;
  private scratch = new Uint8Array(0);

  constructor(options: RdpSecurityContextOptions) {
    const { role, method, clientRandom, serverRandom, crypto } = options;
    this.role = role;
    this.method = method;
    this.crypto = crypto;
    if (method === EncryptionMethod.FIPS) {
      const { hmacSha1, des3Cbc } = crypto;
      if (!hmacSha1 || !des3Cbc) {
        throw new ProtocolError('UNSUPPORTED', 'FIPS encryption needs a CryptoProvider with hmacSha1 and des3Cbc');
      }
      const keys = deriveFipsKeys(clientRandom, serverRandom, crypto);
      this.macKey = keys.hmacKey;
      const [sendKey, receiveKey] =
        role === 'server'
          ? [keys.serverEncryptKey, keys.serverDecryptKey]
          : [keys.serverDecryptKey, keys.serverEncryptKey];
      this.fipsOut = new FipsDirection(sendKey, des3Cbc);
      this.fipsIn = new FipsDirection(receiveKey, des3Cbc);
    } else if (
      method === EncryptionMethod.BIT_40 ||
      method === EncryptionMethod.BIT_56 ||
      method === EncryptionMethod.BIT_128
    ) {
      const keys = deriveSessionKeys(method, clientRandom, serverRandom, crypto);
      this.macKey = keys.macKey;
      const [sendKey, receiveKey] =
        role === 'server'
          ? [keys.serverEncryptKey, keys.serverDecryptKey]
          : [keys.serverDecryptKey, keys.serverEncryptKey];
      this.rc4Out = new Rc4Direction(sendKey, method, crypto);
      this.rc4In = new Rc4Direction(receiveKey, method, crypto);
    } else {
      throw new ProtocolError('INVALID', `encryption method 0x${Number(method).toString(16)} cannot protect data`);
    }
  }

  /** Packets encrypted so far. */
  get encryptCount(): number {
    return (this.rc4Out ?? this.fipsOut)?.count ?? 0;
  }

  /** Packets decrypted so far. */
  get decryptCount(): number {
    return (this.rc4In ?? this.fipsIn)?.count ?? 0;
  }

  /** MACs and encrypts one PDU body (MS-RDPBCGR 5.3.6.1 / 5.3.6.2). */
  encrypt(plain: Uint8Array, options: EncryptOptions = {}): EncryptedData {
    if (this.fipsOut) {
      const signature = this.fipsSignature(plain, this.fipsOut.count);
      const padLength = (DES_BLOCK - (plain.length % DES_BLOCK)) % DES_BLOCK;
      const padded = new Uint8Array(plain.length + padLength);
      padded.set(plain);
      return { data: this.fipsOut.encrypt(padded), signature, padLength };
    }
    const out = this.rc4Out as Rc4Direction;
    const signature = this.rc4Signature(plain, options.salted ? out.count : undefined);
    const data = out.process(plain, options.inPlace ? plain : new Uint8Array(plain.length));
    return { data, signature, padLength: 0 };
  }

  /** Decrypts one PDU body and checks its MAC; a mismatch raises ProtocolError SECURITY. */
  decrypt(cipher: Uint8Array, signature: Uint8Array, options: DecryptOptions = {}): Uint8Array {
    if (signature.length !== SIGNATURE_LENGTH) {
      throw new ProtocolError('INVALID', `dataSignature of ${signature.length} bytes`, 'TS_SECURITY_HEADER1');
    }
    let plain: Uint8Array;
    let expected: Uint8Array;
    if (this.fipsIn) {
      const padLength = options.padLength ?? 0;
      if (cipher.length % DES_BLOCK !== 0 || padLength >= DES_BLOCK || padLength > cipher.length) {
        throw new ProtocolError(
          'INVALID',
          `FIPS data of ${cipher.length} bytes with ${padLength} padding bytes`,
          'TS_SECURITY_HEADER2',
        );
      }
      const count = this.fipsIn.count;
      const decrypted = this.fipsIn.decrypt(cipher);
      if (options.inPlace) cipher.set(decrypted);
      plain = (options.inPlace ? cipher : decrypted).subarray(0, cipher.length - padLength);
      expected = this.fipsSignature(plain, count);
    } else {
      const input = this.rc4In as Rc4Direction;
      const count = input.count;
      plain = input.process(cipher, options.inPlace ? cipher : new Uint8Array(cipher.length));
      expected = this.rc4Signature(plain, options.salted ? count : undefined);
    }
    let diff = 0;
    for (let i = 0; i < SIGNATURE_LENGTH; i++) diff |= expected[i] ^ signature[i];
    if (diff !== 0) throw new ProtocolError('SECURITY', 'MAC signature mismatch');
    return plain;
  }

  /**
   * First64Bits(MD5(MACKey + Pad2 + SHA-1(MACKey + Pad1 + DataLength + Data [+ EncryptionCount]))), the MAC of
   * MS-RDPBCGR 5.3.6.1 and, with a count, the salted MAC of 5.3.6.1.1.
   */
  private rc4Signature(data: Uint8Array, count: number | undefined): Uint8Array {
    const key = this.macKey;
    const salt = count === undefined ? 0 : 4;
    const buf = this.scratchOf(key.length + PAD1.length + 4 + data.length + salt);
    buf.set(key);
    let o = key.length;
    buf.set(PAD1, o);
    o += PAD1.length;
    o = writeU32le(buf, o, data.length);
    buf.set(data, o);
    o += data.length;
    if (count !== undefined) o = writeU32le(buf, o, count);
    const sha = this.crypto.sha1(buf.subarray(0, o));
    const outer = new Uint8Array(key.length + PAD2.length + sha.length);
    outer.set(key);
    outer.set(PAD2, key.length);
    outer.set(sha, key.length + PAD2.length);
    return this.crypto.md5(outer).slice(0, SIGNATURE_LENGTH);
  }

  /** First64Bits(HMAC-SHA1(HMACKey, Data + EncryptionCount)) (MS-RDPBCGR 5.3.6.2). */
  private fipsSignature(data: Uint8Array, count: number): Uint8Array {
    const buf = this.scratchOf(data.length + 4);
    buf.set(data);
    writeU32le(buf, data.length, count);
    const hmac = this.crypto.hmacSha1 as NonNullable<CryptoProvider['hmacSha1']>;
    return hmac(this.macKey, buf.subarray(0, data.length + 4)).slice(0, SIGNATURE_LENGTH);
  }

  /** A reusable buffer of at least `n` bytes, so MACs do not allocate per packet. */
  private scratchOf(n: number): Uint8Array {
    if (this.scratch.length < n) this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2, 1024));
    return this.scratch;
  }
}

function writeU32le(buf: Uint8Array, offset: number, value: number): number {
  buf[offset] = value & 0xff;
  buf[offset + 1] = (value >>> 8) & 0xff;
  buf[offset + 2] = (value >>> 16) & 0xff;
  buf[offset + 3] = (value >>> 24) & 0xff;
  return offset + 4;
}
