import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';
import {
  decodeFastPathEnvelope,
  encodeFastPathEnvelope,
  encodeFastPathEnvelopeHeader,
  type FastPathEnvelopeOptions,
  type FastPathFipsInformation,
  fastPathEnvelopeHeaderSize,
  writeFastPathEnvelopeHeader,
} from './fastpath-envelope.js';

const PDU = 'TS_FP_UPDATE_PDU';

/** updateCode of the fast-path update header (MS-RDPBCGR 2.2.9.1.2.1). */
export const FastPathUpdateCode = {
  ORDERS: 0x0,
  BITMAP: 0x1,
  PALETTE: 0x2,
  SYNCHRONIZE: 0x3,
  SURFCMDS: 0x4,
  PTR_NULL: 0x5,
  PTR_DEFAULT: 0x6,
  PTR_POSITION: 0x8,
  COLOR: 0x9,
  CACHED: 0xa,
  POINTER: 0xb,
  LARGE_POINTER: 0xc,
} as const;
export type FastPathUpdateCode = (typeof FastPathUpdateCode)[keyof typeof FastPathUpdateCode];

/** fragmentation of the fast-path update header. */
export const FastPathFragmentation = {
  SINGLE: 0,
  LAST: 1,
  FIRST: 2,
  NEXT: 3,
} as const;
export type FastPathFragmentation = (typeof FastPathFragmentation)[keyof typeof FastPathFragmentation];

/** The compression bits value saying a compressionFlags byte follows (FASTPATH_OUTPUT_COMPRESSION_USED). */
const COMPRESSION_USED = 0x2;

/**
 * Largest fast-path PDU we emit. The length field allows 0x7FFF, but clients in the field (FreeRDP's
 * FASTPATH_MAX_PACKET_SIZE among them) only accept PDUs up to 0x3FFF bytes.
 */
export const FASTPATH_MAX_PDU_SIZE = 0x3fff;

/**
 * Reassembly buffer size to assume when the client sent no Multifragment Update capability set, or announced
 * less than one PDU's worth: 0x3F80 bytes always fit in a single PDU whatever the security headers, so updates
 * that size never need fragmenting (the figure FreeRDP's server uses, FASTPATH_FRAGMENT_SAFE_SIZE).
 */
export const FASTPATH_FRAGMENT_SAFE_SIZE = 0x3f80;

/** One TS_FP_UPDATE (MS-RDPBCGR 2.2.9.1.2.1). */
export interface FastPathUpdate {
  code: FastPathUpdateCode | number;
  fragmentation: FastPathFragmentation;
  /** Bulk compression flags; present only when the data is compressed. */
  compressionFlags?: number;
  data: Uint8Array;
}

/** Size of the update header: updateHeader, optional compressionFlags, size. */
export function fastPathUpdateHeaderSize(compressed: boolean): number {
  return compressed ? 4 : 3;
}

/** Writes an update header for `size` bytes of data into `target` at `offset`; returns the header size. */
export function writeFastPathUpdateHeader(
  update: { code: number; fragmentation: number; compressionFlags?: number; size: number },
  target: Uint8Array,
  offset = 0,
): number {
  if (!Number.isInteger(update.code) || update.code < 0 || update.code > 0xf) {
    throw new ProtocolError('INVALID', `update code ${update.code}`, PDU);
  }
  if (!Number.isInteger(update.size) || update.size < 0 || update.size > 0xffff) {
    throw new ProtocolError('OVERSIZE', `update of ${update.size} bytes exceeds the 16-bit size field`, PDU);
  }
  const compressed = update.compressionFlags !== undefined;
  const size = fastPathUpdateHeaderSize(compressed);
  if (target.byteLength - offset < size) {
    throw new ProtocolError('TRUNCATED', `update header needs ${size} bytes in the target buffer`, PDU);
  }
  let o = offset;
  target[o++] = update.code | ((update.fragmentation & 3) << 4) | ((compressed ? COMPRESSION_USED : 0) << 6);
  if (compressed) target[o++] = (update.compressionFlags as number) & 0xff;
  target[o++] = update.size & 0xff;
  target[o++] = update.size >> 8;
  return size;
}

