import type { DesktopSource } from '@rdshare/native';
import { AttendeeGraphics, type GraphicsSink } from './attendee-graphics.js';
import { type BitmapCodecClass, bitmapCodecClassFor, bitmapTileEncoder } from './bitmap-tile-encoder.js';
import { DesktopCapture } from './desktop-capture.js';
import { EncodedTileCache } from './encoded-tile-cache.js';
import type { Rect } from './tile-grid.js';

/** One attendee's place in the fan-out: its graphics stream and whether it counts as watching. */
export interface GraphicsViewer {
  /** Whether the attendee wants the desktop (control level above NONE, output not suppressed, ...). */
  setWatching(watching: boolean): void;
  /** Whether its stream runs now: it wants the desktop and the session is not paused. */
  readonly watching: boolean;
  /** Resends what the attendee has in `rects` (everything when omitted): Refresh Rect, reactivation. */
  invalidate(rects?: readonly Rect[]): void;
  /**
   * Sends the attendee's tiles to `sink` from now on, encoded as `codec` (a graphics pipeline that took over
   * from bitmap updates). The new sink starts with nothing, so every tile is sent to it once.
   */
  useSink(sink: GraphicsSink, codec: BitmapCodecClass): void;
  /** The attendee left: stops its stream and its share of the capture. */
  close(): void;
}

/**
 * The desktop's pixels fanned out to the attendees: one capture into one tile store, one encoded-tile cache per
 * codec class (encode once, send to many), one latest-wins stream per attendee. Capture runs only while at
 * least one attendee watches; a pause stops every stream.
 */
export class GraphicsFanout {
  private readonly capture: DesktopCapture;
  private readonly caches = new Map<BitmapCodecClass, EncodedTileCache>();
  private watchers = 0;
  private paused = false;
  /** Each viewer's re-evaluation of whether its stream runs, for pause and resume. */
  private readonly viewers = new Set<() => void>();

  constructor(
    source: DesktopSource,
    captureInterval: () => number,
    private readonly onError: (error: unknown, what: string) => void,
  ) {
    this.capture = new DesktopCapture(source, captureInterval, (error) => onError(error, 'capture failed'));
  }

  /** Adds an attendee whose client runs at `colorDepth`; it starts not watching. */
  addViewer(sink: GraphicsSink, colorDepth: number): GraphicsViewer {
    const streamTo = (target: GraphicsSink, codec: BitmapCodecClass) =>
      new AttendeeGraphics(this.capture.store, this.cacheFor(codec), target);
    let graphics = streamTo(sink, bitmapCodecClassFor(colorDepth));
    let wanted = false;
    let watching = false;
    let closed = false;
    const apply = () => {
      const value = wanted && !closed && !this.paused;
      if (watching === value) return;
      watching = value;
      this.watchers += value ? 1 : -1;
      const activation = this.capture.setActive(this.watchers > 0);
      if (value) {
        // A pause or a level change may have come while the capture caught up.
        activation.then(
          () => graphics.setEnabled(watching),
          (error) => this.onError(error, 'capture failed'),
        );
      } else {
        graphics.setEnabled(false);
      }
    };
    this.viewers.add(apply);
    return {
      setWatching: (value) => {
        wanted = value;
        apply();
      },
      get watching() {
        return watching;
      },
      invalidate: (rects) => graphics.invalidate(rects),
      useSink: (target, codec) => {
        graphics.close();
        graphics = streamTo(target, codec);
        graphics.setEnabled(watching);
      },
      close: () => {
        closed = true;
        apply();
        this.viewers.delete(apply);
        graphics.close();
      },
    };
  }

  /** Whether the streams are paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Pause stops every stream (and, with nobody watching, the capture); resume restarts them. Back from a pause
   * the capture takes the whole screen again, so each attendee gets every tile that changed meanwhile.
   */
  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const apply of this.viewers) apply();
  }

  close(): void {
    this.capture.close();
  }

  private cacheFor(codec: BitmapCodecClass): EncodedTileCache {
    let cache = this.caches.get(codec);
    if (!cache) {
      cache = new EncodedTileCache(this.capture.store, bitmapTileEncoder(codec));
      this.caches.set(codec, cache);
    }
    return cache;
  }
}
