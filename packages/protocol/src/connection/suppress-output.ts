import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { type Rect, readRect16, writeRect16 } from './rect.js';

/** TS_SUPPRESS_OUTPUT_PDU body (2.2.11.3.1). `rect` is present only when updates are allowed. */
export interface SuppressOutput {
  allowDisplayUpdates: boolean;
  rect?: Rect;
}

export function encodeSuppressOutput(s: SuppressOutput): Uint8Array {
  const w = new ByteWriter(12);
  w.u8(s.allowDisplayUpdates ? 1 : 0).zeros(3);
  if (s.allowDisplayUpdates && s.rect) writeRect16(w, s.rect);
  return w.toBytes();
}

export function decodeSuppressOutput(bytes: Uint8Array): SuppressOutput {
  const r = new ByteReader(bytes, 'TS_SUPPRESS_OUTPUT_PDU');
  const allowDisplayUpdates = r.u8() === 1;
  r.skip(3);
  // Some clients omit the rectangle even when allowing updates; it is optional in practice.
  if (allowDisplayUpdates && r.remaining >= 8) return { allowDisplayUpdates, rect: readRect16(r) };
  return { allowDisplayUpdates };
}
