/**
 * RemoteFX's YCbCr to RGB conversion ([MS-RDPRFX] 3.1.8.1.3, inverse of the ICT): samples are 11.5 fixed point
 * with Y centred on zero. The coefficients are the spec's 1.402525, 0.714401, 0.343730 and 1.769905 with 16
 * fraction bits, so integer arithmetic gives the same bytes as the reference decoders.
 */
const CR_R = 91916;
const CR_G = 46819;
const CB_G = 22527;
const CB_B = 115992;
/** 128 in 11.5 fixed point: Y was centred on zero before the transform. */
const Y_OFFSET = 128 << 5;
/** Multiplying by 2^-21 (exact) drops the 16 fraction bits of the coefficients and the 5 of the samples. */
const UNSCALE = 2 ** -21;
/** Whether the platform stores a Uint32 as B, G, R, A bytes when it is 0xAARRGGBB (every browser and Node does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function byte(v: number): number {
  const b = Math.floor(v * UNSCALE);
  return Math.max(0, Math.min(b, 255));
}

/**
 * Converts `count` samples of the three components (from `at` in each) into opaque BGRA pixels at `out[outAt]`,
 * a pixel a 32-bit store when `out` allows it.
 */
export function rfxYCbCrToBgra(
  y: Int16Array,
  cb: Int16Array,
  cr: Int16Array,
  at: number,
  count: number,
  out: Uint8Array,
  outAt: number,
): void {
  const start = out.byteOffset + outAt;
  if (LITTLE_ENDIAN && start % 4 === 0) {
    const words = new Uint32Array(out.buffer, start, count);
    for (let i = 0; i < count; i++) {
      const s = at + i;
      const luma = (y[s] + Y_OFFSET) * 65536;
      const blue = cb[s];
      const red = cr[s];
      words[i] =
        (0xff000000 |
          (byte(luma + red * CR_R) << 16) |
          (byte(luma - blue * CB_G - red * CR_G) << 8) |
          byte(luma + blue * CB_B)) >>>
        0;
    }
    return;
  }
  for (let i = at, o = outAt; i < at + count; i++, o += 4) {
    const luma = (y[i] + Y_OFFSET) * 65536;
    const blue = cb[i];
    const red = cr[i];
    out[o] = byte(luma + blue * CB_B);
    out[o + 1] = byte(luma - blue * CB_G - red * CR_G);
    out[o + 2] = byte(luma + red * CR_R);
    out[o + 3] = 0xff;
  }
}
