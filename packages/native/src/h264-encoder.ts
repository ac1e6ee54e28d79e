import { NativeError, toNativeError } from './errors.js';
import { assertFrame } from './frame.js';
import { isInteger, quadsOf, type Rect } from './geometry.js';
import { loadAddon } from './loader.js';
import type { RawH264Encoder } from './native-binding.js';
import { loadOpenH264 } from './openh264.js';
import type { I420Frame } from './yuv.js';

/** The largest picture edge the encoder takes (H.264 level 5.2 pictures are at most 4096 wide). */
const MAX_EDGE = 4096;

/** H.264 level 5.2's MaxBR for the baseline profile, 240 000 kbit/s: OpenH264 refuses more. */
const MAX_BITRATE = 240_000_000;

/** An {@link H264Encoder}'s rate control: frames per second it plans for and bits per second it spends. */
export interface H264Rate {
  /** Frames per second, in (0, 240]. */
  frameRate: number;
  /** Bits per second, 1 to 240 000 000 (H.264 level 5.2). */
  bitrate: number;
}

function assertRate({ frameRate, bitrate }: H264Rate): void {
  if (typeof frameRate !== 'number' || !(frameRate > 0 && frameRate <= 240)) {
    throw new NativeError('INVALID_ARGUMENT', `H264Encoder frameRate must be in (0, 240], got ${frameRate}`);
  }
  if (typeof bitrate !== 'number' || !(bitrate >= 1 && bitrate <= MAX_BITRATE)) {
    throw new NativeError(
      'INVALID_ARGUMENT',
      `H264Encoder bitrate must be 1 to ${MAX_BITRATE} bits per second (H.264 level 5.2's limit), got ${bitrate}`,
    );
  }
}

/** How an {@link H264Encoder} is set up; the size and content for its lifetime, the rate until {@link H264Encoder.setRate}. */
export interface H264EncoderOptions {
  /** Picture width in pixels: even, 2-4096. Pad to what the transport needs (RDPGFX: 16) before creating. */
  width: number;
  /** Picture height in pixels: even, 2-4096. */
  height: number;
  /** The frame rate the caller will encode at (frames per second, up to 240); rate control plans with it. */
  frameRate: number;
  /**
   * Target bitrate in bits per second, at most 240 000 000 (H.264 level 5.2); each frame's budget is `bitrate / frameRate`, so encoding fewer frames
   * than `frameRate` spends less.
   */
  bitrate: number;
  /**
   * What the frames show. `'motion'` (default): OpenH264's real-time camera mode, for the regions in motion a
   * sharer encodes (video, animation, dragging) while it sends still content losslessly: key frames only first and
   * on request. `'screen'`: OpenH264's screen-content mode, which codes still and scrolled text in about a quarter
   * of the bits at equal quality but costs 2-3 times the CPU and turns any frame its scene-change detection picks
   * (with diagonal motion, every frame) into a key frame.
   */
  content?: 'motion' | 'screen';
  /**
   * Temporal layers, 1 (default) or 2. With 2, frames alternate between the base layer (the 1st, 3rd, ... frame
   * after each key frame), which predicts only from the previous base frame, and a non-reference layer, each
   * frame of which predicts from the base frame just before it and from nothing else: two interleaved sequences
   * (e.g. two views of each picture) share one stream and one decoder while the base sequence keeps its own
   * prediction. Ask for key frames on base frames only. `frameRate` counts frames of both layers.
   */
  temporalLayers?: 1 | 2;
  /**
   * A fixed quantiser (1-51) instead of rate control: every frame is coded at this QP whatever it costs, base-layer
   * frames 3 finer when there are two temporal layers (`bitrate` then only sizes the encoder's buffers). For
   * streams whose layers differ in cost, which rate control would balance by starving the cheaper one.
   */
  qp?: number;
}

/** What one {@link H264Encoder.encode} produced. */
export interface H264EncodedFrame {
  /** Bytes written at the start of `output`. */
  byteLength: number;
  /** True for an IDR access unit (with SPS and PPS): a decoder can start with it. */
  keyFrame: boolean;
}

