import { NativeError, toNativeError } from './errors.js';
import { loadAddon } from './loader.js';
import type { RawH264Decoder } from './native-binding.js';
import { loadOpenH264 } from './openh264.js';

/** Decodes waiting behind the one in progress before `decode()` refuses more. */
const MAX_QUEUED_DECODES = 16;

/** The size of a picture {@link H264Decoder.decode} wrote. */
export interface H264DecodedPicture {
  width: number;
  height: number;
}

/**
 * An H.264 decoder (OpenH264) producing 32-bit BGRA pictures, converted from BT.709 full range exactly as
 * FreeRDP's client converts AVC420, so a viewer built on it shows the pixels xfreerdp shows.
 *
 * @example
 * ```ts
 * const decoder = H264Decoder.create();
 * const picture = new Uint8Array(1920 * 1088 * 4);
 * const size = await decoder.decode(accessUnit, picture); // undefined until a key frame has arrived
 * if (size) draw(picture, size.width, size.height); // BGRA, stride size.width * 4
 * decoder.close();
 * ```
 */
export class H264Decoder {
  readonly #raw: RawH264Decoder;
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  private constructor(raw: RawH264Decoder) {
    this.#raw = raw;
  }

  /**
   * Creates a decoder. Throws `H264_UNAVAILABLE` (naming each library file tried and the fix) without OpenH264.
   *
   * @example
   * ```ts
   * const decoder = H264Decoder.create();
   * ```
   */
  static create(): H264Decoder {
    loadOpenH264();
    try {
      return new H264Decoder(new (loadAddon().H264Decoder)());
    } catch (error) {
      throw toNativeError(error);
    }
  }

  /**
   * Decodes one access unit (Annex-B NAL units) on the libuv thread pool into `output` as BGRA with stride
   * `width * 4`; resolves with the picture's size, or undefined when no picture came out (no key frame seen yet, a
   * lost reference: the last picture stays valid). Calls run one after another in call order, so a caller may
   * issue the next before the previous settles; leave both buffers alone until the promise settles.
   *
   * With `{ planes: true }` the picture is written as decoded, without colour conversion: its Y plane (`width`
   * bytes a row), then its U and V planes (`ceil(width / 2)` bytes a row, `ceil(height / 2)` rows), for callers
   * that combine pictures before converting (RDP's AVC444 packs one 4:4:4 picture into two 4:2:0 ones).
   *
   * Rejects with `OUTPUT_TOO_SMALL` (message gives the size needed; that picture is lost), `DECODE_FAILED` for a
   * damaged access unit, `DECODER_BUSY` when 16 decodes are already waiting, `CLOSED` after {@link close}.
   * A key frame of another size switches the decoder to that size.
   *
   * @example
   * ```ts
   * const size = await decoder.decode(accessUnit, picture);
   * if (size) paint(picture, size.width, size.height);
   * const planes = await decoder.decode(nextAccessUnit, yuv, { planes: true }); // Y, then U, then V
   * ```
   */
  decode(
    accessUnit: Uint8Array,
    output: Uint8Array,
    options: { planes?: boolean } = {},
  ): Promise<H264DecodedPicture | undefined> {
    if (!(accessUnit instanceof Uint8Array) || accessUnit.byteLength === 0) {
      return Promise.reject(new NativeError('INVALID_ARGUMENT', 'accessUnit must be a non-empty Uint8Array'));
    }
    if (!(output instanceof Uint8Array)) {
      return Promise.reject(new NativeError('INVALID_ARGUMENT', 'output must be a Uint8Array'));
    }
    if (this.#queued > MAX_QUEUED_DECODES) {
      return Promise.reject(
        new NativeError('DECODER_BUSY', `${MAX_QUEUED_DECODES} decodes are already waiting; await earlier ones first`),
      );
    }
    this.#queued++;
    const run = this.#tail.then(async () => {
      try {
        return await this.#raw.decode(accessUnit, output, options.planes === true);
      } catch (error) {
        throw toNativeError(error);
      } finally {
        this.#queued--;
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Frees the decoder after the decode in progress; queued and later decodes reject `CLOSED`. */
  close(): void {
    this.#raw.close();
  }
}
