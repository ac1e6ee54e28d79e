import type { DesktopSource } from '@rdshare/native';
import { AttendeeGraphics, type GraphicsSink } from './attendee-graphics.js';
import { type BitmapCodecClass, bitmapCodecClassFor, bitmapTileEncoder } from './bitmap-tile-encoder.js';
import { DesktopCapture } from './desktop-capture.js';
import { EncodedTileCache } from './encoded-tile-cache.js';
import type { Rect } from './tile-grid.js';

/** One attendee's place in the fan-out: its graphics stream and whether it counts as watching. */
export interface GraphicsViewer {
  /** Whether the attendee sees the desktop now (control level above NONE, output not suppressed, ...). */
  setWatching(watching: boolean): void;
  readonly watching: boolean;
  /** Resends what the attendee has in `rects` (everything when omitted): Refresh Rect, reactivation. */
  invalidate(rects?: readonly Rect[]): void;
  /** The attendee left: stops its stream and its share of the capture. */
  close(): void;
}

/**
 * The desktop's pixels fanned out to the attendees: one capture into one tile store, one encoded-tile cache per
 * codec class (encode once, send to many), one latest-wins stream per attendee. Capture runs only while at
 * least one attendee watches.
 */
export class GraphicsFanout {
  private readonly capture: DesktopCapture;
  private readonly caches = new Map<BitmapCodecClass, EncodedTileCache>();
  private watchers = 0;

  constructor(
    source: DesktopSource,
    captureInterval: () => number,
    private readonly onError: (error: unknown, what: string) => void,
  ) {
    this.capture = new DesktopCapture(source, captureInterval, (error) => onError(error, 'capture failed'));
  }

  /** Adds an attendee whose client runs at `colorDepth`; it starts not watching. */
  addViewer(sink: GraphicsSink, colorDepth: number): GraphicsViewer {
    const graphics = new AttendeeGraphics(this.capture.store, this.cacheFor(bitmapCodecClassFor(colorDepth)), sink);
    let watching = false;
    let closed = false;
    const setWatching = (value: boolean) => {
      if (watching === value || (closed && value)) return;
      watching = value;
      this.watchers += value ? 1 : -1;
      const activation = this.capture.setActive(this.watchers > 0);
      if (value) {
        activation.then(
          () => graphics.setEnabled(true),
          (error) => this.onError(error, 'capture failed'),
        );
      } else {
        graphics.setEnabled(false);
      }
    };
    return {
      setWatching,
      get watching() {
        return watching;
      },
      invalidate: (rects) => graphics.invalidate(rects),
      close: () => {
        setWatching(false);
        closed = true;
        graphics.close();
      },
    };
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
