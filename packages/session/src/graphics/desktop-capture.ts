import { compareTiles, type DesktopSource, type Frame, type Rect, syncTiles, type WindowInfo } from '@rdshare/native';
import { CapturePacer } from './capture-pacer.js';
import {
  detectMove,
  type FoundMove,
  type Shift,
  type SurfaceMove,
  tilesCompletedBy,
  verifyShift,
} from './move-detector.js';
import { type Region, regionIntersect, regionWithin } from './region.js';
import { boundingRect, intersectRect, TILE_SIZE } from './tile-grid.js';
import { TileStore } from './tile-store.js';
import { WindowMask } from './window-mask.js';

/** Above this many separate damage rectangles one bounding capture is cheaper than many small ones. */
const MAX_SEPARATE_CAPTURES = 8;
/** Distinct damage rectangles searched for scrolls per capture (each costs a pass over its columns). */
const MAX_MOVE_SEARCHES = 4;
/**
 * A damage rectangle whose last this many searches found no move (full-screen video or animation: 10 % of the
 * session's main thread at 1080p) is searched only every {@link MOVE_SEARCH_BACKOFF}th capture from then on, until
 * one finds a move: a scroll that follows is found within that many captures.
 */
const MOVE_SEARCH_MISSES = 3;
const MOVE_SEARCH_BACKOFF = 8;
/** The weight of the newest capture in the moving average of capture times. */
const CAPTURE_TIME_WEIGHT = 0.25;
/** Rectangles remembered for the backoff; past this the memory starts afresh. */
const MAX_MISS_ENTRIES = 64;
/** Moved windows verified per capture (each costs a compare of the window's rows); a drag moves one. */
const MAX_WINDOW_HINTS = 4;

/** What the capture needs to know of a top-level window (`@rdshare/native`'s `WindowInfo`). */
export type WindowGeometry = Pick<WindowInfo, 'id' | 'frame' | 'mapped'>;

export interface DesktopCaptureOptions {
  /** The part of the screen to capture, in screen pixels (the shared rectangle); default the whole screen. */
  area?: Rect;
  /**
   * What may be seen, in screen pixels (the application filter's visible region), or undefined for all of it.
   * Asked before each capture; everything outside it is blanked before it reaches the store.
   */
  visibleRegion?: () => Region | undefined;
  /**
   * How many ms from now the store's consumers could first use a new capture (an H.264 encode in progress takes
   * only the newest one when it ends); asked when a capture is scheduled. Default: at once.
   */
  holdOff?: () => number;
  /** Whether and how to find moves (scrolls, pans, window drags) for surface copies; undefined: none are. */
  moves?: MoveDetection;
}

/** How the capture finds moves. */
export interface MoveDetection {
  /**
   * The top-level windows now, in screen pixels (the window tracker's list): a window that moved since the last
   * capture is a hint for a copy, verified byte for byte.
   */
  windows(): readonly WindowGeometry[];
}

/**
 * Damage-driven capture into the tile store. XDamage says where the screen may have changed; this captures
 * just those areas (tile-aligned, through shared memory) into a scratch frame, and the native kernel copies
 * the tiles whose bytes really differ into the store, whose versions then go up. Nothing runs while the
 * desktop is idle or nobody watches, and captures come at most once per `interval()` ms on average (see
 * {@link CapturePacer}). The store holds `area` only (its pixel 0,0 is the area's corner), and pixels the
 * application filter hides are blanked in the scratch frame before the compare, so they never enter the store,
 * let alone an encoder.
 */
