import { intersectRect, type Rect, TILE_SIZE, type TileGrid } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** A block of the previous frame that reappears, unchanged, elsewhere in the next one: a scroll or a move. */
export interface SurfaceMove {
  /** Where the block was, in the previous frame. */
  src: Rect;
  /** Where its top-left corner is now. */
  dest: { x: number; y: number };
}

/** A move as a capture found it, with the tiles it brings up to date on a client that held them before. */
export interface FoundMove extends SurfaceMove {
  /** See {@link tilesCompletedBy}. */
  completes: number[];
}

/**
 * Fewer rows than this are not worth a copy: only tiles the copy covers whole are spared an encode, so a
 * shorter run never spares one.
 */
const MIN_MOVE_ROWS = TILE_SIZE;
/** Shifts tried, most voted first: a scroll is one shift, the rest are coincidences (blank lines, repeats). */
const MAX_CANDIDATES = 4;
const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;

/**
 * Every this many pixels of a row go into its hash: text lines that differ in a single character still hash
 * apart (a glyph is wider than this), at a third of the work of hashing every pixel; matches are compared byte
 * for byte afterwards anyway.
 */
const HASH_STEP = 3;

/** 32-bit FNV-1a over every {@link HASH_STEP}th pixel of a row segment, as words. */
function rowHash(words: Uint32Array, start: number, length: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < start + length; i += HASH_STEP) h = Math.imul(h ^ words[i], FNV_PRIME);
  return h >>> 0;
}

function wordsOf(frame: FramePixels): Uint32Array | undefined {
  const { data, stride } = frame;
  if (data.byteOffset % 4 !== 0 || stride % 4 !== 0) return undefined;
  return new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
}

/**
 * Finds the vertical shift that explains most of `rect` of `next` as rows of `previous` (frames of one size):
 * hashes of the new rows (every third pixel) are looked up among the old rows of the same columns (anywhere in
 * the frame, so the block may come from outside `rect`), the shifts found most often are tried, and the longest
 * run of rows that match under one shift, compared byte for byte, is the move. Exact by construction: copying
 * `src` of the previous frame to `dest` gives exactly those rows of `next`. Undefined when no run of at least a
 * tile's height matches, or the rows did not move.
 */
export function detectVerticalMove(previous: FramePixels, next: FramePixels, rect: Rect): SurfaceMove | undefined {
  if (rect.height < MIN_MOVE_ROWS || rect.width <= 0) return undefined;
  const oldWords = wordsOf(previous);
  const newWords = wordsOf(next);
  if (!oldWords || !newWords) return undefined;
  const oldPitch = previous.stride >> 2;
  const newPitch = next.stride >> 2;
  const { x, width } = rect;

  const oldHashes = new Uint32Array(previous.height);
  const oldRowsByHash = new Map<number, number[]>();
  for (let y = 0; y < previous.height; y++) {
    const h = rowHash(oldWords, y * oldPitch + x, width);
    oldHashes[y] = h;
    const rows = oldRowsByHash.get(h);
    if (rows) rows.push(y);
    else oldRowsByHash.set(h, [y]);
  }
  const newHashes = new Uint32Array(rect.height);
  for (let i = 0; i < rect.height; i++) newHashes[i] = rowHash(newWords, (rect.y + i) * newPitch + x, width);

  // Rows that occur once in the old frame vote for a shift; repeated rows (blank lines) say nothing.
  const votes = new Map<number, number>();
  for (let i = 0; i < rect.height; i++) {
    const rows = oldRowsByHash.get(newHashes[i]);
    if (rows?.length !== 1) continue;
    const dy = rows[0] - (rect.y + i);
    if (dy !== 0) votes.set(dy, (votes.get(dy) ?? 0) + 1);
  }
  const candidates = [...votes.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_CANDIDATES);

  const oldBytes = Buffer.from(previous.data.buffer, previous.data.byteOffset, previous.data.byteLength);
  const newBytes = Buffer.from(next.data.buffer, next.data.byteOffset, next.data.byteLength);
  const rowMatches = (i: number, dy: number): boolean => {
    const oldY = rect.y + i + dy;
    if (oldY < 0 || oldY >= previous.height || oldHashes[oldY] !== newHashes[i]) return false;
    const o = oldY * previous.stride + x * 4;
    const n = (rect.y + i) * next.stride + x * 4;
    return newBytes.compare(oldBytes, o, o + width * 4, n, n + width * 4) === 0;
  };

  let best: { start: number; rows: number; dy: number } | undefined;
  for (const [dy] of candidates) {
    let start = 0;
    for (let i = 0; i <= rect.height; i++) {
      if (i < rect.height && rowMatches(i, dy)) continue;
      const rows = i - start;
      if (rows >= MIN_MOVE_ROWS && rows > (best?.rows ?? 0)) best = { start, rows, dy };
      start = i + 1;
    }
  }
  if (!best) return undefined;
  const destY = rect.y + best.start;
  return { src: { x, y: destY + best.dy, width, height: best.rows }, dest: { x, y: destY } };
}

/**
 * The tiles `move` overlaps but does not cover whole whose pixels outside its destination did not change from
 * `previous` to `next`: on a client that held such a tile before, the copy alone brings it up to date, so it
 * need not be sent again (a terminal's scrolled text area rarely starts on a tile boundary).
 */
export function tilesCompletedBy(
  move: SurfaceMove,
  previous: FramePixels,
  next: FramePixels,
  grid: TileGrid,
): number[] {
  const dest = { ...move.dest, width: move.src.width, height: move.src.height };
  const oldBytes = Buffer.from(previous.data.buffer, previous.data.byteOffset, previous.data.byteLength);
  const newBytes = Buffer.from(next.data.buffer, next.data.byteOffset, next.data.byteLength);
  const unchanged = (x: number, y: number, width: number): boolean => {
    const o = y * previous.stride + x * 4;
    const n = y * next.stride + x * 4;
    return width <= 0 || newBytes.compare(oldBytes, o, o + width * 4, n, n + width * 4) === 0;
  };
  const completed: number[] = [];
  grid.forEachTileIn(dest, (t) => {
    const tile = grid.rectOf(t);
    const covered = intersectRect(tile, dest) as Rect;
    if (covered.width === tile.width && covered.height === tile.height) return;
    for (let y = tile.y; y < tile.y + tile.height; y++) {
      const inside = y >= covered.y && y < covered.y + covered.height;
      const same = inside
        ? unchanged(tile.x, y, covered.x - tile.x) &&
          unchanged(covered.x + covered.width, y, tile.x + tile.width - covered.x - covered.width)
        : unchanged(tile.x, y, tile.width);
      if (!same) return;
    }
    completed.push(t);
  });
  return completed;
}
