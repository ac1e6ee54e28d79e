import type { DesktopSource } from '@rdshare/native';
import { AttendeeAvc, type AvcSink } from './attendee-avc.js';
import { AttendeeGraphics, type GraphicsSink } from './attendee-graphics.js';
import type { AvcFormat, H264EncoderFactory } from './avc-picture-coder.js';
import {
  activationUpdates,
  type BitmapCodecClass,
  bitmapCodecClassFor,
  bitmapTileEncoder,
} from './bitmap-tile-encoder.js';
import { DesktopCapture, type MoveDetection } from './desktop-capture.js';
import { EncodedTileCache } from './encoded-tile-cache.js';
import { gfxTileEncoder } from './gfx-tile-encoder.js';
import { H264SurfaceEncoder } from './h264-surface-encoder.js';
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
   * from bitmap updates). The new target starts with nothing, so every tile is sent to it once. With `avc` (a
   * pipeline whose client decodes H.264) tiles in motion go to `avc.sink` as H.264 in `avc.format` from the
   * encoder shared by the attendees of that format.
   */
  useSink(target: GraphicsSink, codec: BitmapCodecClass, avc?: { sink: AvcSink; format: AvcFormat }): void;
  /**
   * Back to the connection's bitmap updates at the client's colour depth (its graphics pipeline closed): every
   * tile is sent again that way.
   */
  useBitmapUpdates(): void;
  /** The attendee left: stops its stream and its share of the capture. */
  close(): void;
}

/** H.264 for attendees whose clients decode it. */
export interface H264Support {
  /** Makes the encoder of a surface (called for the first attendee of each format and capture). */
  create: H264EncoderFactory;
  /** A shared encoder closed (its last attendee left, or the shared area changed): what it did. */
  closed?(stats: { format: AvcFormat; width: number; height: number; encodes: number; keyFrames: number }): void;
}

interface ViewerState {
  /** Starts or stops the stream as wishes, pause and closing say. */
  apply(): void;
  /** Moves the viewer to the current capture's store and has its client take the new desktop size. */
  rebind(): void;
}

/** An attendee's streams on one capture: lossless tiles, and H.264 for tiles in motion when its client takes it. */
interface ViewerStreams {
  graphics: AttendeeGraphics;
  avc?: AttendeeAvc;
  format?: AvcFormat;
}

/**
 * The desktop's pixels fanned out to the attendees: one capture of the shared area into one tile store, one
 * encoded-tile cache per codec class (encode once, send to many), one H.264 encoder for the tiles in motion per
 * H.264 format (AVC420, AVC444) shared by every attendee whose client decodes that format best, one latest-wins
 * stream per attendee. Capture
 * runs only while at least one attendee watches; a pause stops every stream. The shared rectangle and the
 * application filter's blanking are applied in the capture, once for all attendees. When the shared area changes
 * size or place (shared rectangle, display resize), `resize` starts a new capture and every attendee's client
 * follows: the one resize path.
 */
