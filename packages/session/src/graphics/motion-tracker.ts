import { isNaturalContent } from './natural-content.js';
import type { TileGrid } from './tile-grid.js';
import type { TileStore } from './tile-store.js';

export interface MotionTrackerOptions {
  /** Changes within `windowMs` that put a tile in motion (default 3). */
  changes?: number;
  /** The window those changes must fall in, in ms (default 500). */
  windowMs?: number;
  /** A tile in motion that has not changed, nor any neighbour in motion, for this long is still (default 300 ms). */
  stillMs?: number;
  /** A tile that has not changed itself for this long is still, whatever its neighbours do (default 700 ms). */
  maxStillMs?: number;
  /**
   * Only tiles of natural content (see {@link isNaturalContent}) go into motion (default true): text and UI that
   * change fast (a scroll, a pan, typing) stay lossless, sharp, and movable by surface copies.
   */
  naturalOnly?: boolean;
  /**
   * The share of the surface's tiles that, changing fast and explained by no copy, floods it when exceeded
   * (default 0.25); see {@link FLOOD_HOLD_MS}.
   */
  floodShare?: number;
}

/**
 * How long a tile found to hold drawn content is taken to hold it still, in ms: a scrolled page changes every
 * tile each capture, and judging each every time cost 6 % of the sharer's CPU in the bench's scroll. A video that starts over
 * text joins motion that much later, its first frames going lossless.
 */
const DRAWN_VERDICT_MS = 250;

/**
 * How long a flood must last before drawn content joins motion, in ms. A flood is a run of captures each of which
 * changed more than `floodShare` of the surface's tiles fast (3 changes in 500 ms) where no surface copy explains
 * the change: a cartoon, a flat-shaded game, a window being resized, a terminal repainting every cell. Sent
 * lossless, such a picture costs what a photo would (the session bench's 1280x800 cartoon: 1.3 MB/s and two
 * thirds of a core, 3.3x the bytes of freerdp-shadow-cli's H.264); as H.264 it costs a third of that and is
 * refined lossless within a second of stopping, like any motion. Half a second lets a UI transition or a page
 * flip stay lossless, and a scroll, whose copies explain all but its new lines, never floods however long it
 * lasts: one capture whose copy was missed does not make a run.
 */
const FLOOD_HOLD_MS = 500;

/**
 * Which tiles of the store are in motion: video, animation, scrolling, a dragged window. A tile is in motion once
 * it changed in `changes` captures within `windowMs` (3 in 500 ms by default: at least ~6 changes a second,
 * which a moving picture always reaches and a blinking caret (2 a second), a clock or typing into one spot does
 * not), or as soon as it changes next to a tile in motion (a moving object entering it: without this every tile
 * on the object's path would go lossless twice before joining the video). Counting in time rather than in
 * captures matters because captures are damage-driven: a clock that ticks once a second changes its tile in
 * every capture when nothing else moves, yet is no motion.
 *
 * A tile stays in motion until neither it nor a neighbour in motion changed for `stillMs` (300 ms: longer than
 * the gap between frames of anything that moves at 4 fps or more, so slow video does not flap in and out, and the
 * inside of a moving object, still for a moment, is not refined while its edges move on), and at most until it has
 * not changed itself for `maxStillMs` (700 ms), so a still tile next to a video that plays on is still refined.
 * Either way the lossless refinement follows within a second of the tile's last change. Tiles that settle are
 * reported, so the streams that sent them lossy can send them again lossless.
 *
 * Motion is for natural content only: a tile of drawn content (text, UI; few colours) never goes into motion
 * however often it changes. Modern RDP servers classify content the same way: a scrolled page of text or a
 * terminal costs about twice the bytes as lossless tiles (new lines only; surface copies move the rest) that it
 * costs as H.264, but no encoder runs for it, its text stays sharp while it moves, and nothing needs refining
 * when it stops. The test is made when a tile would go into motion, so a tile once in motion stays in until it
 * is still, and a tile found drawn is taken as drawn for {@link DRAWN_VERDICT_MS}. The exception is a flood (see
 * {@link FLOOD_HOLD_MS}): when a large share of the surface has been redrawn fast for half a second, drawing it
 * lossless costs more than the sharpness is worth while it churns, and drawn content joins motion too.
 */
