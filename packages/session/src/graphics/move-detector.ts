import { intersectRect, type Rect, TILE_SIZE, type TileGrid } from './tile-grid.js';
import type { FramePixels } from './tile-store.js';

/** A block of the previous frame that reappears, unchanged, elsewhere in the next one: a scroll or a window moved. */
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

/** A shift of the picture: what was at (x, y) in the previous frame is at (x + dx, y + dy) in the next one. */
export interface Shift {
  dx: number;
  dy: number;
}

/**
 * Fewer rows or columns than this are not worth a copy: only tiles the copy covers whole are spared an encode,
 * so a smaller block never spares one.
 */
const MIN_MOVE_ROWS = TILE_SIZE;
const MIN_MOVE_COLUMNS = TILE_SIZE;
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
/**
 * Rows of a rectangle sampled for a horizontal move, and pixels per anchor: a run of pixels of the new row looked
 * up in the same row of the old frame. 16 pixels span two or three glyphs of a small font, so an anchor in text
 * rarely recurs in its row; an anchor that does, or that is one colour, says nothing.
 */
const SAMPLE_ROWS = 7;
const ANCHOR_PIXELS = 32;
/** Anchors per sampled row, spread across the rectangle: one of them is likely on detail. */
const ANCHORS_PER_ROW = 3;
/** Sampled anchors that must agree on a horizontal shift before it is verified. */
const MIN_VOTES = 2;
/**
 * How far a diagonal pan is looked for, in rows and columns each way: a map or a zoomed picture dragged at 30
 * captures a second moves less than this between two, and the window searched per anchor stays a few thousand
 * compares.
 */
const MAX_PAN = 96;
/** Anchors looked up for a diagonal pan: the first this many of the sampled ones that have detail. */
const PAN_ANCHORS = 8;

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

/** Both frames' pixels as words, with their row pitches in words; undefined where a frame is not word-aligned. */
function wordViews(previous: FramePixels, next: FramePixels) {
  const oldWords = wordsOf(previous);
  const newWords = wordsOf(next);
  if (!oldWords || !newWords) return undefined;
  return { oldWords, newWords, oldPitch: previous.stride >> 2, newPitch: next.stride >> 2 };
}

/** The sampled anchors' positions in `rect`: {@link ANCHORS_PER_ROW} spread across each of {@link SAMPLE_ROWS} rows. */
function* anchorsIn(rect: Rect): Generator<{ x: number; y: number }> {
  for (let k = 1; k <= SAMPLE_ROWS; k++) {
    const y = rect.y + Math.floor((k * rect.height) / (SAMPLE_ROWS + 1));
    for (let a = 0; a < ANCHORS_PER_ROW; a++) {
      yield { x: rect.x + Math.floor(((2 * a + 1) * (rect.width - ANCHOR_PIXELS)) / (2 * ANCHORS_PER_ROW)), y };
    }
  }
}

const bytesOf = (frame: FramePixels) => Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);

/**
 * The largest band of `area` (in `next`) that is the previous frame's pixels under `shift`: `area` is clipped to
 * where the shifted source lies inside the previous frame, and the longest run of its rows that match over that
 * whole width, compared byte for byte, is the move. Undefined when no run of a tile's height matches, the clipped
 * area is narrower than a tile, or the shift is none. This is how every candidate is verified: whatever suggested
 * it (hashes, samples, a window that moved), a move found is exact.
 */
export function verifyShift(
  previous: FramePixels,
  next: FramePixels,
  area: Rect,
  { dx, dy }: Shift,
): SurfaceMove | undefined {
  if (dx === 0 && dy === 0) return undefined;
  const inNext = intersectRect(area, { x: 0, y: 0, width: next.width, height: next.height });
  const dest = inNext && intersectRect(inNext, { x: dx, y: dy, width: previous.width, height: previous.height });
  if (!dest || dest.width < MIN_MOVE_COLUMNS || dest.height < MIN_MOVE_ROWS) return undefined;
  const oldBytes = bytesOf(previous);
  const newBytes = bytesOf(next);
  const rowBytes = dest.width * 4;
  const rowMatches = (y: number): boolean => {
    const o = (y - dy) * previous.stride + (dest.x - dx) * 4;
    const n = y * next.stride + dest.x * 4;
    return newBytes.compare(oldBytes, o, o + rowBytes, n, n + rowBytes) === 0;
  };
  let best: { start: number; rows: number } | undefined;
  let start = dest.y;
  const end = dest.y + dest.height;
  for (let y = dest.y; y <= end; y++) {
    if (y < end && rowMatches(y)) continue;
    const rows = y - start;
    if (rows >= MIN_MOVE_ROWS && rows > (best?.rows ?? 0)) best = { start, rows };
    start = y + 1;
  }
  if (!best) return undefined;
  return {
    src: { x: dest.x - dx, y: best.start - dy, width: dest.width, height: best.rows },
    dest: { x: dest.x, y: best.start },
  };
}

const areaOf = (move: SurfaceMove | undefined) => (move ? move.src.width * move.src.height : 0);

