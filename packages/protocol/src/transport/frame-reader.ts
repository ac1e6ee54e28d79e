import { FrameKind, peekFrame } from '../connection/framing.js';
import { MAX_PRECONNECTION_PDU } from '../connection/preconnection.js';
import { TPKT_VERSION } from '../connection/tpkt.js';
import { ProtocolError } from '../core/errors.js';

/** What one frame of the RDP byte stream is (MS-RDPBCGR 2.2.8.1.2 / 2.2.9.1.2, [MS-RDPEPS] 2.2.1). */
export const FrameType = {
  /** RDP_PRECONNECTION_PDU_V1/V2: only ever the very first bytes of a connection. */
  PRECONNECTION: 'preconnection',
  /** A TPKT carrying an X.224 TPDU. */
  SLOW_PATH: 'slow-path',
  FAST_PATH: 'fast-path',
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** One complete frame; `bytes` is a view into the reader's store, never overwritten afterwards. */
export interface Frame {
  type: FrameType;
  bytes: Uint8Array;
}

export interface FrameReaderOptions {
  /** Largest TPKT or fast-path frame accepted (default 0xffff, the TPKT maximum). */
  maxFrame?: number;
  /** Most bytes that may pile up while the reader is held (default 256 KiB). */
  maxHeld?: number;
  /** Accept a preconnection PDU as the first frame: the server role. */
  preconnection?: boolean;
}

/** Every TPKT fits 16 bits of length; fast-path frames are shorter still. */
const DEFAULT_MAX_FRAME = 0xffff;
/** While a TLS handshake or an authentication runs the peer has no reason to send much, so this is generous. */
const DEFAULT_MAX_HELD = 256 * 1024;
/** The smallest store the reader allocates: a few typical frames. */
const MIN_STORAGE = 4096;
/** cbSize (u32) is the first field of a preconnection PDU. */
const PRECONNECTION_CB_SIZE_LENGTH = 4;
/** cbSize + Flags + Version + Id: the size of RDP_PRECONNECTION_PDU_V1. */
const PRECONNECTION_V1_SIZE = 16;

/**
 * Cuts a peer's byte stream into frames, for either role: TPKT (slow-path) and fast-path frames, plus one leading
 * preconnection PDU where allowed. Every length is checked against its limit before bytes are kept, so a peer can
 * make the reader hold at most one frame, or `maxHeld` bytes while {@link hold} is in force.
 *
 * @example
 * ```ts
 * const reader = new FrameReader({ maxFrame: 0xffff });
 * socket.on('data', (bytes) => {
 *   reader.push(bytes); // throws ProtocolError OVERSIZE on a frame longer than maxFrame
 *   for (let frame = reader.next(); frame; frame = reader.next()) handle(frame.type, frame.bytes);
 * });
 * ```
 */
export class FrameReader {
  /** Bytes [start, end) of `storage` are received and not yet returned. */
  private storage = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private held = false;
  private first = true;
  private readonly maxFrame: number;
  private readonly maxHeld: number;
  private readonly preconnection: boolean;

  constructor(options: FrameReaderOptions = {}) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
    this.maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
    this.preconnection = options.preconnection ?? false;
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.end - this.start;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Appends bytes; throws OVERSIZE when a hold lets more than `maxHeld` bytes pile up. Appending writes only
   * past what was returned, and a full store is replaced rather than compacted, so frames already returned (and
   * the views decoders took of them) never change, while a peer that trickles a frame byte by byte costs
   * amortized linear copying, not quadratic.
   */
  push(bytes: Uint8Array): void {
    this.checkHeld(bytes.byteLength);
    if (this.end + bytes.byteLength > this.storage.byteLength) {
      const pending = this.end - this.start;
      const grown = new Uint8Array(Math.max(MIN_STORAGE, 2 * (pending + bytes.byteLength)));
      grown.set(this.storage.subarray(this.start, this.end));
      this.storage = grown;
      this.start = 0;
      this.end = pending;
    }
    this.storage.set(bytes, this.end);
    this.end += bytes.byteLength;
  }

  /** Stops returning frames (e.g. during a TLS handshake) until {@link release}. */
  hold(): void {
    this.held = true;
    this.checkHeld();
  }

  release(): void {
    this.held = false;
  }

  /** Drops everything buffered (the connection is over). */
  clear(): void {
    this.storage = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
  }

  /** The next complete frame, or undefined while held or while too few bytes have arrived. */
  next(): Frame | undefined {
    if (this.held) return undefined;
    const b = this.storage.subarray(this.start, this.end);
    if (b.byteLength === 0) return undefined;
    let type: FrameType;
    let length: number | undefined;
    if (this.first && this.preconnection && b[0] !== TPKT_VERSION) {
      type = FrameType.PRECONNECTION;
      length = preconnectionLength(b);
    } else {
      const header = peekFrame(b, this.maxFrame);
      type = header?.kind === FrameKind.FAST_PATH ? FrameType.FAST_PATH : FrameType.SLOW_PATH;
      length = header?.length;
    }
    if (length === undefined || length > b.byteLength) return undefined;
    this.first = false;
    this.start += length;
    return { type, bytes: b.subarray(0, length) };
  }

  /** Throws OVERSIZE when, held, the reader would keep more than `maxHeld` bytes with `incoming` more. */
  private checkHeld(incoming = 0): void {
    const total = this.buffered + incoming;
    if (this.held && total > this.maxHeld) {
      throw new ProtocolError(
        'OVERSIZE',
        `${total} bytes arrived while input was held (limit ${this.maxHeld})`,
        'frame',
      );
    }
  }
}

function preconnectionLength(b: Uint8Array): number | undefined {
  if (b.byteLength < PRECONNECTION_CB_SIZE_LENGTH) return undefined;
  const cbSize = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  if (cbSize < PRECONNECTION_V1_SIZE || cbSize > MAX_PRECONNECTION_PDU)
    throw new ProtocolError('INVALID', `cbSize ${cbSize}`, 'RDP_PRECONNECTION_PDU');
  return cbSize;
}
