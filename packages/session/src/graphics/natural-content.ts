import type { Rect } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** The colour bytes of a BGRX pixel read as a little-endian u32; the X byte carries nothing. */
const RGB_MASK = 0x00ffffff;

/**
 * Most colours a tile of drawn content has: text (antialiased too), UI and line art come well under it, while a
 * photo, a video or a rendered gradient passes it within a few hundred pixels. Measured on the session bench's
 * workloads (64x64 tiles, every row): the text of the scrolling-text client 1-2 colours; the rippling picture of
 * the full-screen motion client 2000-3700, none under 2000; the moving box's grain 376 at its 5th percentile
 * (tiles mostly of the box's stripes), 3700 at its median.
 */
export const DRAWN_CONTENT_COLOURS = 256;

/** Every how many rows a tile is sampled: a quarter of its pixels tell drawn from natural content. */
const ROW_STEP = 4;

/** An open-addressing set of colours, 4x the limit so probes stay short; reused, cleared through its list. */
const SLOTS = 1024;
const table = new Int32Array(SLOTS).fill(-1);
const used = new Int32Array(DRAWN_CONTENT_COLOURS + 1);

/**
 * Whether `rect` of `frame` looks like natural content (photo, video, rendered 3D) rather than drawn content
 * (text, UI): more than {@link DRAWN_CONTENT_COLOURS} colours in every fourth row. Natural content codes far
 * smaller as H.264 than losslessly; drawn content codes small losslessly (and stays sharp), and is what surface
 * copies move when it scrolls. Stops counting at the limit, so a natural tile costs a few hundred pixels, and
 * skips runs of one colour, so a drawn one costs little more than reading its sampled rows.
 */
export function isNaturalContent(frame: FramePixels, rect: Rect): boolean {
  const { data, stride } = frame;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let count = 0;
  let previous = -1;
  let natural = false;
  scan: for (let y = rect.y; y < rect.y + rect.height; y += ROW_STEP) {
    const end = y * stride + (rect.x + rect.width) * 4;
    for (let o = y * stride + rect.x * 4; o < end; o += 4) {
      const colour = view.getUint32(o, true) & RGB_MASK;
      if (colour === previous) continue;
      previous = colour;
      let slot = Math.imul(colour, 0x9e3779b1) >>> 22;
      while (table[slot] !== -1 && table[slot] !== colour) slot = (slot + 1) & (SLOTS - 1);
      if (table[slot] === colour) continue;
      table[slot] = colour;
      used[count++] = slot;
      if (count > DRAWN_CONTENT_COLOURS) {
        natural = true;
        break scan;
      }
    }
  }
  for (let i = 0; i < count; i++) table[used[i]] = -1;
  return natural;
}