export class MotionTracker {
  private readonly changes: number;
  private readonly windowMs: number;
  private readonly stillMs: number;
  private readonly maxStillMs: number;
  private readonly naturalOnly: boolean;
  /** How many fast-changing tiles no copy explains make a capture part of a flood. */
  private readonly floodTiles: number;
  private readonly grid: TileGrid;
  /** Per tile the times of its last `changes` changes, as a ring. */
  private readonly changedAt: Float64Array;
  private readonly ringHead: Uint8Array;
  /** Per tile the capture that last changed it, so a tile listed twice in one capture counts once. */
  private readonly lastCapture: Uint32Array;
  private readonly moving: Uint8Array;
  /** Per tile, until when it is taken to hold drawn content (see {@link DRAWN_VERDICT_MS}). */
  private readonly drawnUntil: Float64Array;
  private readonly movingTiles = new Set<number>();
  /** Per tile the capture whose moves fill it whole, so their copies explain its change. */
  private readonly copiedIn: Uint32Array;
  /** The store's moves seen so far: the next capture's moves are those recorded after. */
  private movesSeen: number;
  /** When the current run of flooding captures began, if the last capture flooded. */
  private floodSince: number | undefined;
  private captures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly settledListeners = new Set<(tiles: readonly number[]) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: TileStore,
    options: MotionTrackerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.changes = options.changes ?? 3;
    this.windowMs = options.windowMs ?? 500;
    this.stillMs = options.stillMs ?? 300;
    this.maxStillMs = Math.max(this.stillMs, options.maxStillMs ?? 700);
    this.naturalOnly = options.naturalOnly ?? true;
    this.grid = store.grid;
    const count = store.grid.count;
    this.floodTiles = Math.floor(count * (options.floodShare ?? 0.25)) + 1;
    this.copiedIn = new Uint32Array(count);
    this.movesSeen = store.movesRecorded;
    this.changedAt = new Float64Array(count * this.changes).fill(Number.NEGATIVE_INFINITY);
    this.ringHead = new Uint8Array(count);
    this.lastCapture = new Uint32Array(count);
    this.moving = new Uint8Array(count);
    this.drawnUntil = new Float64Array(count);
    this.unsubscribe = store.onChange((tiles) => this.captured(tiles));
  }

  /** Whether `tile` is in motion now. */
  isMoving(tile: number): boolean {
    return this.moving[tile] === 1;
  }

  /** The tiles in motion now, in no particular order. */
  tilesInMotion(): number[] {
    return [...this.movingTiles];
  }

  /** Whether any tile is in motion. */
  get anyMoving(): boolean {
    return this.movingTiles.size > 0;
  }

  /** Calls `listener` with the tiles that just stopped moving; returns an unsubscribe function. */
  onSettled(listener: (tiles: readonly number[]) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.settledListeners.clear();
  }

  private captured(tiles: readonly number[]): void {
    const now = this.now();
    const capture = ++this.captures;
    const n = this.changes;
    for (const move of this.store.moves) {
      if (move.sequence < this.movesSeen) continue;
      for (const t of move.coveredTiles) this.copiedIn[t] = capture;
    }
    this.movesSeen = this.store.movesRecorded;
    const fast: number[] = [];
    let unexplained = 0;
    for (const t of tiles) {
      if (this.lastCapture[t] === capture) continue;
      this.lastCapture[t] = capture;
      const head = this.ringHead[t];
      this.changedAt[t * n + head] = now;
      this.ringHead[t] = (head + 1) % n;
      // After the write the head points at the oldest of the last `n` changes.
      if (now - this.changedAt[t * n + this.ringHead[t]] > this.windowMs) continue;
      if (this.copiedIn[t] !== capture) unexplained++;
      if (this.moving[t] === 0) fast.push(t);
    }
    const flooding = this.flooding(unexplained >= this.floodTiles, now);
    for (const t of fast) if (!flooding || this.copiedIn[t] !== capture) this.join(t, now, flooding);
    // Then what changed beside motion joins it (one tile per capture: an object moves less than a tile a frame).
    const joining = tiles.filter((t) => this.moving[t] === 0 && this.neighbours(t).some((u) => this.moving[u] === 1));
    for (const t of joining) this.join(t, now, flooding);
    if (this.movingTiles.size > 0 && !this.timer) this.armTimer(this.stillMs);
  }

  private stop(tile: number): void {
    this.moving[tile] = 0;
    this.movingTiles.delete(tile);
    // It must earn its way back into motion with `changes` new changes, or a change beside motion.
    this.changedAt.fill(Number.NEGATIVE_INFINITY, tile * this.changes, (tile + 1) * this.changes);
  }

  /** Whether a capture that flooded (or not) continues a flood that has lasted {@link FLOOD_HOLD_MS}. */
  private flooding(flooded: boolean, now: number): boolean {
    if (!flooded) {
      this.floodSince = undefined;
      return false;
    }
    this.floodSince ??= now;
    return now - this.floodSince >= FLOOD_HOLD_MS;
  }

  /** Puts `tile` in motion if its content is natural, the surface is flooded, or the tracker takes any content. */
  private join(tile: number, now: number, flooding: boolean): void {
    if (this.naturalOnly && !flooding) {
      if (now < this.drawnUntil[tile]) return;
      if (!isNaturalContent(this.store.frame, this.grid.rectOf(tile))) {
        this.drawnUntil[tile] = now + DRAWN_VERDICT_MS;
        return;
      }
    }
    this.moving[tile] = 1;
    this.movingTiles.add(tile);
  }

  /** The up to eight tiles around `tile`. */
  private neighbours(tile: number): number[] {
    const { columns, rows } = this.grid;
    const col = tile % columns;
    const row = (tile - col) / columns;
    const out: number[] = [];
    for (let r = Math.max(0, row - 1); r <= Math.min(rows - 1, row + 1); r++) {
      for (let c = Math.max(0, col - 1); c <= Math.min(columns - 1, col + 1); c++) {
        if (r !== row || c !== col) out.push(r * columns + c);
      }
    }
    return out;
  }

  /** When `tile` becomes still: see the class comment. */
  private stillAt(tile: number): number {
    const own = this.lastChange(tile);
    let latest = own;
    for (const u of this.neighbours(tile)) if (this.moving[u] === 1) latest = Math.max(latest, this.lastChange(u));
    return Math.min(own + this.maxStillMs, latest + this.stillMs);
  }

  private lastChange(tile: number): number {
    const n = this.changes;
    return this.changedAt[tile * n + ((this.ringHead[tile] + n - 1) % n)];
  }

  private armTimer(delay: number): void {
    this.timer = setTimeout(() => this.settle(), delay);
  }

  /** Still tiles leave motion; the timer runs again for the next one due, if any moves still. */
  private settle(): void {
    this.timer = undefined;
    const now = this.now();
    // Decided on the state before this round, so the order of the tiles does not matter.
    const dues = [...this.movingTiles].map((t) => [t, this.stillAt(t)] as const);
    const settled: number[] = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [t, due] of dues) {
      if (due <= now) {
        settled.push(t);
        this.stop(t);
      } else nextDue = Math.min(nextDue, due);
    }
    if (this.movingTiles.size > 0) this.armTimer(Math.max(1, nextDue - now));
    if (settled.length > 0) for (const l of this.settledListeners) l(settled);
  }
}
