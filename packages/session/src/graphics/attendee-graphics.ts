import type { EncodedTile, EncodedTileCache } from './encoded-tile-cache.js';
import type { SurfaceMove } from './scroll-detector.js';
import type { Rect } from './tile-grid.js';
import { TILE_SIZE } from './tile-grid.js';
import type { StoreMove, TileStore } from './tile-store.js';

/** Where an attendee's graphics go: its connection. */
export interface GraphicsSink {
  /** Bytes written but not yet handed to the kernel; the stream holds back while this is high. */
  backlog(): number;
  /**
   * Sends tiles as one update (the sink frames and fragments it). `copies`, given only to a sink that
   * {@link copiesSurface}, are applied on the client's surface first, in order, before any tile is drawn.
   */
  sendTiles(tiles: EncodedTile[], copies?: readonly SurfaceMove[]): void;
  /** Whether the sink can copy blocks of the client's surface (surface to surface): scrolls then go as copies. */
  readonly copiesSurface?: boolean;
  /** Calls `listener` when the backlog drained; returns an unsubscribe function. */
  onDrain(listener: () => void): () => void;
}

export interface AttendeeGraphicsOptions {
  /** Stop sending while this many bytes wait in the socket (default 256 KiB). */
  highWaterMark?: number;
  /** Encoded bytes per bitmap update (default 64 KiB); the connection fragments larger ones. */
  maxUpdateBytes?: number;
  /** Tiles another stream of the attendee delivers now (AVC420 for tiles in motion): this one leaves them. */
  claimed?: (tile: number) => boolean;
}

/**
 * One attendee's view of the tile store. It remembers which version of each tile the attendee has and, when its
 * socket has room, sends the newest version of every tile it lacks. A slow attendee therefore skips the
 * versions it had no room for (latest wins) instead of queueing stale frames, and never slows the others.
 */
export class AttendeeGraphics {
  private readonly sent: Uint32Array;
  private on = false;
  private scheduled = false;
  private closed = false;
  /** Where the next scan starts, so a congested attendee still gets every region in turn. */
  private cursor = 0;
  /** The sequence number of the first store move this stream has not considered. */
  private nextMove: number;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly highWaterMark: number;
  private readonly maxUpdateBytes: number;
  private readonly claimed: (tile: number) => boolean;

  constructor(
    private readonly store: TileStore,
    private readonly cache: EncodedTileCache,
    private readonly sink: GraphicsSink,
    options: AttendeeGraphicsOptions = {},
  ) {
    this.sent = new Uint32Array(store.grid.count);
    this.nextMove = store.movesRecorded;
    this.highWaterMark = options.highWaterMark ?? 256 * 1024;
    this.maxUpdateBytes = options.maxUpdateBytes ?? 64 * 1024;
    this.claimed = options.claimed ?? (() => false);
    this.unsubscribe.push(store.onChange(() => this.schedule()));
    this.unsubscribe.push(sink.onDrain(() => this.schedule()));
  }

  /** Turns the stream on or off (control level NONE, Suppress Output, pause). Turning it on resends nothing it has. */
  setEnabled(enabled: boolean): void {
    this.on = enabled;
    if (enabled) this.schedule();
  }

  get enabled(): boolean {
    return this.on;
  }

  /** The version of `tile` the attendee has from this stream (0 for none). */
  sentVersion(tile: number): number {
    return this.sent[tile];
  }

  /** Looks for tiles to send again: tiles another stream claimed may have become this one's. */
  wake(): void {
    this.schedule();
  }

