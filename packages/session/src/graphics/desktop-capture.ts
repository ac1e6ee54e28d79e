import { type DesktopSource, type Frame, type Rect, syncTiles } from '@rdshare/native';
import { boundingRect, TILE_SIZE } from './tile-grid.js';
import { TileStore } from './tile-store.js';

/** Above this many separate damage rectangles one bounding capture is cheaper than many small ones. */
const MAX_SEPARATE_CAPTURES = 8;

/**
 * Damage-driven capture into the tile store. XDamage says where the screen may have changed; this captures
 * just those areas (tile-aligned, through shared memory) into a scratch frame, and the native kernel copies
 * the tiles whose bytes really differ into the store, whose versions then go up. Nothing runs while the
 * desktop is idle or nobody watches, and captures are spaced at least `interval()` ms apart.
 */
export class DesktopCapture {
  readonly store: TileStore;
  private readonly scratch: Frame;
  private pending: Rect[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private active = false;
  /** The store missed damage while inactive: the next activation captures everything. */
  private stale = true;
  private lastCapture = 0;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly source: DesktopSource,
    private readonly interval: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.store = new TileStore(source.allocateFrame(source.width, source.height));
    this.scratch = source.allocateFrame(source.width, source.height);
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
      this.pending = [{ x: 0, y: 0, width: this.source.width, height: this.source.height }];
      await this.run();
    }
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    clearTimeout(this.timer);
  }

  private damaged(rects: Rect[]): void {
    if (!this.active) {
      this.stale = true;
      return;
    }
    this.pending.push(...rects);
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.timer || this.closed || this.pending.length === 0) return;
    const wait = Math.max(0, this.lastCapture + this.interval() - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run().catch(this.onError);
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    this.lastCapture = Date.now();
    try {
      const regions = this.regions(this.pending.splice(0));
      const changed: number[] = [];
      for (const region of regions) {
        await this.source.capture(region, this.scratch, { x: region.x, y: region.y });
        if (this.closed) return;
        const tiles = await syncTiles(this.store.frame, this.scratch, { tileSize: TILE_SIZE, rect: region });
        for (const t of tiles) this.store.grid.forEachTileIn(t, (i) => changed.push(i));
      }
      this.store.markChanged(changed);
    } finally {
      this.running = false;
    }
    this.schedule();
  }

  /** Tile-aligned, screen-clipped capture regions for a set of damage rectangles. */
  private regions(rects: Rect[]): Rect[] {
    const w = this.source.width;
    const h = this.source.height;
    const align = (r: Rect): Rect | undefined => {
      const x0 = Math.max(0, Math.floor(r.x / TILE_SIZE) * TILE_SIZE);
      const y0 = Math.max(0, Math.floor(r.y / TILE_SIZE) * TILE_SIZE);
      const x1 = Math.min(w, Math.ceil((r.x + r.width) / TILE_SIZE) * TILE_SIZE);
      const y1 = Math.min(h, Math.ceil((r.y + r.height) / TILE_SIZE) * TILE_SIZE);
      return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
    };
    if (rects.length > MAX_SEPARATE_CAPTURES) {
      const all = align(boundingRect(rects)!);
      return all ? [all] : [];
    }
    return rects.map(align).filter((r): r is Rect => r !== undefined);
  }
}