/** The share of a rectangle a hinted shift must explain to end the search (see {@link detectMove}). */
const HINT_ENOUGH = 0.75;

/**
 * The move that explains most of `rect` of `next` as pixels of `previous` (frames of one size), in any
 * direction the cheap searches find. `hints` (the shifts found last time: a scroll or a pan often goes on at one
 * speed) are verified first, and one that explains at least {@link HINT_ENOUGH} of `rect` ends the search: no
 * other shift can explain more than the rest, and what a scroll leaves out (the rows it exposes, a status line
 * or counter painted over the text) would otherwise send every capture of a long scroll through the full
 * search, the costliest work of the session's main thread while a terminal scrolls. Then
 * horizontal (a few sampled rows, almost free), then vertical (row hashes, a pass over the frame's columns)
 * unless the horizontal move already explains most of `rect`, then diagonal (sampled anchors near where they
 * are now) unless either explains most of it. Window drags are found from the windows' geometry instead (see
 * {@link verifyShift}).
 */
export function detectMove(
  previous: FramePixels,
  next: FramePixels,
  rect: Rect,
  hints: readonly Shift[] = [],
): SurfaceMove | undefined {
  for (const hint of hints) {
    const move = verifyShift(previous, next, rect, hint);
    if (areaOf(move) >= rect.width * rect.height * HINT_ENOUGH) return move;
  }
  const horizontal = detectHorizontalMove(previous, next, rect);
  if (areaOf(horizontal) * 2 >= rect.width * rect.height) return horizontal;
  const vertical = detectVerticalMove(previous, next, rect);
  const straight = areaOf(vertical) >= areaOf(horizontal) ? vertical : horizontal;
  if (areaOf(straight) * 2 >= rect.width * rect.height) return straight;
  const diagonal = detectDiagonalMove(previous, next, rect);
  return areaOf(diagonal) > areaOf(straight) ? diagonal : straight;
}

/**
 * Finds the vertical shift that explains most of `rect` of `next` as rows of `previous` (frames of one size):
 * hashes of the new rows (every third pixel) are looked up among the old rows of the same columns (anywhere in
 * the frame, so the block may come from outside `rect`), the shifts found most often are verified, and the
 * longest run of rows that match under one shift is the move. Undefined when no run of at least a tile's height
 * matches, or the rows did not move.
 */
export function detectVerticalMove(previous: FramePixels, next: FramePixels, rect: Rect): SurfaceMove | undefined {
  if (rect.height < MIN_MOVE_ROWS || rect.width < MIN_MOVE_COLUMNS) return undefined;
  const views = wordViews(previous, next);
  if (!views) return undefined;
  const { oldWords, newWords, oldPitch, newPitch } = views;
  const { x, width } = rect;

  const oldRowsByHash = new Map<number, number[]>();
  for (let y = 0; y < previous.height; y++) {
    const h = rowHash(oldWords, y * oldPitch + x, width);
    const rows = oldRowsByHash.get(h);
    if (rows) rows.push(y);
    else oldRowsByHash.set(h, [y]);
  }
  // Rows that occur once in the old frame vote for a shift; repeated rows (blank lines) say nothing.
  const votes = new Map<number, number>();
  for (let i = 0; i < rect.height; i++) {
    const rows = oldRowsByHash.get(rowHash(newWords, (rect.y + i) * newPitch + x, width));
    if (rows?.length !== 1) continue;
    const dy = rect.y + i - rows[0];
    if (dy !== 0) votes.set(dy, (votes.get(dy) ?? 0) + 1);
  }
  let best: SurfaceMove | undefined;
  for (const [dy] of mostVoted(votes)) {
    const move = verifyShift(previous, next, rect, { dx: 0, dy });
    if (areaOf(move) > areaOf(best)) best = move;
  }
  return best;
}

/**
 * Finds a horizontal scroll in `rect` (a wide view panned sideways) from samples: in a few rows, runs of pixels
 * of the new frame are looked up in the same row of the old one, anywhere in the frame; a shift on which
 * several unambiguous anchors agree is a candidate. Its columns are those around the anchors where the sampled
 * rows still match under it (a view's scrolled part rarely spans the whole damage), and the longest run of rows
 * matching there byte for byte is the move. Costs a few rows' worth of compares, whatever the rectangle's size.
 */
