/** A decoded H.264 picture: top-down BGRA, `width * 4` bytes per row (width and height as coded, maybe padded). */
export interface H264Picture {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * A decoded H.264 picture as the stream codes it, before any colour conversion: a `width` x `height` luma plane
 * and two chroma planes of half the width and height (4:2:0, rounded up), rows `yStride` and `uvStride` bytes
 * apart. RDP streams carry BT.709 full range.
 */
export interface H264Planes {
  readonly width: number;
  readonly height: number;
  readonly y: Uint8Array;
  readonly u: Uint8Array;
  readonly v: Uint8Array;
  readonly yStride: number;
  readonly uvStride: number;
}

/**
 * An H.264 decoder the viewer core drives for AVC420 and AVC444 (MS-RDPEGFX 2.2.4.4 to 2.2.4.6): one per surface,
 * fed Annex B access units in order. The core does not decode H.264 itself; inject one: `webCodecsH264Decoder`
 * in a browser, `nativeH264Decoder` from `@rdshare/viewer/node` in Node.
 */
export interface H264Decoder {
  /** Decodes one access unit; resolves with its picture, or undefined when it produced none. */
  decode(accessUnit: Uint8Array): Promise<H264Picture | undefined>;
  /**
   * Decodes one access unit to its planes (valid until the next call), or undefined when it produced none.
   * AVC444 needs it: its two 4:2:0 views are recombined into one 4:4:4 picture before conversion.
   */
  decodePlanes?(accessUnit: Uint8Array): Promise<H264Planes | undefined>;
  /** Frees the decoder; no decode follows. */
  close(): void;
}

/**
 * Makes a decoder for a new surface of `width x height`. With `yuvPlanes` set, every decoder it makes has
 * {@link H264Decoder.decodePlanes}, and the viewer advertises AVC444 as well as AVC420.
 */
export type H264DecoderFactory = ((width: number, height: number) => H264Decoder | Promise<H264Decoder>) & {
  readonly yuvPlanes?: boolean;
};
