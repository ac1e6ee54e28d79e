import type { ByteReader } from '../core/byte-reader.js';
import type { ByteWriter } from '../core/byte-writer.js';

/** TS_RECTANGLE16 (2.2.11.1): an inclusive rectangle. */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function writeRect16(w: ByteWriter, r: Rect): void {
  w.u16le(r.left).u16le(r.top).u16le(r.right).u16le(r.bottom);
}

export function readRect16(r: ByteReader): Rect {
  return { left: r.u16le(), top: r.u16le(), right: r.u16le(), bottom: r.u16le() };
}
