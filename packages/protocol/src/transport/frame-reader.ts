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

/** One complete frame; `bytes` is a view into the reader's buffer, valid until the next `push`. */
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
/** cbSize (u32) is the first field of a preconnection PDU. */
const PRECONNECTION_CB_SIZE_LENGTH = 4;
/** cbSize + Flags + Version + Id: the size of RDP_PRECONNECTION_PDU_V1. */
const PRECONNECTION_V1_SIZE = 16;

/**
 * Cuts a peer's byte stream into frames, for either role: TPKT (slow-path) and fast-path frames, plus one leading
 * preconnection PDU where allowed. Every length is checked against its limit before bytes are kept, so a peer can
 * make the reader hold at most one frame, or `maxHeld` bytes while {@link hold} is in force.
 */
export class FrameReader {
  private buffer = new Uint8Array(0);
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
    return this.buffer.byteLength;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Appends bytes; throws OVERSIZE when a hold lets more than `maxHeld` bytes pile up. */
  push(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.byteLength + bytes.byteLength);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.byteLength);
    this.buffer = joined;
    this.checkHeld();
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
    this.buffer = new Uint8Array(0);
  }

  /** The next complete frame, or undefined while held or while too few bytes have arrived. */
  next(): Frame | undefined {
    if (this.held) return undefined;
    const b = this.buffer;
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
    this.buffer = b.subarray(length);
    return { type, bytes: b.subarray(0, length) };
  }

  private checkHeld(): void {
    if (this.held && this.buffer.byteLength > this.maxHeld) {
      throw new ProtocolError(
        'OVERSIZE',
        `${this.buffer.byteLength} bytes arrived while input was held (limit ${this.maxHeld})`,
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
