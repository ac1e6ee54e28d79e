import type { GfxPdu } from '@rdshare/protocol';
import type { Rect } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** The colour bytes of a BGRX pixel read as a little-endian u32; the X byte carries nothing. */
const RGB_MASK = 0x00ffffff;
/**
 * RDPGFX_COLOR32's XA byte for an opaque fill: what a planar tile without an alpha plane decodes to, so a
 * filled tile and an encoded one leave the same bytes on the client's surface.
 */
const OPAQUE = 0xff000000;

/**
 * The colour of `rect` of `frame` as an RDPGFX_COLOR32 fillPixel (0xFFRRGGBB) when every pixel in it has the
 * same colour, else undefined. Reads a row at a time and stops at the first other colour, so a detailed tile
 * costs a few pixels.
 */
export function solidColour(frame: FramePixels, rect: Rect): number | undefined {
  const { data, stride } = frame;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const first = view.getUint32(rect.y * stride + rect.x * 4, true) & RGB_MASK;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const end = y * stride + (rect.x + rect.width) * 4;
    for (let o = y * stride + rect.x * 4; o < end; o += 4) {
      if ((view.getUint32(o, true) & RGB_MASK) !== first) return undefined;
    }
  }
  return (first | OPAQUE) >>> 0;
}

/** A tile to fill with one colour. */
export interface FillTile {
  rect: Rect;
  fill: number;
}

/**
 * RDPGFX_SOLIDFILL_PDUs for tiles of one colour each: one PDU per colour, and tiles side by side in a row (or
 * rows of the same span stacked) merged into one rectangle, so a solid window costs a few rectangles whatever
 * its size.
 */
export function solidFillPdus(surfaceId: number, tiles: readonly FillTile[]): GfxPdu[] {
  const byColour = new Map<number, Rect[]>();
  const sorted = [...tiles].sort((a, b) => a.rect.y - b.rect.y || a.rect.x - b.rect.x);
  for (const { rect, fill } of sorted) {
    const rects = byColour.get(fill) ?? [];
    const last = rects.at(-1);
    if (last && last.y === rect.y && last.height === rect.height && last.x + last.width === rect.x) {
      last.width += rect.width;
    } else {
      rects.push({ ...rect });
    }
    byColour.set(fill, rects);
  }
  const pdus: GfxPdu[] = [];
  for (const [fillPixel, rects] of byColour) {
    const merged: Rect[] = [];
    for (const r of rects) {
      const above = merged.find((m) => m.x === r.x && m.width === r.width && m.y + m.height === r.y);
      if (above) above.height += r.height;
      else merged.push(r);
    }
    pdus.push({
      type: 'solidFill',
      surfaceId,
      fillPixel,
      fillRects: merged.map((r) => ({ left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height })),
    });
  }
  return pdus;
}
