import { allocateYuv444, bgrxToYuv444, type Rect } from '@rdshare/native';
import { type Avc444Version, allocateI420, splitAvc444Views } from './avc444-views.js';
import type { H264Rate } from './h264-rate-plan.js';

/** What the surface encoder needs of an H.264 encoder (`@rdshare/native`'s `H264Encoder`). */
export interface H264FrameEncoder {
  encode(
    frame:
      | { data: Uint8Array; stride: number }
      | { y: Uint8Array; u: Uint8Array; v: Uint8Array; yStride: number; uvStride: number },
    output: Uint8Array,
    /** `changed`: where a BGRX frame differs from the previous one's (see `H264Encoder.encode`). */
    options?: { keyFrame?: boolean; changed?: readonly Rect[] },
  ): Promise<{ byteLength: number; keyFrame: boolean }>;
  /** Changes the rate plan from the next encode on. */
  setRate(rate: H264Rate): void;
  close(): void;
}

/**
 * Makes an encoder for frames of `width` x `height` (multiples of 16) with its first rate plan; with
 * `temporalLayers: 2` each picture is two frames (AVC444's views), the second of each pair predicted from the
 * first and referenced by none; with `qp` every frame is coded at that quantiser instead of the rate control's.
 */
export type H264EncoderFactory = (
  size: { width: number; height: number },
  setup: H264Rate & { temporalLayers: 1 | 2; qp?: number },
) => H264FrameEncoder;

/** The H.264 formats of MS-RDPEGFX: AVC420, and AVC444 in its two layouts of the auxiliary view. */
export type AvcFormat = 'avc420' | 'avc444' | 'avc444v2';

/** One picture as H.264: the access unit of an AVC420 picture or of AVC444's main view, and AVC444's auxiliary view. */
export interface CodedPicture {
  keyFrame: boolean;
  /** Owned by the caller (a copy). */
  bitstream: Uint8Array;
  auxiliary?: Uint8Array;
}

/** Codes `width` x `height` BGRX pictures in one {@link AvcFormat}. */
export interface PictureCoder {
  /** A new rate plan for the pictures to come (AVC444, at a fixed quantiser, has none). */
  setRate(rate: H264Rate): void;
  /**
   * The frame's buffer may change again once the promise settles. `shown(x, y)` says whether the pixel at (x, y)
   * may be shown to a client from this picture; what none is shown may be coded as cheaply as the format allows.
   * `changed` lists every part of the frame that changed since the last call: a coder may convert only that.
   */
  code(
    frame: { data: Uint8Array; stride: number },
    keyFrame: boolean,
    shown: (x: number, y: number) => boolean,
    changed: readonly Rect[],
  ): Promise<CodedPicture>;
  close(): void;
}

/** Output room per pixel: as large as the BGRX frame, which the native encoder guarantees always suffices. */
const OUTPUT_BYTES_PER_PIXEL = 4;
/** The native encoder's frame-rate ceiling. */
const MAX_FRAME_RATE = 240;
/**
 * AVC444's quantiser: 23 for the main view, 26 for the auxiliary one (OpenH264 codes the base layer 3 finer).
 * Rate control splits each picture's bits between the layers by fixed weights, and the auxiliary view, predicted
 * from a main view of other content, overshoots its share and starves the main view: measured on the moving-box
 * animation, the main view's luma fell from 36 to 26 dB PSNR of AVC420's at the same bits per frame, while at
 * these fixed quantisers it is better than AVC420's (48 against 41 dB) and its colour 5 dB closer.
 */
const AVC444_QP = 26;

/**
 * A coder of `format` for pictures of `size`. AVC444 runs one encoder for both views, as the client runs one
 * decoder for both (MS-RDPEGFX 2.2.4.5: the views are consecutive pictures of one stream): the main view on the
 * base temporal layer, so that it predicts from the previous main view, and the auxiliary view on the
 * non-reference layer, predicted from the main view just coded.
 */
export function createPictureCoder(
  format: AvcFormat,
  size: { width: number; height: number },
  create: H264EncoderFactory,
  rate: H264Rate,
): PictureCoder {
  const { width, height } = size;
  const output = new Uint8Array(width * height * OUTPUT_BYTES_PER_PIXEL);
  if (format === 'avc420') {
    const encoder = create(size, { ...rate, temporalLayers: 1 });
    return {
      setRate: (plan) => encoder.setRate(plan),
      async code(frame, keyFrame, _shown, changed) {
        // The encoder keeps its 4:2:0 conversion of the last frame: a picture converts what changed, not all of it.
        const result = await encoder.encode(frame, output, { keyFrame, changed });
        return { keyFrame: result.keyFrame, bitstream: output.slice(0, result.byteLength) };
      },
      close: () => encoder.close(),
    };
  }
  const version: Avc444Version = format === 'avc444' ? 1 : 2;
  // Two frames a picture; the rate only sizes the encoder's buffers and spaces its timestamps.
  const encoder = create(size, {
    frameRate: Math.min(MAX_FRAME_RATE, rate.frameRate * 2),
    bitrate: rate.bitrate,
    temporalLayers: 2,
    qp: AVC444_QP,
  });
  const yuv = allocateYuv444(width, height);
  const main = allocateI420(width, height);
  const aux = allocateI420(width, height);
  return {
    setRate: () => {},
    async code(frame, keyFrame, shown) {
      await bgrxToYuv444({ width, height, ...frame }, yuv);
      await splitAvc444Views(yuv, version, main, aux, shown);
      const first = await encoder.encode(main, output, { keyFrame });
      const bitstream = output.slice(0, first.byteLength);
      const second = await encoder.encode(aux, output);
      return { keyFrame: first.keyFrame, bitstream, auxiliary: output.slice(0, second.byteLength) };
    },
    close: () => encoder.close(),
  };
}
