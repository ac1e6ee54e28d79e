import { type AvcFormat, createPictureCoder, type H264EncoderFactory, type PictureCoder } from './avc-picture-coder.js';
import { tilesFilledBy, usableBand, writesOverNewer } from './copy-band.js';
import { H264RatePlanner } from './h264-rate-plan.js';
import { MotionTracker, type MotionTrackerOptions } from './motion-tracker.js';
import { type Rect, TILE_SIZE } from './tile-grid.js';
import type { TileStore } from './tile-store.js';

/** One encoded picture of the whole surface, shared by every attendee that receives it. */
export interface AccessUnit {
  /** The Annex B bytes (AVC444: of the main view); never changed once made. */
  readonly bitstream: Uint8Array;
  /** AVC444's auxiliary view, the next picture of the same stream. */
  readonly auxiliary?: Uint8Array;
  readonly keyFrame: boolean;
  /** The store's tile versions the picture shows. */
  readonly versions: Uint32Array;
  /**
   * The tiles in motion the picture shows at `versions`: the only ones a client is told to show from it. Tiles in
   * motion that surface copies bring up to date are left out (see {@link H264SurfaceEncoder.leftToCopies}).
   */
  readonly moving: readonly number[];
}

/** An attendee of the shared encoder. */
export interface AccessUnitReceiver {
  /** Whether its decoder has every access unit since its last key frame, so the next P-frame is of use to it. */
  readonly inSync: boolean;
  /** Whether it was never offered a key frame: a newcomer, whose key frame is forced sooner (`joinKeyFrameIntervalMs`). */
  readonly joining: boolean;
  /** Whether it takes pictures now (a paused or reactivating attendee does not, and needs no key frame). */
  readonly receiving: boolean;
  receive(unit: AccessUnit): void;
  /** The encoder failed: the receiver's decoder can no longer follow and must wait for a key frame. */
  lostSync(): void;
}

export interface H264SurfaceEncoderOptions {
  /** What the pictures are coded as (default AVC420). */
  format?: AvcFormat;
  /** Fewest ms between two key frames forced for receivers out of sync (default 1000). */
  keyFrameIntervalMs?: number;
  /**
   * Fewest ms between two key frames forced for a newcomer (default 250): it has no picture of the motion at all,
   * and until a key frame its tiles in motion go lossless, which for full-screen 1080p motion is megabytes a
   * second. Joins are few, and admission bounds how fast they come.
   */
  joinKeyFrameIntervalMs?: number;
  /** The most frames a second there can be to encode: the capture rate (default 30). */
  maxFrameRate?: number;
  motion?: MotionTrackerOptions;
  onError(error: unknown): void;
}

/** H.264 frames are whole macroblocks: the surface is encoded padded to a multiple of this. */
const MACROBLOCK_SIZE = 16;

/** The weight of the newest encode in the moving average of encode times. */
const ENCODE_TIME_WEIGHT = 0.25;

const padded = (n: number) => Math.ceil(n / MACROBLOCK_SIZE) * MACROBLOCK_SIZE;

/**
 * Encode once for every AVC attendee of a surface in one {@link AvcFormat}: one H.264 encoder for the tile store's
 * surface, run only
 * when a capture changed tiles in motion and some attendee can use the picture, never more than once per capture
 * (captures that arrive during an encode are coalesced into the next one), and nothing at all while the desktop
 * is idle. Every receiver in sync gets the same access unit.
 *
 * A P-frame is of use only to a decoder that has every frame since the last key frame. A receiver that joins, or
 * that had to skip an access unit (flow control), is out of sync until a key frame; its tiles in motion meanwhile
 * go lossless, so its picture stays right. Its need forces the next encode to be a key frame, shared by all:
 * the receivers in sync pay a larger frame rather than the encoder running twice. Forced key frames are at least
 * `keyFrameIntervalMs` apart, so a persistently slow attendee costs the others at most one key frame a second
 * and waits at most that long on the lossless path; a newcomer waits at most `joinKeyFrameIntervalMs`.
 */