/** The update header alone, for gather writes that send the data view untouched. */
export function encodeFastPathUpdateHeader(update: Omit<FastPathUpdate, 'data'> & { size: number }): Uint8Array {
  const out = new Uint8Array(fastPathUpdateHeaderSize(update.compressionFlags !== undefined));
  writeFastPathUpdateHeader(update, out);
  return out;
}

/** Encodes updates back to back, as the fpOutputUpdates of one PDU. */
export function encodeFastPathUpdates(updates: readonly FastPathUpdate[]): Uint8Array {
  let total = 0;
  for (const u of updates) total += fastPathUpdateHeaderSize(u.compressionFlags !== undefined) + u.data.byteLength;
  const out = new Uint8Array(total);
  let o = 0;
  for (const u of updates) {
    o += writeFastPathUpdateHeader({ ...u, size: u.data.byteLength }, out, o);
    out.set(u.data, o);
    o += u.data.byteLength;
  }
  return out;
}

/** Encodes one update (header and data). */
export function encodeFastPathUpdate(update: FastPathUpdate): Uint8Array {
  return encodeFastPathUpdates([update]);
}

/** Decodes fpOutputUpdates; each update's data is a view into `payload`. */
export function decodeFastPathUpdates(payload: Uint8Array): FastPathUpdate[] {
  const r = new ByteReader(payload, PDU);
  const updates: FastPathUpdate[] = [];
  while (r.remaining > 0) {
    const header = r.u8();
    const compression = header >> 6;
    if (compression !== 0 && compression !== COMPRESSION_USED) {
      throw new ProtocolError('INVALID', `compression bits ${compression}`, PDU);
    }
    const update: FastPathUpdate = {
      code: header & 0x0f,
      fragmentation: ((header >> 4) & 3) as FastPathFragmentation,
      data: new Uint8Array(0),
    };
    if (compression === COMPRESSION_USED) update.compressionFlags = r.u8();
    update.data = r.bytesView(r.u16le(), 'updateData');
    updates.push(update);
  }
  return updates;
}

/** The clear-text header fields of a fast-path output PDU. */
export interface FastPathOutputHeaderFields {
  /** Combination of `FastPathSecurityFlags`. */
  flags?: number;
  fipsInformation?: FastPathFipsInformation;
  signature?: Uint8Array;
}

/** A decoded fast-path output PDU; `updates` is a view of the (possibly still encrypted) fpOutputUpdates. */
export interface FastPathOutputPdu {
  flags: number;
  length: number;
  fipsInformation?: FastPathFipsInformation;
  signature?: Uint8Array;
  payloadOffset: number;
  updates: Uint8Array;
}

/** The PDU header alone (fpOutputHeader, length, FIPS information, signature) for `payloadLength` bytes. */
export function encodeFastPathOutputHeader(fields: FastPathOutputHeaderFields, payloadLength: number): Uint8Array {
  return encodeFastPathEnvelopeHeader({ ...fields, headerBits: 0, payloadLength }, PDU);
}

/** A whole fast-path output PDU in one buffer (MS-RDPBCGR 2.2.9.1.2). */
export function encodeFastPathOutputPdu(fields: FastPathOutputHeaderFields & { updates: Uint8Array }): Uint8Array {
  const { updates, ...rest } = fields;
  return encodeFastPathEnvelope({ ...rest, headerBits: 0 }, updates, PDU);
}

/** Decodes a complete fast-path output PDU (`bytes` must hold all `length` bytes). */
export function decodeFastPathOutputPdu(bytes: Uint8Array, options: FastPathEnvelopeOptions = {}): FastPathOutputPdu {
  const env = decodeFastPathEnvelope(bytes, options, PDU);
  const pdu: FastPathOutputPdu = {
    flags: env.flags,
    length: env.length,
    payloadOffset: env.payloadOffset,
    updates: bytes.subarray(env.payloadOffset, env.length),
  };
  if (env.fipsInformation) pdu.fipsInformation = env.fipsInformation;
  if (env.signature) pdu.signature = env.signature;
  return pdu;
}

