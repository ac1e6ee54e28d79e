import { tilesFilledBy, usableBand, writesOverNewer } from './copy-band.js';
import type { EncodedTile, EncodedTileCache } from './encoded-tile-cache.js';
import type { SurfaceMove } from './move-detector.js';
import type { Rect } from './tile-grid.js';
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

/**
 * Another stream of the same attendee that draws tiles lossy (AVC420 for tiles in motion). The lossless stream
 * leaves it the tiles it claims, and reads what it drew: a copy on the client's surface copies whatever is there.
 */
export interface LossyStream {
  /** Whether it delivers `tile` now: the lossless stream leaves it alone. */
  claims(tile: number): boolean;
  /** The version of `tile` the attendee shows from it, lossy (0 for none). */
  shownVersion(tile: number): number;
  /** A copy put `version` of `tile` on the attendee's surface, made of lossy pixels. */
  copiedLossy(tile: number, version: number): void;
}

export interface AttendeeGraphicsOptions {
  /** Stop sending while this many bytes wait in the socket (default 256 KiB). */
  highWaterMark?: number;
  /** Encoded bytes per bitmap update (default 64 KiB); the connection fragments larger ones. */
  maxUpdateBytes?: number;
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
  /** The attendee's lossy stream, while it has one. */
  lossy?: LossyStream;

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
    if (this.store.writing) {
      this.store.whenWritten().then(() => this.schedule());
      return;
    }
    const copying = this.sink.copiesSurface === true;
    let copies = copying ? this.takeMoves() : [];
    const waiting = copying ? this.waitingTiles() : new Set<number>();
    let batch: EncodedTile[] = [];
    let batchBytes = 0;
    let scanned = 0;
    while (scanned < n) {
      if (this.sink.backlog() >= this.highWaterMark) break;
      const t = this.cursor;
      this.cursor = (this.cursor + 1) % n;
      scanned++;
      if (this.sent[t] === versions[t] || this.lossy?.claims(t) || waiting.has(t)) continue;
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
   * The store's moves this stream has not considered, as copies that are right on this client: a copy reads only
   * tiles the client holds at the version the move was found against (a lagging client that lacks some tile rows
   * gets the longest band of the move it can take, if that still fills a tile), and never writes over a newer
   * picture the lossy stream drew meanwhile. Tiles a copy fills whole count as sent when what it read there was
   * lossless; read from lossy pixels (AVC420) they are the lossy stream's, refined once the motion stops. So are
   * tiles a whole move completes (changed only where it writes) if the client held them before.
   *
   * A move that reads tiles whose picture of the move's version the lossy stream is still to send (the encoder
   * runs behind the capture) waits for it, and so do the moves after it: copies are applied in order.
   */
  private takeMoves(): SurfaceMove[] {
    const copies: SurfaceMove[] = [];
    for (const move of this.store.moves) {
      if (move.sequence < this.nextMove) continue;
      if (this.awaitsPicture(move)) return copies;
      this.nextMove = move.sequence + 1;
      if (writesOverNewer(move, (t) => this.lossy?.shownVersion(t) ?? 0)) continue;
      const copy = usableBand(this.store.grid, move, (t) => this.holds(t));
      if (!copy) continue;
      copies.push(copy);
      // Taken before the copy's tiles are marked: source and destination overlap.
      const lossySources = new Set(move.sourceTiles.filter((t) => !this.isLossless(t)));
      const dx = copy.dest.x - copy.src.x;
      const dy = copy.dest.y - copy.src.y;
      /** Whether what the copy writes into `tile` was read from lossless pixels only. */
      const readsLossless = (tile: number) => {
        const r = this.store.grid.rectOf(tile);
        let lossless = true;
        this.store.grid.forEachTileIn({ ...r, x: r.x - dx, y: r.y - dy }, (s) => {
          lossless &&= !lossySources.has(s);
        });
        return lossless;
      };
      const full = copy.src.height === move.src.height && copy.src.width === move.src.width;
      const completed = full ? move.completedTiles.filter((t, i) => this.holds(t) === move.completedBefore[i]) : [];
      const completedLossless = completed.map((t) => this.isLossless(t));
      for (const { tile, version } of tilesFilledBy(this.store.grid, move, copy)) {
        this.copied(tile, version, readsLossless(tile));
      }
      completed.forEach((t, i) => {
        const after = move.completedAfter[move.completedTiles.indexOf(t)];
        this.copied(t, after, completedLossless[i] && readsLossless(t));
      });
    }
    this.nextMove = this.store.movesRecorded;
    return copies;
  }

  /** Whether `move` reads a tile the lossy stream claims and has not yet shown at the version the move read. */
  private awaitsPicture(move: StoreMove): boolean {
    const { lossy } = this;
    if (!lossy) return false;
    return move.sourceTiles.some((t, i) => {
      const version = move.sourceVersions[i];
      return this.holds(t) < version && lossy.claims(t);
    });
  }

  /** The tiles the moves waiting for a picture write: sent by those copies, not as pixels now. */
  private waitingTiles(): ReadonlySet<number> {
    const tiles = new Set<number>();
    for (const move of this.store.moves) {
      if (move.sequence >= this.nextMove) for (const t of move.destTiles) tiles.add(t);
    }
    return tiles;
  }

  /** The version of `tile` on the client's surface, lossless or lossy (0 for none). */
  private holds(tile: number): number {
    return Math.max(this.sent[tile], this.lossy?.shownVersion(tile) ?? 0);
  }

  private isLossless(tile: number): boolean {
    return this.sent[tile] >= (this.lossy?.shownVersion(tile) ?? 0);
  }

  private copied(tile: number, version: number, lossless: boolean): void {
    if (lossless) this.sent[tile] = version;
    else this.lossy?.copiedLossy(tile, version);
  }
}