/**
 * An H.264 encoder (OpenH264) for one picture size, tuned for sharing a desktop in real time: constrained baseline
 * profile (no B-frames, CAVLC), one access unit out for each frame in, never a skipped frame, no periodic key
 * frames; pictures of 64 rows or more are coded in 4 slices on as many threads as there are cores (up to 4), so
 * one encode takes about half the time on two cores. Colours are BT.709 full range, as RDP clients read AVC420.
 * It knows nothing of RDP: the caller wraps the Annex-B bytes into its transport.
 *
 * @example
 * ```ts
 * const encoder = H264Encoder.create({ width: 1920, height: 1088, frameRate: 30, bitrate: 8_000_000 });
 * const output = new Uint8Array(encoder.width * encoder.height * 4);
 * const { byteLength, keyFrame } = await encoder.encode(frame, output);
 * send(output.subarray(0, byteLength), keyFrame);
 * encoder.close();
 * ```
 */
export class H264Encoder {
  readonly #raw: RawH264Encoder;

  private constructor(
    raw: RawH264Encoder,
    /** Picture width in pixels. */
    readonly width: number,
    /** Picture height in pixels. */
    readonly height: number,
  ) {
    this.#raw = raw;
  }

  /**
   * Creates an encoder. Throws `H264_UNAVAILABLE` (naming each library file tried and the fix, e.g.
   * `apt-get install libopenh264-7`) when OpenH264 cannot be loaded, `INVALID_ARGUMENT` for an odd, zero or too
   * large size, a frame rate outside (0, 240] or a bitrate that is not positive.
   *
   * @example
   * ```ts
   * const encoder = H264Encoder.create({ width: 1280, height: 800, frameRate: 30, bitrate: 6_000_000 });
   * ```
   */
  static create(options: H264EncoderOptions): H264Encoder {
    const {
      width,
      height,
      frameRate,
      bitrate,
      content = 'motion',
      temporalLayers = 1,
      qp,
    } = options ?? ({} as H264EncoderOptions);
    for (const [name, edge] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!isInteger(edge) || edge < 2 || edge > MAX_EDGE || edge % 2 !== 0) {
        throw new NativeError(
          'INVALID_ARGUMENT',
          `H264Encoder ${name} must be an even integer from 2 to ${MAX_EDGE} (4:2:0 chroma covers 2x2 pixels), got ${edge}`,
        );
      }
    }
    assertRate({ frameRate, bitrate });
    if (content !== 'motion' && content !== 'screen') {
      throw new NativeError('INVALID_ARGUMENT', `H264Encoder content must be 'motion' or 'screen', got ${content}`);
    }
    if (temporalLayers !== 1 && temporalLayers !== 2) {
      throw new NativeError('INVALID_ARGUMENT', `H264Encoder temporalLayers must be 1 or 2, got ${temporalLayers}`);
    }
    if (qp !== undefined && !(isInteger(qp) && qp >= 1 && qp <= 51)) {
      throw new NativeError('INVALID_ARGUMENT', `H264Encoder qp must be an integer from 1 to 51, got ${qp}`);
    }
    loadOpenH264();
    try {
      const raw = new (loadAddon().H264Encoder)(
        width,
        height,
        frameRate,
        Math.round(bitrate),
        content === 'screen',
        temporalLayers,
        qp ?? 0,
      );
      return new H264Encoder(raw, width, height);
    } catch (error) {
      throw toNativeError(error);
    }
  }

  /**
   * Encodes one 32-bit BGRX frame (byte 3 ignored; `width` x `height` of the encoder, rows `stride` bytes apart, as
   * `DesktopSource` captures them), or one {@link I420Frame} as it is (its planes of the encoder's size, chroma
   * half width and half height, BT.709 full range), on the libuv thread pool, into `output` as the Annex-B NAL units of one access
   * unit; key frames carry SPS and PPS. Neither buffer may be changed until the promise settles (both are read and
   * written on another thread meanwhile). An output as large as the frame (`width * height * 4`) always suffices.
   *
   * Rejects with `OUTPUT_TOO_SMALL` (the message gives the size needed; that frame is dropped and the next
   * encode is a key frame, so the stream stays decodable), `ENCODER_BUSY` while the previous encode runs (keep
   * the newest frame and encode it when that one settles), `ENCODER_CLOSED` after {@link close},
   * `INVALID_ARGUMENT` / `OUT_OF_BOUNDS` for a frame that does not match the encoder.
   *
   * `options.changed` (BGRX frames only) says where the frame differs from the BGRX frame of the previous encode:
   * only those rectangles are converted to 4:2:0, the rest of the picture is kept from that encode's conversion.
   * A change left out is not seen by the encoder; without it (and on the first BGRX encode) all of the frame is
   * converted.
   *
   * @example
   * ```ts
   * await source.capture({ x: 0, y: 0, width: 1280, height: 800 }, frame);
   * const { byteLength, keyFrame } = await encoder.encode(frame, output, { keyFrame: viewerJustJoined });
   * await source.capture(damaged, frame, damaged);
   * await encoder.encode(frame, output, { changed: [damaged] });
   * ```
   */
  async encode(
    frame: { data: Uint8Array; stride: number } | I420Frame,
    output: Uint8Array,
    options: { keyFrame?: boolean; changed?: readonly Rect[] } = {},
  ): Promise<H264EncodedFrame> {
    if (!(output instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', 'output must be a Uint8Array');
    const keyFrame = options.keyFrame === true;
    if (frame && 'y' in frame) {
      this.#assertI420(frame);
      try {
        return await this.#raw.encodeI420(frame.y, frame.u, frame.v, frame.yStride, frame.uvStride, output, keyFrame);
      } catch (error) {
        throw toNativeError(error);
      }
    }
    assertFrame({ width: this.width, height: this.height, stride: frame?.stride, data: frame?.data }, 'frame');
    const changed = options.changed && quadsOf(options.changed, 'changed');
    try {
      return await this.#raw.encode(frame.data, frame.stride, output, keyFrame, changed);
    } catch (error) {
      throw toNativeError(error);
    }
  }

  /**
   * Changes the rate control's plan from the next encode on (one in flight keeps its own): `frameRate` as the
   * rate the caller now encodes at, `bitrate` as the bits per second to spend, so each frame's budget becomes
   * `bitrate / frameRate`. No key frame follows; the stream goes on. Throws `INVALID_ARGUMENT` for the values
   * {@link create} refuses, `ENCODER_CLOSED` after {@link close}.
   *
   * @example
   * ```ts
   * encoder.setRate({ frameRate: measuredFps, bitrate: 4_000_000 });
   * ```
   */
  setRate(rate: H264Rate): void {
    assertRate(rate ?? ({} as H264Rate));
    try {
      this.#raw.setRate(rate.frameRate, Math.round(rate.bitrate));
    } catch (error) {
      throw toNativeError(error);
    }
  }

  #assertI420(frame: I420Frame): void {
    const { yStride, uvStride } = frame;
    const half = { width: this.width / 2, height: this.height / 2 };
    for (const [name, stride, size] of [
      ['y', yStride, this],
      ['u', uvStride, half],
      ['v', uvStride, half],
    ] as const) {
      const plane = frame[name];
      if (!(plane instanceof Uint8Array))
        throw new NativeError('INVALID_ARGUMENT', `frame.${name} must be a Uint8Array`);
      if (!isInteger(stride) || stride < size.width) {
        throw new NativeError('INVALID_ARGUMENT', `frame.${name}'s stride ${stride} is less than ${size.width}`);
      }
      const needed = stride * (size.height - 1) + size.width;
      if (plane.byteLength < needed) {
        throw new NativeError('OUT_OF_BOUNDS', `frame.${name} holds ${plane.byteLength} bytes, ${needed} are needed`);
      }
    }
  }

  /** Frees the encoder (after the encode in flight, if any, which still settles); later encodes reject `ENCODER_CLOSED`. */
  close(): void {
    this.#raw.close();
  }
}