/**
 * The reassembly limit to honour for a client: its MultifragmentUpdate MaxRequestSize, or
 * {@link FASTPATH_FRAGMENT_SAFE_SIZE} when it sent none or announced less than one PDU's worth (some Windows CE
 * clients do; FreeRDP treats them the same way).
 */
export function effectiveMaxRequestSize(clientMaxRequestSize: number | undefined): number {
  if (clientMaxRequestSize === undefined || clientMaxRequestSize < FASTPATH_MAX_PDU_SIZE) {
    return FASTPATH_FRAGMENT_SAFE_SIZE;
  }
  return clientMaxRequestSize;
}

/** Limits for splitting one update into fast-path PDUs. */
export interface FastPathFragmentLimits {
  /** From {@link effectiveMaxRequestSize}: the most update data the client can reassemble. */
  maxRequestSize: number;
  /** Largest whole PDU, headers included; defaults to {@link FASTPATH_MAX_PDU_SIZE}. */
  maxPduSize?: number;
  /** Security header bytes each PDU will carry: 0 (none or TLS), 8 (signature), 12 (FIPS); default 0. */
  securityHeaderSize?: number;
}

/** FIPS encryption pads each PDU's payload to the 8-byte 3DES block. */
const FIPS_PAD_ALLOWANCE = 7;

/**
 * The most update data one fragment may carry so that its PDU stays within `maxPduSize`: PDU header (3 bytes,
 * long length form) + security bytes (+ FIPS padding allowance) + update header (3 bytes).
 */
export function maxFastPathFragmentData(limits: FastPathFragmentLimits): number {
  const security = limits.securityHeaderSize ?? 0;
  const padding = security === 12 ? FIPS_PAD_ALLOWANCE : 0;
  const room = (limits.maxPduSize ?? FASTPATH_MAX_PDU_SIZE) - 3 - security - padding - fastPathUpdateHeaderSize(false);
  if (room < 1) throw new ProtocolError('INVALID', `maxPduSize leaves no room for data`, PDU);
  return room;
}

/**
 * Splits one update's (uncompressed) data into fragments for consecutive PDUs, without copying: each fragment's
 * data is a view of `data`.
 *
 * The rule: the whole update must not exceed `maxRequestSize` (the client's reassembly buffer; checked for
 * single-fragment updates too, as FreeRDP's server does, because a MaxRequestSize of 0x3F80 means "never
 * fragment"); each fragment carries at most {@link maxFastPathFragmentData} bytes; one fragment is SINGLE, several
 * are FIRST, NEXT..., LAST. An update over the limit throws OVERSIZE: the caller must split it at its own level
 * (for example fewer rectangles per bitmap update).
 */
export function fragmentFastPathUpdate(
  code: FastPathUpdateCode | number,
  data: Uint8Array,
  limits: FastPathFragmentLimits,
): FastPathUpdate[] {
  if (data.byteLength > limits.maxRequestSize) {
    throw new ProtocolError(
      'OVERSIZE',
      `update of ${data.byteLength} bytes exceeds the client's MaxRequestSize ${limits.maxRequestSize}`,
      PDU,
    );
  }
  const step = maxFastPathFragmentData(limits);
  if (data.byteLength <= step) return [{ code, fragmentation: FastPathFragmentation.SINGLE, data }];
  const fragments: FastPathUpdate[] = [];
  for (let o = 0; o < data.byteLength; o += step) {
    const end = Math.min(o + step, data.byteLength);
    const fragmentation =
      o === 0
        ? FastPathFragmentation.FIRST
        : end === data.byteLength
          ? FastPathFragmentation.LAST
          : FastPathFragmentation.NEXT;
    fragments.push({ code, fragmentation, data: data.subarray(o, end) });
  }
  return fragments;
}

