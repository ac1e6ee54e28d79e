import { type Rect, readRect16, writeRect16 } from '../connection/rect.js';
import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { checkUint } from '../data/field-range.js';

const PDU = 'RDPGFX_AVC420_BITMAP_STREAM';

/** RDPGFX_H264_QUANT_QUALITY qpVal bits (MS-RDPEGFX 2.2.4.4.2). */
const QP_MASK = 0x3f;
const PROGRESSIVE_FLAG = 0x80;

/** Quantization and quality of one region (RDPGFX_H264_QUANT_QUALITY). */
export interface H264QuantQuality {
  /** Quantization parameter 0..51. */
  qp: number;
  /** Whether the region is encoded progressively. */
  progressive: boolean;
  /** 0..100. */
  qualityVal: number;
}

/**
 * RDPGFX_AVC420_BITMAP_STREAM (MS-RDPEGFX 2.2.4.4): an RDPGFX_AVC420_METABLOCK naming the regions the H.264
 * access unit updates (right and bottom exclusive), then the Annex B bitstream.
 */
export interface Avc420BitmapStream {
  regionRects: Rect[];
  quantQualityVals: H264QuantQuality[];
  bitstream: Uint8Array;
}

export function encodeAvc420BitmapStream(stream: Avc420BitmapStream): Uint8Array {
  if (stream.regionRects.length !== stream.quantQualityVals.length) {
    throw new ProtocolError('INVALID', 'one quantQualityVal per region rect', PDU);
  }
  const n = stream.regionRects.length;
  const w = new ByteWriter(4 + n * 10 + stream.bitstream.length);
  w.u32le(n);
  for (const r of stream.regionRects) writeRect16(w, r);
  for (const q of stream.quantQualityVals) {
    w.u8(checkUint(q.qp, 51, 'qp', PDU) | (q.progressive ? PROGRESSIVE_FLAG : 0));
    w.u8(checkUint(q.qualityVal, 100, 'qualityVal', PDU));
  }
  return w.bytes(stream.bitstream).toBytes();
}

export function decodeAvc420BitmapStream(bytes: Uint8Array): Avc420BitmapStream {
  const r = new ByteReader(bytes, PDU);
  const n = r.u32le();
  r.need(n * 10, 'metablock');
  const regionRects = Array.from({ length: n }, () => readRect16(r));
  const quantQualityVals = Array.from({ length: n }, () => {
    const qpVal = r.u8();
    return { qp: qpVal & QP_MASK, progressive: (qpVal & PROGRESSIVE_FLAG) !== 0, qualityVal: r.u8() };
  });
  return { regionRects, quantQualityVals, bitstream: r.rest() };
}
