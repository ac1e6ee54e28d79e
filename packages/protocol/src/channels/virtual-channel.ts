import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'CHANNEL_PDU_HEADER';

/** flags of CHANNEL_PDU_HEADER (MS-RDPBCGR 2.2.6.1.1). */
export const ChannelFlags = {
  FIRST: 0x00000001,
  LAST: 0x00000002,
  SHOW_PROTOCOL: 0x00000010,
  /** Server to client only: suspend all virtual channel traffic. */
  SUSPEND: 0x00000020,
  /** Server to client only: resume virtual channel traffic. */
  RESUME: 0x00000040,
  SHADOW_PERSISTENT: 0x00000080,
  /** The bulk compression type (MS-RDPBCGR 3.1.8) in bits 16-19. */
  COMPRESSION_TYPE_MASK: 0x000f0000,
  PACKET_COMPRESSED: 0x00200000,
  PACKET_AT_FRONT: 0x00400000,
  PACKET_FLUSHED: 0x00800000,
} as const;
export type ChannelFlags = (typeof ChannelFlags)[keyof typeof ChannelFlags];

/** CHANNEL_CHUNK_LENGTH: the chunk size when the Virtual Channel capability gives no VCChunkSize. */
export const CHANNEL_CHUNK_LENGTH = 1600;

const HEADER_SIZE = 8;

/** One virtual channel PDU: header and this chunk's data (MS-RDPBCGR 2.2.6.1). */
export interface ChannelPdu {
  /** Total length of the whole message, all chunks together. */
  length: number;
  /** Combination of {@link ChannelFlags}. */
  flags: number;
  /** This chunk's part of the message. */
  data: Uint8Array;
}

/** Encodes CHANNEL_PDU_HEADER followed by the chunk data. */
export function encodeChannelPdu(pdu: ChannelPdu): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + pdu.data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, pdu.length >>> 0, true);
  view.setUint32(4, pdu.flags >>> 0, true);
  out.set(pdu.data, HEADER_SIZE);
  return out;
}

/** Decodes one virtual channel PDU; `data` is a view of the rest of `bytes`. */
export function decodeChannelPdu(bytes: Uint8Array): ChannelPdu {
  const r = new ByteReader(bytes, PDU);
  return { length: r.u32le(), flags: r.u32le(), data: r.rest() };
}

/**
 * Splits a message into channel PDUs of at most `chunkSize` data bytes each (MS-RDPBCGR 3.1.5.2.1): the first
 * carries FIRST, the last LAST (a one-chunk message both), every one the total length and the extra `flags`
 * (e.g. SHOW_PROTOCOL). An empty message still yields one PDU.
 */
export function chunkChannelData(data: Uint8Array, chunkSize = CHANNEL_CHUNK_LENGTH, flags = 0): Uint8Array[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new ProtocolError('INVALID', `chunk size ${chunkSize}`, PDU);
  }
  if (data.byteLength > 0xffffffff) throw new ProtocolError('OVERSIZE', 'message over 4 GiB', PDU);
  const extra = flags & ~(ChannelFlags.FIRST | ChannelFlags.LAST);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  do {
    const end = Math.min(offset + chunkSize, data.byteLength);
    const chunkFlags =
      extra | (offset === 0 ? ChannelFlags.FIRST : 0) | (end === data.byteLength ? ChannelFlags.LAST : 0);
    chunks.push(encodeChannelPdu({ length: data.byteLength, flags: chunkFlags, data: data.subarray(offset, end) }));
    offset = end;
  } while (offset < data.byteLength);
  return chunks;
}

/** A complete message out of the reassembler, with the flags of its first chunk. */
export interface ChannelMessage {
  data: Uint8Array;
  flags: number;
}

/**
 * Reassembles chunked virtual channel messages of one channel (MS-RDPBCGR 3.1.5.2.2). Feed it every channel PDU
 * of that channel in order; it returns each message once its LAST chunk arrives (a single-chunk message as a view,
 * without a copy).
 *
 * Errors drop the partial message: a chunk without FIRST when none is in progress, or a FIRST while one is, throws
 * INVALID; a declared total length over `maxLength`, or chunks that overrun or fall short of it, throw OVERSIZE or
 * INVALID; compressed chunks throw UNSUPPORTED (we never advertise channel compression).
 */
export class ChannelReassembler {
  private buffer: Uint8Array | undefined;
  private received = 0;
  private flags = 0;

  constructor(readonly maxLength: number) {}

  /** True while a message's FIRST chunk has arrived but not its LAST. */
  get inProgress(): boolean {
    return this.buffer !== undefined;
  }

  push(chunk: Uint8Array | ChannelPdu): ChannelMessage | undefined {
    const pdu = chunk instanceof Uint8Array ? decodeChannelPdu(chunk) : chunk;
    if (pdu.flags & ChannelFlags.PACKET_COMPRESSED) {
      this.fail('UNSUPPORTED', 'compressed virtual channel data');
    }
    if (pdu.flags & ChannelFlags.FIRST) {
      if (this.inProgress) this.fail('INVALID', 'FIRST chunk while a message is in progress');
      if (pdu.length > this.maxLength) {
        this.fail('OVERSIZE', `message of ${pdu.length} bytes exceeds the limit of ${this.maxLength}`);
      }
      if (pdu.flags & ChannelFlags.LAST) {
        if (pdu.data.byteLength !== pdu.length) {
          this.fail('INVALID', `single chunk of ${pdu.data.byteLength} bytes for a ${pdu.length}-byte message`);
        }
        return { data: pdu.data, flags: pdu.flags };
      }
      this.buffer = new Uint8Array(pdu.length);
      this.received = 0;
      this.flags = pdu.flags;
    } else if (!this.buffer) {
      this.fail('INVALID', 'chunk without FIRST and no message in progress');
    }
    const buffer = this.buffer as Uint8Array;
    if (pdu.length !== buffer.byteLength) {
      this.fail('INVALID', `chunk says ${pdu.length} bytes, message started with ${buffer.byteLength}`);
    }
    if (this.received + pdu.data.byteLength > buffer.byteLength) {
      this.fail('INVALID', `chunks overrun the declared length ${buffer.byteLength}`);
    }
    buffer.set(pdu.data, this.received);
    this.received += pdu.data.byteLength;
    if (!(pdu.flags & ChannelFlags.LAST)) return undefined;
    if (this.received !== buffer.byteLength) {
      this.fail('INVALID', `LAST chunk after ${this.received} of ${buffer.byteLength} bytes`);
    }
    const message = { data: buffer, flags: this.flags };
    this.reset();
    return message;
  }

  /** Drops any partial message. */
  reset(): void {
    this.buffer = undefined;
    this.received = 0;
    this.flags = 0;
  }

  private fail(code: 'INVALID' | 'OVERSIZE' | 'UNSUPPORTED', message: string): never {
    this.reset();
    throw new ProtocolError(code, message, PDU);
  }
}
