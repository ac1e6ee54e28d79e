import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { type Rect, readRect16, writeRect16 } from './rect.js';

/** TS_REFRESH_RECT_PDU body (2.2.11.2.1): the areas the client wants redrawn. */
export function encodeRefreshRect(areas: readonly Rect[]): Uint8Array {
  if (areas.length > 0xff) throw new ProtocolError('OVERSIZE', `${areas.length} areas`, 'TS_REFRESH_RECT_PDU');
  const w = new ByteWriter(4 + areas.length * 8);
  w.u8(areas.length).zeros(3);
  for (const a of areas) writeRect16(w, a);
  return w.toBytes();
}

export function decodeRefreshRect(bytes: Uint8Array): Rect[] {
  const r = new ByteReader(bytes, 'TS_REFRESH_RECT_PDU');
  const count = r.u8();
  r.skip(3);
  return Array.from({ length: count }, () => readRect16(r));
}
