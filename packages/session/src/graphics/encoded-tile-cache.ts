import type { Rect } from './tile-grid.js';
import type { TileStore } from './tile-store.js';

/** One tile encoded for one codec class, ready to go into a TS_BITMAP_DATA. */
export interface EncodedTile {
  rect: Rect;
  /** Width of the encoded bitmap (the codec may pad `rect.width`, e.g. to a multiple of 4). */
  width: number;
  bitsPerPixel: number;
  flags: number;
  data: Uint8Array;
  /** The graphics pipeline's extras: the tile is all this RDPGFX_COLOR32 (and `data` is empty)... */
  fill?: number;
  /** ...or its pixels have this RDPGFX cacheKey, so a client that cached them can draw them from its cache. */
  cacheKey?: bigint;
}

/** Encodes one tile of the store's frame; a codec class is one of these per client colour depth. */
export type TileEncoder = (store: TileStore, tile: number) => EncodedTile;

/**
 * Encode once, send to many: the newest encoding of every tile for one codec class. Attendees of that class
 * share it, so N viewers cost one encode per changed tile, not N.
 */
export class EncodedTileCache {
  private readonly versions: Uint32Array;
  private readonly tiles: (EncodedTile | undefined)[];
  /** Encodes done (for benchmarks and tests of the encode-once promise). */
  encodes = 0;

  constructor(
    private readonly store: TileStore,
    private readonly encode: TileEncoder,
  ) {
    this.versions = new Uint32Array(store.grid.count);
    this.tiles = new Array(store.grid.count);
  }

  /** The tile at its current version, encoding it only if this version was never encoded. */
  get(tile: number): EncodedTile {
    const version = this.store.versions[tile];
    let encoded = this.tiles[tile];
    if (!encoded || this.versions[tile] !== version) {
      encoded = this.encode(this.store, tile);
      this.tiles[tile] = encoded;
      this.versions[tile] = version;
      this.encodes++;
    }
    return encoded;
  }
}
