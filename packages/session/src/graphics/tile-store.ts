import type { FoundMove, SurfaceMove } from './move-detector.js';
import { TileGrid } from './tile-grid.js';

/** A frame's pixels: 32-bit BGRX, `stride` bytes per row. */
export interface FramePixels {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/**
 * A move found by a capture, with what a client must hold for the copy to be exact: the versions of the tiles
 * it reads before the change, and the tiles it then fills whole with their versions after it.
 */
export interface StoreMove extends SurfaceMove {
  /** Counts the moves of the store, so a stream takes each once. */
  sequence: number;
  sourceTiles: number[];
  sourceVersions: number[];
  coveredTiles: number[];
  coveredVersions: number[];
  /** Every tile the copy writes into, whole or in part, and their versions after the change. */
  destTiles: number[];
  destVersions: number[];
  /** Tiles the copy brings up to date on a client that held them at `before`: their versions then and after. */
  completedTiles: number[];
  completedBefore: number[];
  completedAfter: number[];
}

/** Moves kept for streams that have not taken them yet; a stream further behind just gets pixels. */
const MAX_MOVES = 16;

/**
 * The last captured desktop and a version per tile. A tile's version goes up only when its bytes changed
 * (damaged AND different), so encoders and attendees key their work on (tile, version) and never redo it.
 */
export class TileStore {
  readonly grid: TileGrid;
  readonly versions: Uint32Array;
  /** Bumped on every change, so a consumer can tell "nothing new" without scanning the tiles. */
  generation = 0;
  private readonly listeners = new Set<(tiles: readonly number[]) => void>();
  /** The capture's write in progress, if any: its end. */
  private write?: { done: Promise<void>; end: () => void };
  /** The most recent moves, oldest first. */
  readonly moves: StoreMove[] = [];
  /** Moves recorded so far; the next one gets this sequence number. */
  movesRecorded = 0;

  constructor(private current: FramePixels) {
    this.grid = new TileGrid(current.width, current.height);
    // Version 1 for everything: a new attendee (all versions 0) needs every tile once.
    this.versions = new Uint32Array(this.grid.count).fill(1);
  }

  /** The desktop as last captured. Read it when you use it: a capture may put another frame in its place. */
  get frame(): FramePixels {
    return this.current;
  }

  /**
   * Puts `next` (a frame of the same size holding the newly captured desktop) in place of {@link frame} and hands
   * back the one it replaces: a capture of the whole store then costs no copy. Mark what changed as usual.
   */
  exchangeFrame(next: FramePixels): FramePixels {
    if (next.width !== this.current.width || next.height !== this.current.height) {
      throw new RangeError(
        `exchangeFrame: ${next.width}x${next.height} frame for a ${this.current.width}x${this.current.height} store`,
      );
    }
    const previous = this.current;
    this.current = next;
    return previous;
  }

  /**
   * The capture starts writing `frame` off the JavaScript thread: until {@link endWrite} nobody may read it (an
   * encode then could mix old and new pixels of a tile, and tag them with either version).
   */
  beginWrite(): void {
    let end = () => {};
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.write = { done, end };
  }

  endWrite(): void {
    this.write?.end();
    this.write = undefined;
  }

  /** Whether a capture is writing `frame` now. */
  get writing(): boolean {
    return this.write !== undefined;
  }

  /** Resolves once no capture writes `frame` (at once when none does). */
  whenWritten(): Promise<void> {
    return this.write?.done ?? Promise.resolve();
  }

  /**
   * Marks tiles as changed and tells the attendees' streams and the motion tracker which ones. `moves` are blocks of the frame before the change
   * that the frame after it holds elsewhere (scrolls), for streams that can copy them on the client.
   */
  markChanged(tiles: Iterable<number>, moves: readonly FoundMove[] = []): void {
    const before = moves.map((m) => {
      const sourceTiles: number[] = [];
      this.grid.forEachTileIn(m.src, (t) => sourceTiles.push(t));
      return {
        sourceTiles,
        sourceVersions: sourceTiles.map((t) => this.versions[t]),
        completedBefore: m.completes.map((t) => this.versions[t]),
      };
    });
    const changed: number[] = [];
    for (const t of tiles) {
      this.versions[t]++;
      changed.push(t);
    }
    if (changed.length === 0) return;
    moves.forEach(({ src, dest, completes }, i) => {
      const destRect = { ...dest, width: src.width, height: src.height };
      const coveredTiles = this.grid.tilesWithin(destRect);
      const destTiles: number[] = [];
      this.grid.forEachTileIn(destRect, (t) => destTiles.push(t));
      this.moves.push({
        src,
        dest,
        ...before[i],
        coveredTiles,
        coveredVersions: coveredTiles.map((t) => this.versions[t]),
        destTiles,
        destVersions: destTiles.map((t) => this.versions[t]),
        completedTiles: completes,
        completedAfter: completes.map((t) => this.versions[t]),
        sequence: this.movesRecorded++,
      });
    });
    if (this.moves.length > MAX_MOVES) this.moves.splice(0, this.moves.length - MAX_MOVES);
    this.generation++;
    for (const l of this.listeners) l(changed);
  }

  /** Calls `listener` after each capture that changed tiles, with those tiles (a tile may repeat). */
  onChange(listener: (tiles: readonly number[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
