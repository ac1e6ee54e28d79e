import { MotionTracker, type MotionTrackerOptions } from './motion-tracker.js';
import type { TileStore } from './tile-store.js';

/** What the surface encoder needs of an H.264 encoder (`@rdshare/native`'s `H264Encoder`). */
export interface H264FrameEncoder {
  encode(
    frame: { data: Uint8Array; stride: number },
    output: Uint8Array,
    options?: { keyFrame?: boolean },
  ): Promise<{ byteLength: number; keyFrame: boolean }>;
  close(): void;
}

/** Makes an encoder for frames of `width` x `height` (multiples of 16). */
export type H264EncoderFactory = (size: { width: number; height: number }) => H264FrameEncoder;

/** One encoded picture of the whole surface, shared by every attendee that receives it. */
export interface AccessUnit {
  /** The Annex B bytes; never changed once made. */
  readonly bitstream: Uint8Array;
  readonly keyFrame: boolean;
  /** The store's tile versions the picture shows. */
  readonly versions: Uint32Array;
  /** The tiles in motion when the picture was taken: the only ones a client is told to show from it. */
  readonly moving: readonly number[];
}

/** An attendee of the shared encoder. */
export interface AccessUnitReceiver {
  /** Whether its decoder has every access unit since its last key frame, so the next P-frame is of use to it. */
  readonly inSync: boolean;
  /** Whether it takes pictures now (a paused or reactivating attendee does not, and needs no key frame). */
  readonly receiving: boolean;
  receive(unit: AccessUnit): void;
  /** The encoder failed: the receiver's decoder can no longer follow and must wait for a key frame. */
  lostSync(): void;
}

export interface H264SurfaceEncoderOptions {
  /** Fewest ms between two key frames forced for receivers out of sync (default 1000). */
  keyFrameIntervalMs?: number;
  motion?: MotionTrackerOptions;
  onError(error: unknown): void;
}

/** H.264 frames are whole macroblocks: the surface is encoded padded to a multiple of this. */
const MACROBLOCK_SIZE = 16;
/** Output room per pixel: as large as the BGRX frame, which the native encoder guarantees always suffices. */
const OUTPUT_BYTES_PER_PIXEL = 4;

const padded = (n: number) => Math.ceil(n / MACROBLOCK_SIZE) * MACROBLOCK_SIZE;

/**
 * Encode once for every AVC attendee of a surface: one H.264 encoder for the tile store's surface, run only
 * when a capture changed tiles in motion and some attendee can use the picture, never more than once per capture
 * (captures that arrive during an encode are coalesced into the next one), and nothing at all while the desktop
 * is idle. Every receiver in sync gets the same access unit.
 *
 * A P-frame is of use only to a decoder that has every frame since the last key frame. A receiver that joins, or
 * that had to skip an access unit (flow control), is out of sync until a key frame; its tiles in motion meanwhile
 * go lossless, so its picture stays right. Its need forces the next encode to be a key frame, shared by all:
 * the receivers in sync pay a larger frame rather than the encoder running twice. Forced key frames are at least
 * `keyFrameIntervalMs` apart, so a joiner or a persistently slow attendee costs the others at most one key frame
 * a second and waits at most that long on the lossless path.
 */
export class H264SurfaceEncoder {
  readonly motion: MotionTracker;
  /** The encoded size: the surface padded to whole macroblocks. */
  readonly width: number;
  readonly height: number;
  /** Encodes and key frames done (for tests and benchmarks of the encode-once promise). */
  encodes = 0;
  keyFrames = 0;
  private readonly encoder: H264FrameEncoder;
  private readonly input: Uint8Array;
  private readonly output: Uint8Array;
  private readonly receivers = new Set<AccessUnitReceiver>();
  private readonly keyFrameIntervalMs: number;
  private lastKeyFrame = Number.NEGATIVE_INFINITY;
  /** The encoder's state is unknown to every decoder (an encode failed): the next picture must be a key frame. */
  private mustKeyFrame = false;
  private encoding = false;
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
    this.width = padded(store.frame.width);
    this.height = padded(store.frame.height);
    this.encoder = createEncoder({ width: this.width, height: this.height });
    this.input = new Uint8Array(this.width * this.height * 4);
    this.output = new Uint8Array(this.width * this.height * OUTPUT_BYTES_PER_PIXEL);
    this.unsubscribe = store.onChange((tiles) => {
      if (tiles.some((t) => this.motion.isMoving(t))) this.schedule();
    });
  }

  /** Adds a receiver; returns the function that removes it. */
  attach(receiver: AccessUnitReceiver): () => void {
    this.receivers.add(receiver);
    return () => this.receivers.delete(receiver);
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
    this.encoder.close();
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
      const keyFrame =
        this.mustKeyFrame || (receivers.some((r) => !r.inSync) && now - this.lastKeyFrame >= this.keyFrameIntervalMs);
      // A P-frame nobody can decode would be wasted work (the encoder simply predicts from its last picture).
      if (!this.motion.anyMoving || !(keyFrame || receivers.some((r) => r.inSync))) continue;
      const versions = this.store.versions.slice();
      const moving = this.motion.tilesInMotion();
      this.copyInput();
      const result = await this.encoder.encode({ data: this.input, stride: this.width * 4 }, this.output, {
        keyFrame,
      });
      if (this.closed) return;
      this.encodes++;
      if (result.keyFrame) {
        this.keyFrames++;
        this.lastKeyFrame = now;
        this.mustKeyFrame = false;
      }
      const unit: AccessUnit = {
        bitstream: this.output.slice(0, result.byteLength),
        keyFrame: result.keyFrame,
        versions,
        moving,
      };
      for (const r of this.receivers) r.receive(unit);
    }
  }

  /** The store's frame into the padded input (a copy: the next capture may write the store during the encode). */
  private copyInput(): void {
    const { data, stride, width, height } = this.store.frame;
    const rowBytes = width * 4;
    const inputStride = this.width * 4;
    for (let y = 0; y < height; y++) {
      this.input.set(data.subarray(y * stride, y * stride + rowBytes), y * inputStride);
    }
  }
}

/** The native encoder's frame-rate ceiling. */
const MAX_FRAME_RATE = 240;
/**
 * Target bits per pixel per frame: about 2 Mbit/s for 1280x800 at 30 fps, the order of what FreeRDP's shadow
 * server's AVC420 stream used for the same animation here (260 kB/s), so the motion stays sharp at that budget.
 */
const BITS_PER_PIXEL_FRAME = 0.07;
/** Below this a small surface's motion turns to mush. */
const MIN_BITRATE = 500_000;

/** Rate-control settings for an encoder of `size` when captures are at least `captureIntervalMs` apart. */
export function h264RateFor(
  size: { width: number; height: number },
  captureIntervalMs: number,
): { frameRate: number; bitrate: number } {
  const frameRate = Math.min(MAX_FRAME_RATE, 1000 / Math.max(1, captureIntervalMs));
  const bitrate = Math.max(MIN_BITRATE, Math.round(size.width * size.height * frameRate * BITS_PER_PIXEL_FRAME));
  return { frameRate, bitrate };
}