export class GraphicsFanout {
  private capture: DesktopCapture;
  private readonly caches = new Map<BitmapCodecClass, EncodedTileCache>();
  /** The shared H.264 encoders of the current capture by format, while attendees use them. */
  private readonly avc = new Map<AvcFormat, H264SurfaceEncoder>();
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
    /** Without it every attendee gets lossless tiles only. */
    private h264?: H264Support,
    /** Whether and how to find scrolls and moves for surface copies; undefined: none are looked for. */
    private readonly moves?: MoveDetection,
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
    this.closeAvcEncoders();
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
    /** Where pictures of tiles in motion go, when the target's client decodes H.264. */
    let avcTarget: { sink: AvcSink; format: AvcFormat } | undefined;
    const streamOn = (capture: DesktopCapture): ViewerStreams => {
      let avc: AttendeeAvc | undefined;
      const graphics = new AttendeeGraphics(capture.store, this.cacheFor(codec, capture), target);
      const encoder = avcTarget && this.avcEncoderFor(capture, avcTarget.format);
      if (avcTarget && encoder) avc = new AttendeeAvc(encoder, graphics, avcTarget.sink, capture.store.grid);
      return { graphics, avc, format: avcTarget?.format };
    };
    const closeStreams = ({ graphics, avc, format }: ViewerStreams) => {
      graphics.close();
      if (!avc || !format) return;
      avc.close();
      this.releaseAvcEncoder(format);
    };
    let streams = streamOn(this.capture);
    let wanted = false;
    let watching = false;
    let closed = false;
    /** Between a resize and the client's reactivation nothing may be sent. */
    let reactivating = false;
    const enable = () => streams.graphics.setEnabled(watching && !reactivating);
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
    const useSink = (newTarget: GraphicsSink, newCodec: BitmapCodecClass, avc?: typeof avcTarget) => {
      closeStreams(streams);
      target = newTarget;
      codec = newCodec;
      avcTarget = avc;
      streams = streamOn(this.capture);
      enable();
    };
    const state: ViewerState = {
      apply,
      rebind: () => {
        closeStreams(streams);
        streams = streamOn(this.capture);
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
      invalidate: (rects) => {
        streams.avc?.invalidate(rects);
        streams.graphics.invalidate(rects);
      },
      reactivated: () => {
        reactivating = false;
        sink.sendFastPath(activationUpdates(codec));
        streams.avc?.invalidate();
        streams.graphics.invalidate();
        enable();
      },
      useSink,
      useBitmapUpdates: () => useSink(sink, bitmapCodecClassFor(colorDepth)),
      close: () => {
        closed = true;
        apply();
        this.viewers.delete(state);
        closeStreams(streams);
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
    this.closeAvcEncoders();
  }

  /**
   * The capture's shared H.264 encoder of `format`, made for its first attendee; undefined when H.264 is
   * unavailable (no factory, or the encoder cannot be made: those attendees stay lossless, the failure is
   * reported once). Every encoder is of the current capture: a new capture closes them all.
   */
  private avcEncoderFor(capture: DesktopCapture, format: AvcFormat): H264SurfaceEncoder | undefined {
    const existing = this.avc.get(format);
    if (existing) return existing;
    if (!this.h264) return undefined;
    try {
      const encoder = new H264SurfaceEncoder(capture.store, this.h264.create, {
        format,
        maxFrameRate: 1000 / Math.max(1, this.captureInterval()),
        onError: (error) => this.onError(error, 'H.264 encoding failed'),
      });
      this.avc.set(format, encoder);
      return encoder;
    } catch (error) {
      this.h264 = undefined;
      this.onError(error, 'H.264 encoder unavailable, motion goes lossless');
      return undefined;
    }
  }

  /** Closes the shared encoder of `format` once its last attendee left. */
  private releaseAvcEncoder(format: AvcFormat): void {
    const encoder = this.avc.get(format);
    if (encoder?.receiverCount === 0) this.closeAvcEncoder(encoder);
  }

  private closeAvcEncoders(): void {
    for (const encoder of [...this.avc.values()]) this.closeAvcEncoder(encoder);
  }

  private closeAvcEncoder(encoder: H264SurfaceEncoder): void {
    this.avc.delete(encoder.format);
    encoder.close();
    const { format, width, height, encodes, keyFrames } = encoder;
    this.h264?.closed?.({ format, width, height, encodes, keyFrames });
  }

  private startCapture(area: Rect): DesktopCapture {
    return new DesktopCapture(this.source, this.captureInterval, (error) => this.onError(error, 'capture failed'), {
      area,
      visibleRegion: this.visibleRegion,
      // While every H.264 encoder is busy, a capture would only be replaced by the next one. Measured on the bench's
      // 1080p full-screen motion (quiet machine, 2 rounds each): 24.4 frames/s delivered at 110 % CPU with the
      // hold-off, 21.6 at 115 % without.
      holdOff: () => (this.avc.size === 0 ? 0 : Math.min(...[...this.avc.values()].map((e) => e.busyFor()))),
      moves: this.moves,
    });
  }

  private cacheFor(codec: BitmapCodecClass, capture: DesktopCapture): EncodedTileCache {
    let cache = this.caches.get(codec);
    if (!cache) {
      const encoder = codec === 'gfx-planar-32' ? gfxTileEncoder() : bitmapTileEncoder(codec);
      cache = new EncodedTileCache(capture.store, encoder);
      this.caches.set(codec, cache);
    }
    return cache;
  }
}
