const utf16Units = (s: string): number => s.length;

/**
 * A growable little/big-endian writer. Encoders write into one buffer and hand out a view of the written
 * part; `reserve` lets hot paths size the buffer once.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buf.byteLength) return;
    let size = this.buf.byteLength * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.offset));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.view.setUint8(this.offset++, v);
    return this;
  }

  u16le(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.offset, v, true);
    this.offset += 2;
    return this;
  }

  u16be(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.offset, v, false);
    this.offset += 2;
    return this;
  }

  i16le(v: number): this {
    this.reserve(2);
    this.view.setInt16(this.offset, v, true);
    this.offset += 2;
    return this;
  }

  u32le(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.offset, v >>> 0, true);
    this.offset += 4;
    return this;
  }

  u32be(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.offset, v >>> 0, false);
    this.offset += 4;
    return this;
  }

  i32le(v: number): this {
    this.reserve(4);
    this.view.setInt32(this.offset, v, true);
    this.offset += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.byteLength);
    this.buf.set(b, this.offset);
    this.offset += b.byteLength;
    return this;
  }

  zeros(n: number): this {
    this.reserve(n);
    this.buf.fill(0, this.offset, this.offset + n);
    this.offset += n;
    return this;
  }

  /** UTF-16LE code units of `s`, optionally NUL-terminated, optionally padded with zeros to `fixedBytes`. */
  utf16(s: string, { nul = false, fixedBytes }: { nul?: boolean; fixedBytes?: number } = {}): this {
    const units = utf16Units(s);
    const len = units * 2 + (nul ? 2 : 0);
    const total = fixedBytes ?? len;
    this.reserve(total);
    const n = Math.min(units, Math.floor(total / 2));
    for (let i = 0; i < n; i++) this.view.setUint16(this.offset + i * 2, s.charCodeAt(i), true);
    this.buf.fill(0, this.offset + n * 2, this.offset + total);
    this.offset += total;
    return this;
  }

  /** 8-bit text, padded with zeros (and so NUL-terminated when shorter) to `fixedBytes` if given. */
  ascii(s: string, fixedBytes?: number): this {
    const total = fixedBytes ?? s.length;
    this.reserve(total);
    const n = Math.min(s.length, total);
    for (let i = 0; i < n; i++) this.buf[this.offset + i] = s.charCodeAt(i) & 0xff;
    this.buf.fill(0, this.offset + n, this.offset + total);
    this.offset += total;
    return this;
  }

  /** Overwrites a u16 written earlier, e.g. a length known only at the end. */
  setU16le(at: number, v: number): this {
    this.view.setUint16(at, v, true);
    return this;
  }

  setU16be(at: number, v: number): this {
    this.view.setUint16(at, v, false);
    return this;
  }

  setU32le(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }

  /** The bytes written so far, as a view (valid until the next write grows the buffer). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.offset);
  }

  /** The bytes written so far, as an independent copy. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.offset);
  }
}
