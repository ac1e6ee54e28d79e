/** Result of comparing two RGBA images of the same size. */
export interface ImageDiff {
  differing: number;
  first?: { x: number; y: number; a: [number, number, number]; b: [number, number, number] };
}

/** Counts pixels whose RGB differ (alpha ignored) inside an optional rectangle. */
export function diffRgba(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  rect = { x: 0, y: 0, width, height },
  reduce: (v: number, channel: number) => number = (v) => v,
  /** Largest difference between reduced channel values still counted as equal. */
  tolerance = 0,
): ImageDiff {
  if (a.length !== width * height * 4 || b.length !== width * height * 4) {
    throw new Error(`image sizes differ from ${width}x${height}: ${a.length} and ${b.length} bytes`);
  }
  const result: ImageDiff = { differing: 0 };
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = (y * width + x) * 4;
      if (
        Math.abs(reduce(a[i], 0) - reduce(b[i], 0)) > tolerance ||
        Math.abs(reduce(a[i + 1], 1) - reduce(b[i + 1], 1)) > tolerance ||
        Math.abs(reduce(a[i + 2], 2) - reduce(b[i + 2], 2)) > tolerance
      ) {
        if (!result.first) result.first = { x, y, a: [a[i], a[i + 1], a[i + 2]], b: [b[i], b[i + 1], b[i + 2]] };
        result.differing++;
      }
    }
  }
  return result;
}

/** Reduces an 8-bit channel to RGB565 precision (5 bits red/blue, 6 bits green), for 16 bpp comparisons. */
export const to565 = (v: number, channel: number) => (channel === 1 ? v >> 2 : v >> 3);

/** Reduces an 8-bit channel to RGB555 precision (5 bits each), for 15 bpp comparisons. */
export const to555 = (v: number) => v >> 3;
