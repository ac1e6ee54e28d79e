import { NativeError, toNativeError } from './errors.js';
import { assertFrame } from './frame.js';
import { isInteger } from './geometry.js';
import { loadAddon } from './loader.js';
import type { RawH264Encoder } from './native-binding.js';
import { loadOpenH264 } from './openh264.js';

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
    const { width, height, frameRate, bitrate, content = 'motion' } = options ?? ({} as H264EncoderOptions);
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
    loadOpenH264();
    try {
      const raw = new (loadAddon().H264Encoder)(width, height, frameRate, Math.round(bitrate), content === 'screen');
      return new H264Encoder(raw, width, height);
    } catch (error) {
      throw toNativeError(error);
    }
  }

  /**
   * Encodes one 32-bit BGRX frame (byte 3 ignored; `width` x `height` of the encoder, rows `stride` bytes apart, as
   * `DesktopSource` captures them) on the libuv thread pool, into `output` as the Annex-B NAL units of one access
   * unit; key frames carry SPS and PPS. Neither buffer may be changed until the promise settles (both are read and
   * written on another thread meanwhile). An output as large as the frame (`width * height * 4`) always suffices.
   *
   * Rejects with `OUTPUT_TOO_SMALL` (the message gives the size needed; that frame is dropped and the next
   * encode is a key frame, so the stream stays decodable), `ENCODER_BUSY` while the previous encode runs (keep
   * the newest frame and encode it when that one settles), `ENCODER_CLOSED` after {@link close},
   * `INVALID_ARGUMENT` / `OUT_OF_BOUNDS` for a frame that does not match the encoder.
   *
   * @example
   * ```ts
   * await source.capture({ x: 0, y: 0, width: 1280, height: 800 }, frame);
   * const { byteLength, keyFrame } = await encoder.encode(frame, output, { keyFrame: viewerJustJoined });
   * ```
   */
  async encode(
    frame: { data: Uint8Array; stride: number },
    output: Uint8Array,
    options: { keyFrame?: boolean } = {},
  ): Promise<H264EncodedFrame> {
    assertFrame({ width: this.width, height: this.height, stride: frame?.stride, data: frame?.data }, 'frame');
    if (!(output instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', 'output must be a Uint8Array');
    try {
      return await this.#raw.encode(frame.data, frame.stride, output, options.keyFrame === true);
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

  /** Frees the encoder (after the encode in flight, if any, which still settles); later encodes reject `ENCODER_CLOSED`. */
  close(): void {
    this.#raw.close();
  }
}