/**
 * Fragments one update and writes each fragment as a complete, unencrypted fast-path output PDU, each into one
 * buffer sized exactly (the data is copied once). For encrypted connections use {@link fragmentFastPathUpdate},
 * encrypt each {@link encodeFastPathUpdate} result, and prefix it with {@link encodeFastPathOutputHeader}.
 */
export function encodeFastPathUpdatePdus(
  code: FastPathUpdateCode | number,
  data: Uint8Array,
  limits: FastPathFragmentLimits,
): Uint8Array[] {
  return fragmentFastPathUpdate(code, data, { ...limits, securityHeaderSize: 0 }).map((fragment) => {
    const payloadLength = fastPathUpdateHeaderSize(false) + fragment.data.byteLength;
    const headerSize = fastPathEnvelopeHeaderSize(payloadLength);
    const out = new Uint8Array(headerSize + payloadLength);
    writeFastPathEnvelopeHeader({ headerBits: 0, payloadLength }, out, 0, PDU);
    const o = headerSize + writeFastPathUpdateHeader({ ...fragment, size: fragment.data.byteLength }, out, headerSize);
    out.set(fragment.data, o);
    return out;
  });
}

/** A complete update out of the reassembler. */
export interface ReassembledFastPathUpdate {
  code: number;
  data: Uint8Array;
}

/**
 * Client-side reassembly of fragmented fast-path updates (MS-RDPBCGR 2.2.9.1.2.1, fragmentation field). Push
 * updates in arrival order, already decompressed; a complete update comes back (a SINGLE one without a copy).
 * Fragments of one update must be consecutive and share its code; the reassembled size is capped by
 * `maxRequestSize` (the value this client announced). Any violation throws and drops the partial update.
 */
export class FastPathReassembler {
  private buffer = new Uint8Array(0);
  private code = -1;
  private size = 0;

  constructor(private readonly maxRequestSize: number) {}

  /** True while a FIRST has been seen but not its LAST. */
  get inProgress(): boolean {
    return this.code >= 0;
  }

  push(update: FastPathUpdate): ReassembledFastPathUpdate | undefined {
    const { fragmentation, code, data } = update;
    if (fragmentation === FastPathFragmentation.SINGLE || fragmentation === FastPathFragmentation.FIRST) {
      if (this.inProgress) this.fail('INVALID', `fragment ${fragmentation} while an update is being reassembled`);
      if (fragmentation === FastPathFragmentation.SINGLE) return { code, data };
      this.code = code;
    } else if (!this.inProgress) {
      this.fail('INVALID', `fragment ${fragmentation} without a FIRST`);
    } else if (code !== this.code) {
      this.fail('INVALID', `fragment of update ${code} inside update ${this.code}`);
    }
    const size = this.size + data.byteLength;
    if (size > this.maxRequestSize) {
      this.fail('OVERSIZE', `reassembled update exceeds MaxRequestSize ${this.maxRequestSize}`);
    }
    // Fragments are copied as they arrive: the caller may reuse its receive buffer before the LAST one.
    if (size > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.min(this.maxRequestSize, Math.max(size, this.buffer.byteLength * 2)));
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    this.buffer.set(data, this.size);
    this.size = size;
    if (fragmentation !== FastPathFragmentation.LAST) return undefined;
    const result = { code: this.code, data: this.buffer.subarray(0, this.size) };
    // The result keeps the buffer, so the next update starts a fresh one.
    this.buffer = new Uint8Array(0);
    this.reset();
    return result;
  }

  /** Drops any partial update, e.g. after a reconnect. */
  reset(): void {
    this.code = -1;
    this.size = 0;
  }

  private fail(code: 'INVALID' | 'OVERSIZE', message: string): never {
    this.reset();
    throw new ProtocolError(code, message, PDU);
  }
}
