import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { type Avc420BitmapStream, decodeAvc420BitmapStream, encodeAvc420BitmapStream } from './avc420-bitmap-stream.js';

const PDU = 'RFX_AVC444_BITMAP_STREAM';

/** avc420EncodedBitstreamInfo: cbAvc420EncodedBitstream1 in the low 30 bits, LC in the top two. */
const CB_AVC420_ENCODED_BITSTREAM1_MASK = 0x3fffffff;
const LC_SHIFT = 30;

/** LC values (MS-RDPEGFX 2.2.4.5): which of the two YUV420 views the stream carries. */
export const Avc444Lc = {
  /** avc420EncodedBitstream1 is the main (luma) view, avc420EncodedBitstream2 the auxiliary (chroma) view. */
  LUMA_AND_CHROMA: 0,
  /** Only the main view, in avc420EncodedBitstream1. */
  LUMA: 1,
  /** Only the auxiliary view, in avc420EncodedBitstream1. */
  CHROMA: 2,
} as const;
export type Avc444Lc = (typeof Avc444Lc)[keyof typeof Avc444Lc];

/**
 * RFX_AVC444_BITMAP_STREAM (MS-RDPEGFX 2.2.4.5) and RFX_AVC444V2_BITMAP_STREAM (2.2.4.6), which share one layout
 * (they differ in how the auxiliary view packs the chroma, 3.3.8.3.2 and 3.3.8.3.3): avc420EncodedBitstreamInfo,
 * then one or two RFX_AVC420_BITMAP_STREAMs, the views of one YUV444 picture as consecutive pictures of one H.264
 * stream.
 */
export type Avc444BitmapStream =
  | { lc: typeof Avc444Lc.LUMA_AND_CHROMA; main: Avc420BitmapStream; auxiliary: Avc420BitmapStream }
  | { lc: typeof Avc444Lc.LUMA; main: Avc420BitmapStream }
  | { lc: typeof Avc444Lc.CHROMA; auxiliary: Avc420BitmapStream };

export function encodeAvc444BitmapStream(stream: Avc444BitmapStream): Uint8Array {
  const first = encodeAvc420BitmapStream(stream.lc === Avc444Lc.CHROMA ? stream.auxiliary : stream.main);
  const second = stream.lc === Avc444Lc.LUMA_AND_CHROMA ? encodeAvc420BitmapStream(stream.auxiliary) : undefined;
  if (first.length > CB_AVC420_ENCODED_BITSTREAM1_MASK) {
    throw new ProtocolError('INVALID', `avc420EncodedBitstream1 of ${first.length} bytes exceeds 30 bits`, PDU);
  }
  const w = new ByteWriter(4 + first.length + (second?.length ?? 0));
  w.u32le(((stream.lc << LC_SHIFT) | first.length) >>> 0);
  w.bytes(first);
  if (second) w.bytes(second);
  return w.toBytes();
}

export function decodeAvc444BitmapStream(bytes: Uint8Array): Avc444BitmapStream {
  const r = new ByteReader(bytes, PDU);
  const info = r.u32le();
  const lc = info >>> LC_SHIFT;
  const size = info & CB_AVC420_ENCODED_BITSTREAM1_MASK;
  switch (lc) {
    case Avc444Lc.LUMA_AND_CHROMA: {
      const main = decodeAvc420BitmapStream(r.bytesView(size, 'avc420EncodedBitstream1'));
      return { lc, main, auxiliary: decodeAvc420BitmapStream(r.rest()) };
    }
    // With one view the first stream is the rest of the structure, whatever cbAvc420EncodedBitstream1 says.
    case Avc444Lc.LUMA:
      return { lc, main: decodeAvc420BitmapStream(r.rest()) };
    case Avc444Lc.CHROMA:
      return { lc, auxiliary: decodeAvc420BitmapStream(r.rest()) };
    default:
      throw new ProtocolError('INVALID', `LC ${lc} is reserved`, PDU);
  }
}
