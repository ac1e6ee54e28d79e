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
/** 16 fraction bits of the coefficients and 5 of the samples. */
const SCALE = 2 ** 21;

function byte(v: number): number {
  const b = Math.floor(v / SCALE);
  return Math.max(0, Math.min(b, 255));
}

/**
 * Converts `count` samples of the three components (from `at` in each) into opaque BGRA pixels at `out[outAt]`.
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
