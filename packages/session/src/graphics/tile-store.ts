import { TileGrid } from './tile-grid.js';

/** A frame's pixels: 32-bit BGRX, `stride` bytes per row. */
export interface FramePixels {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

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

  constructor(readonly frame: FramePixels) {
    this.grid = new TileGrid(frame.width, frame.height);
    // Version 1 for everything: a new attendee (all versions 0) needs every tile once.
    this.versions = new Uint32Array(this.grid.count).fill(1);
  }

  /** Marks tiles as changed and tells the attendees' streams and the motion tracker which ones. */
  markChanged(tiles: Iterable<number>): void {
    const changed: number[] = [];
    for (const t of tiles) {
      this.versions[t]++;
      changed.push(t);
    }
    if (changed.length === 0) return;
    this.generation++;
    for (const l of this.listeners) l(changed);
  }

  /** Calls `listener` after each capture that changed tiles, with those tiles (a tile may repeat). */
  onChange(listener: (tiles: readonly number[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