export class DesktopCapture {
  readonly store: TileStore;
  private scratch: Frame;
  private pending: Rect[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private active = false;
  /** The store missed damage while inactive: the next activation captures everything. */
  private stale = true;
  private readonly pacer: CapturePacer;
  private readonly unsubscribe: () => void;
  private closed = false;
  /** The shared area in screen pixels. */
  readonly area: Rect;
  private readonly visibleRegion: () => Region | undefined;
  private readonly holdOff: () => number;
  /** How long captures take (moving average, ms), so one held off ends when its consumer is ready. */
  private captureMs = 0;
  /** Per damage rectangle, the searches in a row that found no move (and captures skipped since). */
  private readonly moveMisses = new Map<string, number>();
  /** The mask built for the last visible region seen (regions are replaced, never mutated). */
  private mask?: { region: Region; mask: WindowMask };
  private readonly moves?: MoveDetection;
  /** The shifts of the last capture's moves: the likeliest ones of the next. */
  private lastShifts: Shift[] = [];
  /** Where each mapped window was at the last capture, in screen pixels. */
  private windowFrames = new Map<number, Rect>();

  constructor(
    private readonly source: DesktopSource,
    interval: () => number,
    private readonly onError: (error: unknown) => void,
    options: DesktopCaptureOptions = {},
  ) {
    this.area = options.area ?? { x: 0, y: 0, width: source.width, height: source.height };
    this.visibleRegion = options.visibleRegion ?? (() => undefined);
    this.holdOff = options.holdOff ?? (() => 0);
    this.moves = options.moves;
    this.pacer = new CapturePacer(interval);
    this.store = new TileStore(source.allocateFrame(this.area.width, this.area.height));
    this.scratch = source.allocateFrame(this.area.width, this.area.height);
    this.unsubscribe = source.onDamage((rects) => this.damaged(rects));
  }

  /**
   * Capture only while someone watches. Activation after a quiet period recaptures the whole screen, since
   * damage was not followed meanwhile; resolves once the store holds the current screen.
   */
  async setActive(active: boolean): Promise<void> {
    this.active = active;
    if (!active) {
      this.stale = true;
      return;
    }
    if (this.stale) {
      this.stale = false;
      this.pending = [this.area];
      await this.run();
    }
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    clearTimeout(this.timer);
  }

  /** Has screen areas (screen pixels) captured again although X reported no damage there, e.g. re-blanking. */
  damaged(rects: Rect[]): void {
    if (!this.active) {
      this.stale = true;
      return;
    }
    this.pending.push(...rects);
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.timer || this.closed || this.pending.length === 0) return;
    const wait = Math.max(0, this.pacer.delay(Date.now()), this.holdOff() - this.captureMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run().catch((error) => {
        // A capture the session replaced (resize) may fail against the new screen; nobody needs to hear of it.
        if (!this.closed) this.onError(error);
      });
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    this.pacer.captured(Date.now());
    const started = performance.now();
    try {
      // Asked first: a change of visibility found now adds its areas to this very capture.
      let visible = this.visibleRegion();
      const damage = this.inArea(this.pending.splice(0));
      const regions = this.regions(damage);
      for (const region of regions) {
        const onScreen = { ...region, x: region.x + this.area.x, y: region.y + this.area.y };
        await this.source.capture(onScreen, this.scratch, { x: region.x, y: region.y });
        if (this.closed) return;
        // Windows may have moved while the pixels were read: blank what was hidden before OR after, so a window
        // that just covered a shared one never shows; the change queued the areas to capture again anyway.
        const after = this.visibleRegion();
        this.maskFor(visible, after)?.blank(this.scratch, region);
        visible = after;
      }
      // Every new pixel is in the scratch frame and the store still holds the old ones: the moment to find scrolls.
      const moves = this.moves ? this.findMoves(damage) : [];
      const changed: number[] = [];
      const add = (tiles: Rect[]) => {
        for (const t of tiles) this.store.grid.forEachTileIn(t, (i) => changed.push(i));
      };
      const [only] = regions;
      if (regions.length === 1 && only.width === this.area.width && only.height === this.area.height) {
        // The scratch frame holds the whole new desktop (full-screen video, a scroll): it becomes the store, and
        // the old store the next scratch frame, instead of copying every changed tile across.
        add(await compareTiles(this.store.frame, this.scratch, { tileSize: TILE_SIZE }));
        if (this.closed) return;
        this.scratch = this.store.exchangeFrame(this.scratch);
      } else {
        this.store.beginWrite();
        try {
          for (const rect of regions)
            add(await syncTiles(this.store.frame, this.scratch, { tileSize: TILE_SIZE, rect }));
        } finally {
          this.store.endWrite();
        }
      }
      this.store.markChanged(changed, moves);
      this.captureMs += (performance.now() - started - this.captureMs) * CAPTURE_TIME_WEIGHT;
    } finally {
      this.running = false;
    }
    this.schedule();
  }

  /**
   * The blanking mask, in store pixels, for what was visible both before and after a capture (screen pixels;
   * undefined when everything was); undefined when nothing is to be blanked.
   */
  private maskFor(before: Region | undefined, after: Region | undefined): WindowMask | undefined {
    if (!before || !after) {
      const only = before ?? after;
      return only && new WindowMask(regionWithin(only, this.area));
    }
    if (before !== after) return new WindowMask(regionWithin(regionIntersect(before, after), this.area));
    if (this.mask?.region !== after)
      this.mask = { region: after, mask: new WindowMask(regionWithin(after, this.area)) };
    return this.mask.mask;
  }

  /** Damage rectangles in screen pixels as rectangles in store pixels, clipped to the area. */
  private inArea(damage: Rect[]): Rect[] {
    const { x: ax, y: ay } = this.area;
    return damage.flatMap((d) => {
      const r = intersectRect(d, this.area);
      return r ? [{ ...r, x: r.x - ax, y: r.y - ay }] : [];
    });
  }

  /**
   * Moves from the previous frame (the store) to the new one (the scratch frame), in store pixels. Windows that
   * moved since the last capture come first: their shift is known, so verifying it is all it costs. Then scrolls
   * within the damaged rectangles: X reports a scroll's copy as damage of exactly the window's scrolled part, so
   * each distinct rectangle large enough to hold a whole tile, and not already explained by a moved window, is
   * searched once.
   */
  private findMoves(damage: Rect[]): FoundMove[] {
    const moves: FoundMove[] = [];
    const destOf = (m: SurfaceMove) => ({ ...m.dest, width: m.src.width, height: m.src.height });
    const add = (move: SurfaceMove | undefined) => {
      // The client applies a capture's copies one after the other: none may read or write what another wrote.
      const clashes = (m: SurfaceMove) =>
        moves.some(
          (other) =>
            intersectRect(m.src, destOf(other)) ||
            intersectRect(destOf(m), destOf(other)) ||
            intersectRect(destOf(m), other.src),
        );
      if (!move || clashes(move)) return;
      moves.push({ ...move, completes: tilesCompletedBy(move, this.store.frame, this.scratch, this.store.grid) });
    };
    for (const { area, shift } of this.movedWindows()) add(verifyShift(this.store.frame, this.scratch, area, shift));
    const seen = new Set<string>();
    for (const rect of damage) {
      const key = `${rect.x},${rect.y},${rect.width},${rect.height}`;
      if (seen.has(key) || seen.size >= MAX_MOVE_SEARCHES || rect.width < TILE_SIZE || rect.height < TILE_SIZE) {
        continue;
      }
      if (moves.some((m) => intersectRect(rect, destOf(m)))) continue;
      seen.add(key);
      const misses = this.moveMisses.get(key) ?? 0;
      if (this.moveMisses.size >= MAX_MISS_ENTRIES && misses === 0) this.moveMisses.clear();
      this.moveMisses.set(key, misses + 1);
      if (misses >= MOVE_SEARCH_MISSES && misses % MOVE_SEARCH_BACKOFF !== 0) continue;
      const found = moves.length;
      add(detectMove(this.store.frame, this.scratch, rect, this.lastShifts));
      if (moves.length > found) this.moveMisses.delete(key);
    }
    this.lastShifts = moves.map((m) => ({ dx: m.dest.x - m.src.x, dy: m.dest.y - m.src.y }));
    return moves;
  }

  /**
   * The windows that kept their size but not their place since the last capture: where each is now (store
   * pixels) and by how much it moved.
   */
  private movedWindows(): { area: Rect; shift: Shift }[] {
    const before = this.windowFrames;
    this.windowFrames = new Map(
      (this.moves?.windows() ?? []).flatMap((w) => (w.mapped ? [[w.id, w.frame] as const] : [])),
    );
    const moved: { area: Rect; shift: Shift }[] = [];
    for (const [id, frame] of this.windowFrames) {
      const was = before.get(id);
      if (!was || was.width !== frame.width || was.height !== frame.height) continue;
      const shift = { dx: frame.x - was.x, dy: frame.y - was.y };
      if (shift.dx === 0 && shift.dy === 0) continue;
      moved.push({ area: { ...frame, x: frame.x - this.area.x, y: frame.y - this.area.y }, shift });
      if (moved.length >= MAX_WINDOW_HINTS) break;
    }
    return moved;
  }

  /** Tile-aligned capture regions in store pixels for damage rectangles in store pixels. */
  private regions(rects: Rect[]): Rect[] {
    const { width: w, height: h } = this.area;
    const align = (r: Rect): Rect | undefined => {
      const x0 = Math.max(0, Math.floor(r.x / TILE_SIZE) * TILE_SIZE);
      const y0 = Math.max(0, Math.floor(r.y / TILE_SIZE) * TILE_SIZE);
      const x1 = Math.min(w, Math.ceil((r.x + r.width) / TILE_SIZE) * TILE_SIZE);
      const y1 = Math.min(h, Math.ceil((r.y + r.height) / TILE_SIZE) * TILE_SIZE);
      return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
    };
    if (rects.length === 0) return [];
    if (rects.length > MAX_SEPARATE_CAPTURES) {
      const all = align(boundingRect(rects)!);
      return all ? [all] : [];
    }
    return rects.map(align).filter((r): r is Rect => r !== undefined);
  }
}
