import type { AttendeeGraphics, LossyStream } from './attendee-graphics.js';
import type { AccessUnit, AccessUnitReceiver, H264SurfaceEncoder } from './h264-surface-encoder.js';
import type { Rect, TileGrid } from './tile-grid.js';

/** Where an attendee's H.264 pictures go: its graphics pipeline. */
export interface AvcSink {
  /** As {@link GraphicsSink.backlog} for access units: at the high-water mark it takes nothing. */
  accessUnitBacklog(): number;
  /** Sends one access unit of the whole surface (AVC444: both views), of which the client shows `regions` only. */
  sendAccessUnit(regions: readonly Rect[], unit: Pick<AccessUnit, 'bitstream' | 'auxiliary'>): void;
}

/**
 * Past this many bytes waiting in the socket an access unit is skipped (the attendee is out of sync until a key
 * frame): twice the lossless stream's 256 KiB. The lossless stream fills the socket up to its own mark whenever it
 * has tiles to send (a join, a refinement), so an access unit held to that mark found it full, cost the attendee
 * its sync and sent its tiles in motion lossless again, filling the socket for the next key frame: joining the
 * bench's full-screen 1080p motion cost ~730 lossless tiles (~4 MB) before the first picture got through, and
 * ~200 (those drawn before the motion is known) with this mark.
 */
const ACCESS_UNIT_HIGH_WATER_MARK = 512 * 1024;

export interface AttendeeAvcOptions {
  /** Access units are skipped while this many bytes wait in the socket (default 512 KiB). */
  highWaterMark?: number;
  /**
   * How long a tile a copy made of lossy pixels stays this stream's after the copy (default 300 ms, a tile in
   * motion's `stillMs`): while copies go on (a window dragged) it is not refined at every step, only after.
   */
  lossyCopyHoldMs?: number;
}

/**
 * The H.264 half (AVC420 or AVC444) of one attendee's mixed stream; {@link AttendeeGraphics} is the lossless half. While the
 * attendee is in sync with the shared encoder, tiles in motion are its (the lossless stream leaves them alone) and
 * each access unit shows, of the tiles in motion, those whose newest version the attendee lacks. When a tile stops
 * moving the lossless stream takes it back, and since a picture shown lossy never counts as sent lossless, that
 * stream sends it again: the refinement that makes the client's screen pixel-exact.
 *
 * Scrolls and window drags go as surface copies (the lossless stream sends them); what a copy made right is not
 * shown from an access unit (the shared encoder does not even code it, and the attendee already holds its
 * version), and a copy that read pixels this stream drew leaves its tiles lossy, so they are this stream's until
 * refined like tiles in motion. A tile whose copy this attendee could not take goes lossless.
 *
 * A decoder must see every access unit after a key frame. So the attendee starts out of sync, and falls out of
 * sync whenever it cannot take an access unit (flow control: it skips to the newest state, as for tiles); out of
 * sync it gets its tiles in motion lossless, and the next key frame brings it back.
 */
