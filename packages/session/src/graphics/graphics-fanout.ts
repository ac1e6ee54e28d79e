import type { DesktopSource } from '@rdshare/native';
import { AttendeeGraphics, type GraphicsSink } from './attendee-graphics.js';
import {
  activationUpdates,
  type BitmapCodecClass,
  bitmapCodecClassFor,
  bitmapTileEncoder,
} from './bitmap-tile-encoder.js';
import { DesktopCapture } from './desktop-capture.js';
import { EncodedTileCache } from './encoded-tile-cache.js';
import type { Region } from './region.js';
import type { Rect } from './tile-grid.js';

/** Where an attendee's graphics go: its connection, which can also change the client's desktop size. */
export interface ViewerSink extends GraphicsSink {
  /** Sends fast-path updates as they are (the 8 bpp palette). */
  sendFastPath(updates: { code: number; data: Uint8Array }[]): void;
  /** Changes the client's desktop size (Deactivation-Reactivation); graphics wait for `reactivated()`. */
  resize(width: number, height: number): void;
}

/** One attendee's place in the fan-out: its graphics stream and whether it counts as watching. */
export interface GraphicsViewer {
  /** Whether the attendee wants the desktop (control level above NONE, output not suppressed, ...). */
  setWatching(watching: boolean): void;
  /** Whether its stream runs now: it wants the desktop and the session is not paused. */
  readonly watching: boolean;
  /** Resends what the attendee has in `rects` (everything when omitted): Refresh Rect. */
  invalidate(rects?: readonly Rect[]): void;
  /** The client is active again after a Deactivation-Reactivation: it gets the whole screen anew. */
  reactivated(): void;
  /**
   * Sends the attendee's tiles to `target` from now on, encoded as `codec` (a graphics pipeline that took over
   * from bitmap updates). The new target starts with nothing, so every tile is sent to it once.
   */
  useSink(target: GraphicsSink, codec: BitmapCodecClass): void;
  /** The attendee left: stops its stream and its share of the capture. */
  close(): void;
}

interface ViewerState {
  /** Starts or stops the stream as wishes, pause and closing say. */
  apply(): void;
  /** Moves the viewer to the current capture's store and has its client take the new desktop size. */
  rebind(): void;
}

/**
 * The desktop's pixels fanned out to the attendees: one capture of the shared area into one tile store, one
 * encoded-tile cache per codec class (encode once, send to many), one latest-wins stream per attendee. Capture
 * runs only while at least one attendee watches; a pause stops every stream. The shared rectangle and the
 * application filter's blanking are applied in the capture, once for all attendees. When the shared area changes
 * size or place (shared rectangle, display resize), `resize` starts a new capture and every attendee's client
 * follows: the one resize path.
 */
export class GraphicsFanout {
  private capture: DesktopCapture;
  private readonly caches = new Map<BitmapCodecClass, EncodedTileCache>();
  private watchers = 0;
  private paused = false;
  /** Each viewer's hooks: re-evaluation of whether its stream runs (pause, resume), and the move to a new area. */
  private readonly viewers = new Set<ViewerState>();

  constructor(
    private readonly source: DesktopSource,
    private readonly captureInterval: () => number,
    private readonly onError: (error: unknown, what: string) => void,
    area: Rect,
    /** What attendees may see (the application filter), in screen pixels; undefined for everything. */
    private readonly visibleRegion: () => Region | undefined = () => undefined,
  ) {
    this.capture = this.startCapture(area);
  }

  /** The shared area being captured, in screen pixels. */
  get area(): Rect {
    return this.capture.area;
  }

  /**
   * Shares another area of the screen: a new capture (and tile store) of that size, and every attendee's client
   * is resized to it, then sent the whole of it once reactivated.
   */
  resize(area: Rect): void {
    this.capture.close();
    this.capture = this.startCapture(area);
    this.caches.clear();
    for (const v of this.viewers) v.rebind();
    if (this.watchers > 0) this.capture.setActive(true).catch((error) => this.onError(error, 'capture failed'));
  }

  /** Screen areas to capture again although X reported no damage (a change of what the filter hides). */
  damaged(rects: Rect[]): void {
    this.capture.damaged(rects);
  }

  /** Adds an attendee whose client runs at `colorDepth`; it starts not watching. */
  addViewer(sink: ViewerSink, colorDepth: number): GraphicsViewer {
    let codec = bitmapCodecClassFor(colorDepth);
    /** Where tiles go: the connection's bitmap updates, or a graphics pipeline that took over. */
    let target: GraphicsSink = sink;
    const streamOn = (capture: DesktopCapture) =>
      new AttendeeGraphics(capture.store, this.cacheFor(codec, capture), target);
    let graphics = streamOn(this.capture);
    let wanted = false;
    let watching = false;
    let closed = false;
    /** Between a resize and the client's reactivation nothing may be sent. */
    let reactivating = false;
    const enable = () => graphics.setEnabled(watching && !reactivating);
    const apply = () => {
      const value = wanted && !closed && !this.paused;
      if (watching === value) return;
      watching = value;
      this.watchers += value ? 1 : -1;
      const activation = this.capture.setActive(this.watchers > 0);
      // A pause or a level change may have come while the capture caught up: `enable` reads the state then.
      if (value) activation.then(enable, (error) => this.onError(error, 'capture failed'));
      else enable();
    };
    const state: ViewerState = {
      apply,
      rebind: () => {
        graphics.close();
        graphics = streamOn(this.capture);
        reactivating = true;
        const { width, height } = this.capture.area;
        sink.resize(width, height);
      },
    };
    this.viewers.add(state);
    sink.sendFastPath(activationUpdates(codec));
    return {
      setWatching: (value) => {
        wanted = value;
        apply();
      },
      get watching() {
        return watching;
      },
      invalidate: (rects) => graphics.invalidate(rects),
      reactivated: () => {
        reactivating = false;
        sink.sendFastPath(activationUpdates(codec));
        graphics.invalidate();
        enable();
      },
      useSink: (newTarget, newCodec) => {
        graphics.close();
        target = newTarget;
        codec = newCodec;
        graphics = streamOn(this.capture);
        enable();
      },
      close: () => {
        closed = true;
        apply();
        this.viewers.delete(state);
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
    for (const v of this.viewers) v.apply();
  }

  close(): void {
    this.capture.close();
  }

  private startCapture(area: Rect): DesktopCapture {
    return new DesktopCapture(this.source, this.captureInterval, (error) => this.onError(error, 'capture failed'), {
      area,
      visibleRegion: this.visibleRegion,
    });
  }

  private cacheFor(codec: BitmapCodecClass, capture: DesktopCapture): EncodedTileCache {
    let cache = this.caches.get(codec);
    if (!cache) {
      cache = new EncodedTileCache(capture.store, bitmapTileEncoder(codec));
      this.caches.set(codec, cache);
    }
    return cache;
  }
}
