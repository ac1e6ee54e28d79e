import { addRect, type Region, subtractRect } from './region.js';
import type { Rect } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** What the mask needs to know of a top-level window. */
export interface StackedWindow {
  rect: Rect;
  /** Viewable: unmapped (e.g. minimized) windows cover nothing. */
  mapped: boolean;
  /** Position in the stacking order, 0 at the bottom. */
  stackIndex: number;
}

/**
 * The parts of shared windows that can be seen: windows are laid down bottom to top, a shared one adds its
 * rectangle and any other one covers what lies beneath it, so a non-shared window on top of a shared one
 * hides that part too.
 */
export function visibleSharedRegion<W extends StackedWindow>(
  windows: readonly W[],
  isShared: (window: W) => boolean,
): Rect[] {
  let region: Rect[] = [];
  for (const w of [...windows].sort((a, b) => a.stackIndex - b.stackIndex)) {
    if (!w.mapped || w.rect.width <= 0 || w.rect.height <= 0) continue;
    region = isShared(w) ? addRect(region, w.rect) : region.flatMap((r) => subtractRect(r, w.rect));
  }
  return region;
}

/** Rows [top, bottom) in which the visible part is the same: `spans` holds sorted, merged [start, end) pairs. */
interface Band {
  top: number;
  bottom: number;
  spans: number[];
}

/** Blank pixels are black (BGRX all zero), as Windows paints what the application filter hides. */
const BLANK = 0;
const BYTES_PER_PIXEL = 4;

/**
 * The blanking kernel of the application filter: everything outside `visible` (frame coordinates) is
 * overwritten before the frame reaches the tile store, so hidden pixels are never encoded nor sent.
 * The region is cut into horizontal bands once, so blanking a row is a few `fill`s (memset).
 */
export class WindowMask {
  private readonly bands: Band[];

  constructor(visible: Region) {
    this.bands = bandsOf(visible);
  }

  /** Blanks the pixels of `frame` inside `area` that lie outside the visible region. */
  blank(frame: FramePixels, area: Rect): void {
    const { data, stride } = frame;
    const left = area.x;
    const right = area.x + area.width;
    const bottom = area.y + area.height;
    let b = 0;
    for (let y = area.y; y < bottom; y++) {
      while (b < this.bands.length && this.bands[b].bottom <= y) b++;
      const spans = b < this.bands.length && this.bands[b].top <= y ? this.bands[b].spans : NO_SPANS;
      const row = y * stride;
      let x = left;
      for (let i = 0; i < spans.length && x < right; i += 2) {
        const start = spans[i];
        const end = spans[i + 1];
        if (end <= x) continue;
        if (start >= right) break;
        if (start > x) data.fill(BLANK, row + x * BYTES_PER_PIXEL, row + start * BYTES_PER_PIXEL);
        x = end;
      }
      if (x < right) data.fill(BLANK, row + x * BYTES_PER_PIXEL, row + right * BYTES_PER_PIXEL);
    }
  }
}

const NO_SPANS: number[] = [];

function bandsOf(region: Region): Band[] {
  const edges = [...new Set(region.flatMap((r) => [r.y, r.y + r.height]))].sort((a, b) => a - b);
  const bands: Band[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const top = edges[i];
    const bottom = edges[i + 1];
    const covering = region
      .filter((r) => r.y <= top && r.y + r.height >= bottom)
      .map((r) => [r.x, r.x + r.width] as const)
      .sort((a, b) => a[0] - b[0]);
    const spans: number[] = [];
    for (const [start, end] of covering) {
      const last = spans.length - 1;
      if (last > 0 && start <= spans[last]) spans[last] = Math.max(spans[last], end);
      else spans.push(start, end);
    }
    bands.push({ top, bottom, spans });
  }
  return bands;
}
