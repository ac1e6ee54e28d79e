/** A decoded H.264 picture: top-down BGRA, `width * 4` bytes per row (width and height as coded, maybe padded). */
export interface H264Picture {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * An H.264 decoder the viewer core drives for AVC420 (MS-RDPEGFX 2.2.4.4): one per surface, fed Annex B access
 * units in order. The core does not decode H.264 itself; inject one: `webCodecsH264Decoder` in a browser,
 * `nativeH264Decoder` from `@rdshare/viewer/node` in Node.
 */
export interface H264Decoder {
  /** Decodes one access unit; resolves with its picture, or undefined when it produced none. */
  decode(accessUnit: Uint8Array): Promise<H264Picture | undefined>;
  /** Frees the decoder; no decode follows. */
  close(): void;
}

/** Makes a decoder for a new surface of `width x height`. */
export type H264DecoderFactory = (width: number, height: number) => H264Decoder | Promise<H264Decoder>;