export function detectHorizontalMove(previous: FramePixels, next: FramePixels, rect: Rect): SurfaceMove | undefined {
  if (rect.width < 2 * MIN_MOVE_COLUMNS || rect.height < MIN_MOVE_ROWS) return undefined;
  const views = wordViews(previous, next);
  if (!views) return undefined;
  const { oldWords, newWords, oldPitch, newPitch } = views;
  /** Per shift, the sampled rows and anchor columns that voted for it. */
  const votes = new Map<number, { y: number; x: number }[]>();
  for (const { x, y } of anchorsIn(rect)) {
    const at = findAnchor(newWords, y * newPitch + x, oldWords, y * oldPitch, previous.width);
    if (at === undefined || at === x) continue;
    const dx = x - at;
    const voters = votes.get(dx);
    if (voters) voters.push({ y, x });
    else votes.set(dx, [{ y, x }]);
  }
  const counts = new Map([...votes].filter(([, v]) => v.length >= MIN_VOTES).map(([dx, v]) => [dx, v.length]));
  let best: SurfaceMove | undefined;
  for (const [dx] of mostVoted(counts)) {
    // The columns around the anchors where every voting row still matches under the shift.
    let left = Math.max(rect.x, dx);
    let right = Math.min(rect.x + rect.width, previous.width + dx);
    for (const { y, x } of votes.get(dx) ?? []) {
      const n = y * newPitch;
      const o = y * oldPitch - dx;
      let l = x;
      while (l > left && newWords[n + l - 1] === oldWords[o + l - 1]) l--;
      let r = x + ANCHOR_PIXELS;
      while (r < right && newWords[n + r] === oldWords[o + r]) r++;
      left = l;
      right = r;
    }
    const move = verifyShift(
      previous,
      next,
      { x: left, y: rect.y, width: right - left, height: rect.height },
      {
        dx,
        dy: 0,
      },
    );
    if (areaOf(move) > areaOf(best)) best = move;
  }
  return best;
}

/**
 * Finds a diagonal pan in `rect` (a map or a zoomed picture dragged, not a window: those are known from their
 * geometry) from samples: runs of pixels of the new frame with detail are looked up in the old one within
 * {@link MAX_PAN} rows and columns of where they are now; a shift on which several agree is verified byte for byte
 * over `rect`. Costs a few thousand compares per anchor, whatever the rectangle's size.
 */
export function detectDiagonalMove(previous: FramePixels, next: FramePixels, rect: Rect): SurfaceMove | undefined {
  if (rect.width < 2 * MIN_MOVE_COLUMNS || rect.height < MIN_MOVE_ROWS) return undefined;
  const views = wordViews(previous, next);
  if (!views) return undefined;
  const { oldWords, newWords, oldPitch, newPitch } = views;
  const votes = new Map<string, number>();
  let searched = 0;
  for (const { x, y } of anchorsIn(rect)) {
    if (searched === PAN_ANCHORS) break;
    const at = y * newPitch + x;
    if (isUniform(newWords, at)) continue;
    searched++;
    let found: string | undefined;
    let ambiguous = false;
    const y0 = Math.max(0, y - MAX_PAN);
    const y1 = Math.min(previous.height - 1, y + MAX_PAN);
    const x0 = Math.max(0, x - MAX_PAN);
    const x1 = Math.min(previous.width - ANCHOR_PIXELS, x + MAX_PAN);
    for (let oy = y0; oy <= y1 && !ambiguous; oy++) {
      const row = oy * oldPitch;
      for (let ox = x0; ox <= x1; ox++) {
        if (!runMatches(newWords, at, oldWords, row + ox)) continue;
        if (found !== undefined) {
          ambiguous = true;
          break;
        }
        found = `${x - ox},${y - oy}`;
      }
    }
    if (found !== undefined && !ambiguous) votes.set(found, (votes.get(found) ?? 0) + 1);
  }
  let best: SurfaceMove | undefined;
  for (const [key, count] of [...votes].sort((a, b) => b[1] - a[1]).slice(0, MAX_CANDIDATES)) {
    if (count < MIN_VOTES) break;
    const [dx, dy] = key.split(',').map(Number);
    const move = verifyShift(previous, next, rect, { dx, dy });
    if (areaOf(move) > areaOf(best)) best = move;
  }
  return best;
}

/** Whether the {@link ANCHOR_PIXELS} words at `at` are one colour (blank space: found everywhere, says nothing). */
function isUniform(words: Uint32Array, at: number): boolean {
  for (let i = 1; i < ANCHOR_PIXELS; i++) if (words[at + i] !== words[at]) return false;
  return true;
}

/** Whether the {@link ANCHOR_PIXELS} words at `at` of `words` are those at `from` of `old`. */
function runMatches(words: Uint32Array, at: number, old: Uint32Array, from: number): boolean {
  for (let i = 0; i < ANCHOR_PIXELS; i++) if (old[from + i] !== words[at + i]) return false;
  return true;
}

/**
 * Where the {@link ANCHOR_PIXELS} words of `words` at `at` occur in the `width` words of `row` of `old`: the
 * column if exactly once; undefined for no match, several, or an anchor of one colour (blank space).
 */
function findAnchor(words: Uint32Array, at: number, old: Uint32Array, row: number, width: number): number | undefined {
  if (isUniform(words, at)) return undefined;
  let found: number | undefined;
  for (let x = 0; x + ANCHOR_PIXELS <= width; x++) {
    if (!runMatches(words, at, old, row + x)) continue;
    if (found !== undefined) return undefined;
    found = x;
  }
  return found;
}

/** The {@link MAX_CANDIDATES} keys with the most votes, most first. */
function mostVoted(votes: Map<number, number>): [number, number][] {
  return [...votes.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_CANDIDATES);
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
  const oldBytes = bytesOf(previous);
  const newBytes = bytesOf(next);
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