  /** Forgets what the attendee has in `rects` (all when omitted), e.g. on Refresh Rect. */
  invalidate(rects?: readonly Rect[]): void {
    if (!rects) this.sent.fill(0);
    else for (const r of rects) this.store.grid.forEachTileIn(r, (t) => (this.sent[t] = 0));
    this.schedule();
  }

  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
  }

  private schedule(): void {
    if (this.scheduled || this.closed || !this.on) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Sends stale tiles until the socket is full or the attendee is up to date. */
  pump(): void {
    if (this.closed || !this.on) return;
    const { versions } = this.store;
    const n = versions.length;
    if (this.sink.backlog() >= this.highWaterMark) return;
    let copies = this.sink.copiesSurface ? this.takeMoves() : [];
    let batch: EncodedTile[] = [];
    let batchBytes = 0;
    let scanned = 0;
    while (scanned < n) {
      if (this.sink.backlog() >= this.highWaterMark) break;
      const t = this.cursor;
      this.cursor = (this.cursor + 1) % n;
      scanned++;
      if (this.sent[t] === versions[t] || this.claimed(t)) continue;
      const tile = this.cache.get(t);
      this.sent[t] = versions[t];
      batch.push(tile);
      batchBytes += tile.data.byteLength;
      if (batchBytes >= this.maxUpdateBytes || batch.length >= 0xffff) {
        this.sink.sendTiles(batch, copies);
        copies = [];
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0 || copies.length > 0) this.sink.sendTiles(batch, copies);
  }

  /**
   * The store's moves this stream has not considered, as copies that are exact on this client: a copy reads only
   * tiles the client holds at the version the move was found against (a lagging client that lacks some tile rows
   * gets the longest band of the move it can take, if that still fills a tile). Tiles a copy fills whole count as
   * sent; so do tiles a whole move completes (changed only where it writes) if the client held them before. Where
   * tiles are in motion and another stream (AVC420) claims them, motion takes precedence: no copy writes there.
   */
  private takeMoves(): SurfaceMove[] {
    const copies: SurfaceMove[] = [];
    for (const move of this.store.moves) {
      if (move.sequence < this.nextMove || this.writesClaimed(move)) continue;
      const copy = this.usableBand(move);
      if (!copy) continue;
      copies.push(copy);
      const dest = { ...copy.dest, width: copy.src.width, height: copy.src.height };
      for (const t of this.store.grid.tilesWithin(dest)) {
        this.sent[t] = move.coveredVersions[move.coveredTiles.indexOf(t)];
      }
      if (copy.src.height !== move.src.height) continue;
      move.completedTiles.forEach((t, i) => {
        if (this.sent[t] === move.completedBefore[i]) this.sent[t] = move.completedAfter[i];
      });
    }
    this.nextMove = this.store.movesRecorded;
    return copies;
  }

  /** The longest band of `move` whose source lies in tile rows this client holds exactly, if it fills a tile. */
  private usableBand(move: StoreMove): SurfaceMove | undefined {
    const { columns } = this.store.grid;
    const lacking = new Set<number>();
    move.sourceTiles.forEach((t, i) => {
      if (this.sent[t] !== move.sourceVersions[i]) lacking.add(Math.floor(t / columns));
    });
    if (lacking.size === 0) return { src: move.src, dest: move.dest };
    const { src } = move;
    let best: { top: number; bottom: number } | undefined;
    let top = src.y;
    for (let row = Math.floor(src.y / TILE_SIZE); row * TILE_SIZE < src.y + src.height; row++) {
      if (!lacking.has(row)) continue;
      const bottom = Math.max(top, row * TILE_SIZE);
      if (bottom - top > (best ? best.bottom - best.top : 0)) best = { top, bottom };
      top = (row + 1) * TILE_SIZE;
    }
    const end = src.y + src.height;
    if (end - top > (best ? best.bottom - best.top : 0)) best = { top, bottom: end };
    if (!best || best.bottom - best.top < TILE_SIZE) return undefined;
    return {
      src: { ...src, y: best.top, height: best.bottom - best.top },
      dest: { x: move.dest.x, y: move.dest.y + best.top - src.y },
    };
  }

  private writesClaimed(move: SurfaceMove): boolean {
    let claimed = false;
    const dest = { ...move.dest, width: move.src.width, height: move.src.height };
    this.store.grid.forEachTileIn(dest, (t) => {
      claimed ||= this.claimed(t);
    });
    return claimed;
  }
}
