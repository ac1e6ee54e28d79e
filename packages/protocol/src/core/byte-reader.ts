import { ProtocolError } from './errors.js';

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('latin1');

/**
 * A bounds-checked cursor over a byte view. Every read checks the remaining length first and throws a
 * `ProtocolError` (TRUNCATED) instead of reading past the end, so decoders built on it cannot overrun or
 * allocate from an unchecked length. Sub-readers share the underlying memory: nothing is copied.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  constructor(
    bytes: Uint8Array,
    /** Name of the structure being read, used in error messages. */
    readonly pdu = 'PDU',
  ) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  /** Throws TRUNCATED unless `n` more bytes are available. */
  need(n: number, what = 'field'): void {
    if (n < 0 || this.offset + n > this.bytes.byteLength) {
      throw new ProtocolError(
        'TRUNCATED',
        `${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`,
        this.pdu,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u16le(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u16be(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, false);
    this.offset += 2;
    return v;
  }

  i16le(): number {
    this.need(2);
    const v = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32le(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u32be(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return v;
  }

  i32le(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }

  /** A view of the next `n` bytes (no copy). */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** A reader over the next `n` bytes, advancing this one past them. */
  sub(n: number, pdu = this.pdu): ByteReader {
    return new ByteReader(this.bytesView(n, pdu), pdu);
  }

  skip(n: number): void {
    this.need(n, 'skipped bytes');
    this.offset += n;
  }

  /** The rest of the bytes as a view. */
  rest(): Uint8Array {
    return this.bytesView(this.remaining);
  }

  /** `n` bytes of UTF-16LE, cut at the first NUL. */
  utf16(n: number): string {
    const raw = this.bytesView(n, 'UTF-16 string');
    let end = raw.byteLength & ~1;
    for (let i = 0; i + 1 < end; i += 2) {
      if (raw[i] === 0 && raw[i + 1] === 0) {
        end = i;
        break;
      }
    }
    return utf16.decode(raw.subarray(0, end));
  }

  /** `n` bytes of 8-bit text, cut at the first NUL. */
  ascii(n: number): string {
    const raw = this.bytesView(n, 'ANSI string');
    const nul = raw.indexOf(0);
    return latin1.decode(nul >= 0 ? raw.subarray(0, nul) : raw);
  }

  /** Throws unless every byte was consumed; for PDUs whose length must match exactly. */
  end(): void {
    if (this.remaining !== 0) {
      throw new ProtocolError('INVALID', `${this.remaining} unexpected trailing bytes`, this.pdu);
    }
  }
}
