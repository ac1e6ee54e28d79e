import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import type { ZgfxCompressor, ZgfxHistory } from './zgfx.js';

const PDU = 'RDP_SEGMENTED_DATA';

/** RDP_SEGMENTED_DATA descriptor values (MS-RDPEGFX 2.2.5.1). */
export const SegmentedDescriptor = { SINGLE: 0xe0, MULTIPART: 0xe1 } as const;

/** RDP8_BULK_ENCODED_DATA header: compression type RDP 8.0 and the PACKET_COMPRESSED flag (MS-RDPEGFX 2.2.5.3). */
export const BulkEncodedHeader = { PACKET_COMPR_TYPE_RDP8: 0x04, PACKET_COMPRESSED: 0x20 } as const;

/** Most bytes in one segment (MS-RDPEGFX 2.2.5.1: a segment holds at most 65535 uncompressed bytes). */
export const SEGMENT_MAX_LENGTH = 65535;

/**
 * Wraps server-to-client RDPGFX PDUs as RDP_SEGMENTED_DATA: one SINGLE segment when it fits, else MULTIPART.
 * Without a compressor the segments are uncompressed, which clients must accept and which costs no CPU; with the
 * channel's compressor each segment goes compressed where that is smaller (it enters the history either way), or
 * as it is without a look where `attempt` is false (data known not to compress, such as H.264).
 */
export function encodeSegmentedData(data: Uint8Array, compressor?: ZgfxCompressor, attempt = true): Uint8Array {
  const segments: { header: number; bytes: Uint8Array }[] = [];
  for (let at = 0; at === 0 || at < data.length; at += SEGMENT_MAX_LENGTH) {
    const raw = data.subarray(at, at + SEGMENT_MAX_LENGTH);
    if (!attempt) compressor?.pass(raw);
    const compressed = attempt ? compressor?.compress(raw) : undefined;
    segments.push(
      compressed
        ? {
            header: BulkEncodedHeader.PACKET_COMPR_TYPE_RDP8 | BulkEncodedHeader.PACKET_COMPRESSED,
            bytes: compressed,
          }
        : { header: BulkEncodedHeader.PACKET_COMPR_TYPE_RDP8, bytes: raw },
    );
  }
  if (segments.length === 1) {
    const [{ header, bytes }] = segments;
    return new ByteWriter(2 + bytes.length).u8(SegmentedDescriptor.SINGLE).u8(header).bytes(bytes).toBytes();
  }
  const size = segments.reduce((n, s) => n + 5 + s.bytes.length, 7);
  const w = new ByteWriter(size);
  w.u8(SegmentedDescriptor.MULTIPART).u16le(segments.length).u32le(data.length);
  for (const { header, bytes } of segments)
    w.u32le(bytes.length + 1)
      .u8(header)
      .bytes(bytes);
  return w.toBytes();
}

/**
 * Reads RDP_SEGMENTED_DATA. With the channel's `history`, segments compressed with RDP 8.0 bulk compression (what
 * Windows servers and rdshare's sharer send) are decompressed and every segment is added to it; without,
 * compressed segments are UNSUPPORTED. `maxLength` bounds the declared total before anything is allocated.
 */
export function decodeSegmentedData(bytes: Uint8Array, maxLength: number, history?: ZgfxHistory): Uint8Array {
  const r = new ByteReader(bytes, PDU);
  const descriptor = r.u8();
  if (descriptor === SegmentedDescriptor.SINGLE) return segment(r, r.remaining, history);
  if (descriptor !== SegmentedDescriptor.MULTIPART) {
    throw new ProtocolError('INVALID', `descriptor 0x${descriptor.toString(16)}`, PDU);
  }
  const count = r.u16le();
  const total = r.u32le();
  if (total > maxLength) throw new ProtocolError('OVERSIZE', `${total} bytes over ${maxLength}`, PDU);
  const out = new Uint8Array(total);
  let filled = 0;
  for (let i = 0; i < count; i++) {
    const data = segment(r, r.u32le(), history);
    if (filled + data.length > total) throw new ProtocolError('INVALID', 'segments exceed the total', PDU);
    out.set(data, filled);
    filled += data.length;
  }
  if (filled !== total) throw new ProtocolError('INVALID', `segments hold ${filled} of ${total} bytes`, PDU);
  return out;
}

/** One RDP8_BULK_ENCODED_DATA of `size` bytes: its data, decompressed where it is compressed. */
function segment(r: ByteReader, size: number, history: ZgfxHistory | undefined): Uint8Array {
  if (size < 1) throw new ProtocolError('INVALID', 'empty segment', PDU);
  const header = r.u8();
  if ((header & 0x0f) !== BulkEncodedHeader.PACKET_COMPR_TYPE_RDP8) {
    throw new ProtocolError('INVALID', `compression type 0x${(header & 0x0f).toString(16)}`, PDU);
  }
  const data = r.bytesView(size - 1, 'segment');
  if (header & BulkEncodedHeader.PACKET_COMPRESSED) {
    if (!history) throw new ProtocolError('UNSUPPORTED', 'RDP 8.0 compressed segment', PDU);
    return history.decompress(data);
  }
  history?.append(data);
  return data;
}