export class AttendeeAvc implements AccessUnitReceiver, LossyStream {
  inSync = false;
  joining = true;
  /** Per tile the version the attendee shows lossy: from an access unit, or a copy of such pixels. */
  private readonly shown: Uint32Array;
  /** Per tile until when (ms) a lossy copy keeps it this stream's. */
  private readonly heldUntil: Float64Array;
  private readonly lossyCopyHoldMs: number;
  /** Wakes the lossless stream when the last hold ends. */
  private holdTimer?: NodeJS.Timeout;
  private lastHoldEnd = 0;
  private readonly grid: TileGrid;
  private readonly highWaterMark: number;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly encoder: H264SurfaceEncoder,
    private readonly graphics: AttendeeGraphics,
    private readonly sink: AvcSink,
    grid: TileGrid,
    options: AttendeeAvcOptions = {},
  ) {
    this.grid = grid;
    this.shown = new Uint32Array(grid.count);
    this.heldUntil = new Float64Array(grid.count);
    this.highWaterMark = options.highWaterMark ?? ACCESS_UNIT_HIGH_WATER_MARK;
    this.lossyCopyHoldMs = options.lossyCopyHoldMs ?? 300;
    this.unsubscribe = [encoder.attach(this), encoder.motion.onSettled(() => graphics.wake())];
    graphics.lossy = this;
  }

  get receiving(): boolean {
    return this.graphics.enabled;
  }

  /**
   * Whether `tile` goes through this stream rather than the lossless one now: in motion (or held after a lossy
   * copy) while in sync, unless its newest version is one the encoder left to a copy this attendee did not take.
   */
  claims(tile: number): boolean {
    if (!this.inSync || !(this.encoder.motion.isMoving(tile) || this.heldUntil[tile] > Date.now())) return false;
    const copyOnly = this.encoder.leftToCopies(tile);
    return copyOnly === undefined || this.shown[tile] >= copyOnly;
  }

  shownVersion(tile: number): number {
    return this.shown[tile];
  }

  copiedLossy(tile: number, version: number): void {
    this.shown[tile] = Math.max(this.shown[tile], version);
    this.lastHoldEnd = Date.now() + this.lossyCopyHoldMs;
    this.heldUntil[tile] = this.lastHoldEnd;
    this.armHoldTimer();
  }

  private armHoldTimer(): void {
    if (this.holdTimer) return;
    this.holdTimer = setTimeout(
      () => {
        this.holdTimer = undefined;
        if (Date.now() < this.lastHoldEnd) this.armHoldTimer();
        else this.graphics.wake();
      },
      Math.max(1, this.lastHoldEnd - Date.now()),
    );
  }

  receive(unit: AccessUnit): void {
    if (!this.receiving) {
      this.lostSync();
      return;
    }
    if (!this.inSync && !unit.keyFrame) return;
    // Offered a key frame, taken or not, it is no newcomer: one whose socket is too full to take it waits the
    // whole key-frame interval like any attendee out of sync, or it would force a key frame on all four times a
    // second.
    if (unit.keyFrame) this.joining = false;
    if (this.sink.accessUnitBacklog() >= this.highWaterMark) {
      this.lostSync();
      return;
    }
    const tiles: number[] = [];
    for (const t of unit.moving) {
      const version = unit.versions[t];
      // Never over a newer picture (lossless or lossy) of the tile the attendee already has.
      if (this.shown[t] >= version || this.graphics.sentVersion(t) >= version) continue;
      this.shown[t] = version;
      tiles.push(t);
    }
    // Sent even when it shows nothing: the decoder needs every access unit to decode the next. AVC444's regions
    // stay one tile row high: FreeRDP 2.x recovers each 2x2 block's top-left chroma sample (its chroma filter)
    // at the wrong place for a region that does not start at the surface's top left, and a region one tile row
    // high below the first row makes it skip that step (the sample keeps the block's mean), while in the first
    // row, in left-to-right order, it only touches regions not yet combined, where the step changes nothing.
    const regions = tileRegions(this.grid, tiles, unit.auxiliary === undefined);
    this.sink.sendAccessUnit(regions, unit);
    this.inSync = true;
    // Copies that read what this picture shows may have waited for it, and tiles the encoder left to copies this
    // attendee could not take are the lossless stream's now.
    this.graphics.wake();
  }

  lostSync(): void {
    if (!this.inSync) return;
    this.inSync = false;
    // Its tiles in motion are the lossless stream's again.
    this.graphics.wake();
  }

  /** Forgets what the attendee shows in `rects` (all when omitted), as the lossless stream does on Refresh Rect. */
  invalidate(rects?: readonly Rect[]): void {
    if (!rects) {
      this.shown.fill(0);
      this.heldUntil.fill(0);
    } else
      for (const r of rects)
        this.grid.forEachTileIn(r, (t) => {
          this.shown[t] = 0;
          this.heldUntil[t] = 0;
        });
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    clearTimeout(this.holdTimer);
    if (this.graphics.lossy === this) this.graphics.lossy = undefined;
  }
}

/**
 * Tiles as few rectangles: runs of neighbouring tiles in a row, and (with `acrossRows`) runs that span the same
 * columns in consecutive rows as one rectangle (a moving window is one or a few rectangles, not hundreds of
 * tiles). Without `acrossRows` the runs come row by row, left to right.
 */
export function tileRegions(grid: TileGrid, tiles: readonly number[], acrossRows = true): Rect[] {
  const sorted = [...tiles].sort((a, b) => a - b);
  /** Open rectangles by their column span, from the previous row. */
  let open = new Map<string, { rect: Rect; row: number }>();
  const done: Rect[] = [];
  let i = 0;
  while (i < sorted.length) {
    const row = Math.floor(sorted[i] / grid.columns);
    const next = new Map<string, { rect: Rect; row: number }>();
    while (i < sorted.length && Math.floor(sorted[i] / grid.columns) === row) {
      const first = sorted[i];
      let last = first;
      while (i + 1 < sorted.length && sorted[i + 1] === last + 1 && Math.floor((last + 1) / grid.columns) === row) {
        i++;
        last = sorted[i];
      }
      i++;
      const a = grid.rectOf(first);
      const b = grid.rectOf(last);
      const key = `${a.x}:${b.x + b.width}`;
      const above = acrossRows ? open.get(key) : undefined;
      if (above && above.row === row - 1) {
        above.rect.height = b.y + b.height - above.rect.y;
        above.row = row;
        next.set(key, above);
        open.delete(key);
      } else next.set(key, { rect: { x: a.x, y: a.y, width: b.x + b.width - a.x, height: a.height }, row });
    }
    // What the row did not continue is complete.
    for (const entry of open.values()) done.push(entry.rect);
    open = next;
  }
  for (const entry of open.values()) done.push(entry.rect);
  return done;
}
