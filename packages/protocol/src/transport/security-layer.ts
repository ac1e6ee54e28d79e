import { encodeSecurityHeader, readSecurityHeader, SecurityHeaderKind } from '../connection/security-header.js';
import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import type { FastPathFipsInformation } from '../data/fastpath-envelope.js';
import { FastPathSecurityFlags } from '../data/fastpath-envelope.js';
import { EncryptionMethod } from '../security/encryption-method.js';
import type { RdpSecurityContext } from '../security/rdp-security.js';
import { SecurityFlag } from '../security/security-flags.js';

/** Which security layer a connection ended up with. */
export const SecurityLayer = { TLS: 'tls', RDP: 'rdp' } as const;
export type SecurityLayer = (typeof SecurityLayer)[keyof typeof SecurityLayer];

/** TS_SECURITY_HEADER1.dataSignature and the fast-path dataSignature (MS-RDPBCGR 2.2.8.1.1.2.2). */
const DATA_SIGNATURE_LENGTH = 8;
/** fipsInformation / TS_SECURITY_HEADER2 length, version and padlen in front of the signature (2.2.8.1.1.2.3). */
const FIPS_INFORMATION_LENGTH = 4;
/** TS_SECURITY_HEADER2.length: always 0x10 (2.2.8.1.1.2.3). */
const TSFIPS_HEADER_LENGTH = 0x10;
/** TS_SECURITY_HEADER2.version: TSFIPS_VERSION1. */
const TSFIPS_VERSION1 = 1;

/** A fast-path PDU's security fields and its (possibly encrypted) payload. */
export interface ProtectedFastPath {
  flags: number;
  signature?: Uint8Array;
  fipsInformation?: FastPathFipsInformation;
  payload: Uint8Array;
}

/**
 * The security layer of one connection, for either role: what it wraps around slow-path PDUs (security
 * headers, RC4 or FIPS encryption and MAC under Standard RDP Security, a basic header where TLS still needs one)
 * and how fast-path payloads are protected. The RdpSecurityContext inside carries the role, the keys and the
 * cipher streams, so PDUs must be wrapped in the order they are sent and unwrapped in the order they arrive.
 */
export class SecurityLayerCodec {
  private constructor(
    readonly layer: SecurityLayer,
    /** The Standard RDP Security method (EncryptionMethod), NONE under TLS. */
    readonly encryptionMethod: number,
    private readonly context?: RdpSecurityContext,
  ) {}

  /** TLS (or no encryption): PDUs travel bare except for the basic headers some of them require. */
  static tls(): SecurityLayerCodec {
    return new SecurityLayerCodec(SecurityLayer.TLS, EncryptionMethod.NONE);
  }

  /** Standard RDP Security with the keys of a completed security exchange. */
  static rdp(context: RdpSecurityContext, method: EncryptionMethod): SecurityLayerCodec {
    return new SecurityLayerCodec(SecurityLayer.RDP, method, context);
  }

  get fips(): boolean {
    return this.encryptionMethod === EncryptionMethod.FIPS;
  }

  /** The slow-path security header layout in use (2.2.8.1.1.2). */
  get headerKind(): SecurityHeaderKind {
    if (this.layer === SecurityLayer.TLS) return SecurityHeaderKind.BASIC;
    return this.fips ? SecurityHeaderKind.FIPS : SecurityHeaderKind.NON_FIPS;
  }

  /** Bytes of security fields in each fast-path PDU: none under TLS, the signature, or FIPS information + signature. */
  get fastPathSecurityHeaderSize(): number {
    if (!this.context) return 0;
    return DATA_SIGNATURE_LENGTH + (this.fips ? FIPS_INFORMATION_LENGTH : 0);
  }

  /**
   * The Send Data payload for `payload`: under Standard RDP Security an encrypting header (unless `encrypt` is
   * false), under TLS the bare PDU unless `flags` require a basic header (licensing, Client Info).
   */
  wrap(payload: Uint8Array, flags = 0, encrypt = true): Uint8Array {
    if (this.context && encrypt) {
      const enc = this.context.encrypt(payload);
      const header = encodeSecurityHeader(
        { flags: flags | SecurityFlag.ENCRYPT, flagsHi: 0, dataSignature: enc.signature, padLength: enc.padLength },
        this.headerKind,
      );
      return concat(header, enc.data);
    }
    if (flags === 0) return payload;
    return concat(encodeSecurityHeader({ flags, flagsHi: 0 }, SecurityHeaderKind.BASIC), payload);
  }

  /**
   * Strips the security header where one is present and decrypts under Standard RDP Security. Under TLS only
   * the security exchange, Client Info and licensing PDUs carry a (basic) header; `hasHeader` says this is one.
   */
  unwrap(data: Uint8Array, hasHeader = false): { flags: number; payload: Uint8Array } {
    if (this.layer === SecurityLayer.TLS && !hasHeader) return { flags: 0, payload: data };
    const r = new ByteReader(data, 'TS_SECURITY_HEADER');
    const header = readSecurityHeader(r, this.headerKind);
    const rest = r.rest();
    if (!(header.flags & SecurityFlag.ENCRYPT)) return { flags: header.flags, payload: rest };
    if (!this.context)
      throw new ProtocolError('SECURITY', 'encrypted PDU without a security context', 'TS_SECURITY_HEADER');
    const payload = this.context.decrypt(rest, header.dataSignature as Uint8Array, {
      salted: (header.flags & SecurityFlag.SECURE_CHECKSUM) !== 0,
      padLength: header.padLength,
    });
    return { flags: header.flags, payload };
  }

  /** Encrypts a fast-path payload (updates or input events) and returns the header fields that go with it. */
  protectFastPath(payload: Uint8Array): ProtectedFastPath {
    if (!this.context) return { flags: 0, payload };
    const enc = this.context.encrypt(payload);
    return {
      flags: FastPathSecurityFlags.ENCRYPTED,
      signature: enc.signature,
      ...(this.fips
        ? { fipsInformation: { length: TSFIPS_HEADER_LENGTH, version: TSFIPS_VERSION1, padLength: enc.padLength } }
        : {}),
      payload: enc.data,
    };
  }

  /** Decrypts a received fast-path payload when its header says it is encrypted. */
  unprotectFastPath(pdu: ProtectedFastPath): Uint8Array {
    if (!(pdu.flags & FastPathSecurityFlags.ENCRYPTED)) return pdu.payload;
    if (!this.context)
      throw new ProtocolError('SECURITY', 'encrypted fast-path PDU without a security context', 'fast-path');
    return this.context.decrypt(pdu.payload, pdu.signature as Uint8Array, {
      salted: (pdu.flags & FastPathSecurityFlags.SECURE_CHECKSUM) !== 0,
      padLength: pdu.fipsInformation?.padLength,
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return new ByteWriter(a.byteLength + b.byteLength).bytes(a).bytes(b).toBytes();
}