export class H264SurfaceEncoder {
  readonly motion: MotionTracker;
  /** The encoded size: the surface padded to whole macroblocks. */
  readonly width: number;
  readonly height: number;
  /** Encodes and key frames done (for tests and benchmarks of the encode-once promise). */
  encodes = 0;
  keyFrames = 0;
  readonly format: AvcFormat;
  private readonly coder: PictureCoder;
  private readonly rate: H264RatePlanner;
  private readonly input: Uint8Array;
  /** Per tile the version {@link input} holds (0: none yet). */
  private readonly copied: Uint32Array;
  /**
   * Per tile the version a client that took every picture and every surface copy holds: what a picture showed
   * it, or what a copy of such pixels made. Where a copy made the newest version, the input keeps its older
   * pixels and no picture shows the tile: a scroll or a dragged window costs the encoder its new pixels only.
   */
  private readonly held: Uint32Array;
  /** The sequence number of the first store move {@link held} has not taken yet. */
  private nextMove: number;
  private readonly receivers = new Set<AccessUnitReceiver>();
  private readonly keyFrameIntervalMs: number;
  private readonly joinKeyFrameIntervalMs: number;
  private lastKeyFrame = Number.NEGATIVE_INFINITY;
  /** The encoder's state is unknown to every decoder (an encode failed): the next picture must be a key frame. */
  private mustKeyFrame = false;
  private encoding = false;
  /** When the encode in progress started ({@link performance.now}), and how long encodes take (moving average). */
  private encodeStarted = 0;
  private encodeMs = 0;
  private pending = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: TileStore,
    createEncoder: H264EncoderFactory,
    private readonly options: H264SurfaceEncoderOptions,
  ) {
    // Subscribed before this encoder, so each capture's motion is known when the encode decision is taken.
    this.motion = new MotionTracker(store, options.motion);
    this.keyFrameIntervalMs = options.keyFrameIntervalMs ?? 1000;
    this.joinKeyFrameIntervalMs = Math.min(this.keyFrameIntervalMs, options.joinKeyFrameIntervalMs ?? 250);
    this.width = padded(store.frame.width);
    this.height = padded(store.frame.height);
    const size = { width: this.width, height: this.height };
    this.rate = new H264RatePlanner(size, options.maxFrameRate ?? 30);
    this.format = options.format ?? 'avc420';
    this.coder = createPictureCoder(this.format, size, createEncoder, this.rate.initial());
    this.input = new Uint8Array(this.width * this.height * 4);
    this.copied = new Uint32Array(store.grid.count);
    this.held = new Uint32Array(store.grid.count);
    this.nextMove = store.movesRecorded;
    this.unsubscribe = store.onChange((tiles) => {
      if (tiles.some((t) => this.motion.isMoving(t))) this.schedule();
    });
  }

  /** Adds a receiver; returns the function that removes it. */
  attach(receiver: AccessUnitReceiver): () => void {
    this.receivers.add(receiver);
    return () => this.receivers.delete(receiver);
  }

  /**
   * How many ms from now the encode in progress should end (0 when none runs). A capture that completes sooner is
   * only coalesced into a later one: the capture may wait that long, less its own duration, and save the work.
   */
  busyFor(): number {
    if (!this.encoding) return 0;
    return Math.max(0, this.encodeStarted + this.encodeMs - performance.now());
  }

  /**
   * The version of `tile` no picture will show because a surface copy makes it (undefined when pictures carry
   * its newest version, or will once the next encode decides). A receiver without that version on its surface,
   * one that could not take the copy, must get the tile another way.
   */
  leftToCopies(tile: number): number | undefined {
    const version = this.store.versions[tile];
    return this.held[tile] === version && this.copied[tile] !== version ? version : undefined;
  }

  /** How many receivers are attached. */
  get receiverCount(): number {
    return this.receivers.size;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.motion.close();
    this.receivers.clear();
    this.coder.close();
  }

  private schedule(): void {
    this.pending = true;
    if (this.encoding || this.closed) return;
    this.encoding = true;
    this.run()
      .catch((error) => {
        if (this.closed) return;
        this.mustKeyFrame = true;
        for (const r of this.receivers) r.lostSync();
        this.options.onError(error);
      })
      .finally(() => {
        this.encoding = false;
      });
  }

  private async run(): Promise<void> {
    while (this.pending && !this.closed) {
      this.pending = false;
      const receivers = [...this.receivers].filter((r) => r.receiving);
      const now = Date.now();
      const sinceKeyFrame = now - this.lastKeyFrame;
      const keyFrame =
        this.mustKeyFrame ||
        receivers.some(
          (r) => !r.inSync && sinceKeyFrame >= (r.joining ? this.joinKeyFrameIntervalMs : this.keyFrameIntervalMs),
        );
      // A P-frame nobody can decode would be wasted work (the encoder simply predicts from its last picture).
      if (!this.motion.anyMoving || !(keyFrame || receivers.some((r) => r.inSync))) continue;
      // Never a picture of a tile half written by a capture.
      await this.store.whenWritten();
      if (this.closed) return;
      const versions = this.store.versions.slice();
      this.takeMoves();
      const inMotion = new Set(this.motion.tilesInMotion());
      const changed = this.copyInput(inMotion);
      const moving = [...inMotion].filter((t) => this.copied[t] === versions[t]);
      const shown = new Set(moving);
      const plan = this.rate.encoding();
      if (plan) this.coder.setRate(plan);
      const { grid } = this.store;
      this.encodeStarted = performance.now();
      const result = await this.coder.code(
        { data: this.input, stride: this.width * 4 },
        keyFrame,
        (x, y) => {
          const tile = grid.tileAt(x, y);
          return tile !== undefined && shown.has(tile);
        },
        changed,
      );
      if (this.closed) return;
      const took = performance.now() - this.encodeStarted;
      this.encodeMs = this.encodes === 0 ? took : this.encodeMs + (took - this.encodeMs) * ENCODE_TIME_WEIGHT;
      this.encodes++;
      if (result.keyFrame) {
        this.keyFrames++;
        this.lastKeyFrame = now;
        this.mustKeyFrame = false;
      }
      const unit: AccessUnit = {
        bitstream: result.bitstream,
        auxiliary: result.auxiliary,
        keyFrame: result.keyFrame,
        versions,
        moving,
      };
      for (const r of this.receivers) r.receive(unit);
    }
  }

  /**
   * Takes the store's new moves into {@link held} as the client that took every picture applies them: the band
   * it can copy (see {@link usableBand}), none over a newer picture. Tiles out of motion are the lossless
   * stream's, taken to hold what the move read. The guess costs no correctness: a receiver that could not take
   * a copy gets what it lacks losslessly (see {@link leftToCopies}).
   */
  private takeMoves(): void {
    for (const move of this.store.moves) {
      if (move.sequence < this.nextMove) continue;
      if (writesOverNewer(move, (t) => this.held[t])) continue;
      const holds = (t: number) =>
        this.motion.isMoving(t) ? this.held[t] : move.sourceVersions[move.sourceTiles.indexOf(t)];
      const copy = usableBand(this.store.grid, move, holds);
      if (!copy) continue;
      for (const { tile, version } of tilesFilledBy(this.store.grid, move, copy)) {
        this.held[tile] = Math.max(this.held[tile], version);
      }
    }
    this.nextMove = this.store.movesRecorded;
  }

  /**
   * The store's tiles in motion that changed since the last encode, but for those a copy brought up to date,
   * into the padded input (a copy: the next capture may write the store during the encode). Runs of changed
   * tiles in a tile row go as one span per pixel row; a moving window or box copies its own tiles, not the 8 MB
   * of a full screen. Tiles not in motion are never shown from a picture: left as they were, what stands still
   * or a surface copy moved costs no bits. Returns the spans copied.
   */
  private copyInput(inMotion: ReadonlySet<number>): Rect[] {
    const spans: Rect[] = [];
    const { data, stride, width, height } = this.store.frame;
    const { grid, versions } = this.store;
    const inputStride = this.width * 4;
    for (let row = 0; row < grid.rows; row++) {
      let col = 0;
      while (col < grid.columns) {
        const first = row * grid.columns + col;
        const stale = (t: number) => this.copied[t] !== versions[t] && this.held[t] !== versions[t] && inMotion.has(t);
        if (!stale(first)) {
          col++;
          continue;
        }
        let end = col;
        while (end < grid.columns && stale(row * grid.columns + end)) {
          const t = row * grid.columns + end;
          this.copied[t] = versions[t];
          this.held[t] = versions[t];
          end++;
        }
        const x0 = col * TILE_SIZE;
        const x1 = Math.min(width, end * TILE_SIZE);
        const y1 = Math.min(height, (row + 1) * TILE_SIZE);
        for (let y = row * TILE_SIZE; y < y1; y++) {
          this.input.set(data.subarray(y * stride + x0 * 4, y * stride + x1 * 4), y * inputStride + x0 * 4);
        }
        spans.push({ x: x0, y: row * TILE_SIZE, width: x1 - x0, height: y1 - row * TILE_SIZE });
        col = end;
      }
    }
    return spans;
  }
}
