import { NativeError, toNativeError } from './errors.js';
import { assertFrame, assertRectInside, type Frame } from './frame.js';
import { isInteger, type Rect, rectsFromQuads } from './geometry.js';
import { loadAddon } from './loader.js';

/** The tile edge the graphics pipeline uses unless told otherwise. */
export const DEFAULT_TILE_SIZE = 64;

/** Where and how finely to compare. */
export interface TileOptions {
  /** Edge of the square tiles, 1-4096; the grid is anchored at (0, 0). Default 64. */
  tileSize?: number;
  /** Only this part of the frames is compared (default: all of it); returned cells are clipped to it. */
  rect?: Rect;
}

function prepare(a: Frame, b: Frame, options: TileOptions): { rect: Rect; tileSize: number } {
  assertFrame(a, 'first frame');
  assertFrame(b, 'second frame');
  if (a.width !== b.width || a.height !== b.height) {
    throw new NativeError(
      'INVALID_ARGUMENT',
      `frames differ in size: ${a.width}x${a.height} vs ${b.width}x${b.height}`,
    );
  }
  const tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
  if (!isInteger(tileSize) || tileSize < 1 || tileSize > 4096) {
    throw new NativeError('INVALID_ARGUMENT', `tileSize must be an integer 1-4096, got ${tileSize}`);
  }
  const rect = options.rect ?? { x: 0, y: 0, width: a.width, height: a.height };
  assertRectInside(rect, a, 'compared rectangle');
  return { rect, tileSize };
}

async function diff(stored: Frame, incoming: Frame, options: TileOptions, copy: boolean): Promise<Rect[]> {
  const { rect, tileSize } = prepare(stored, incoming, options);
  const { diffTiles } = loadAddon();
  try {
    const quads = await diffTiles(
      stored.data,
      0,
      stored.stride,
      incoming.data,
      0,
      incoming.stride,
      rect.x,
      rect.y,
      rect.width,
      rect.height,
      tileSize,
      copy,
    );
    return rectsFromQuads(quads);
  } catch (error) {
    throw toNativeError(error);
  }
}

/**
 * Compares two equally sized frames tile by tile, off the JavaScript thread, and returns the tiles
 * that differ (grid cells clipped to the frame and to `options.rect`), top to bottom, left to right.
 * All four bytes of each pixel are compared. Leave both frames alone until the promise settles.
 *
 * @example
 * ```ts
 * const before = allocateFrame(1280, 800);
 * const after = allocateFrame(1280, 800);
 * after.data[4 * (100 * 1280 + 70)] = 0xff; // one byte of pixel (70, 100)
 * console.log(await compareTiles(before, after)); // [{ x: 64, y: 64, width: 64, height: 64 }]
 * ```
 */
export function compareTiles(a: Frame, b: Frame, options: TileOptions = {}): Promise<Rect[]> {
  return diff(a, b, options, false);
}

/**
 * Brings `stored` up to date with `incoming` inside `options.rect` and returns the tiles that changed:
 * the pipeline's "last sent" frame is `stored`, the freshly captured screen is `incoming`, and only
 * changed tiles are copied, off the JavaScript thread. Pixels of `incoming` outside `options.rect`
 * are neither read nor copied, so a frame updated only where damage was captured is enough.
 *
 * @example
 * ```ts
 * const lastSent = source.allocateFrame();
 * const screen = source.allocateFrame();
 * source.onDamage(async (rects) => {
 *   for (const rect of rects) {
 *     await source.capture(rect, screen, rect);
 *     for (const tile of await syncTiles(lastSent, screen, { rect })) send(tile, lastSent);
 *   }
 * });
 * ```
 */
export function syncTiles(stored: Frame, incoming: Frame, options: TileOptions = {}): Promise<Rect[]> {
  return diff(stored, incoming, options, true);
}
