/** An H.264 encoder's rate control: the frames per second it plans for and the bits per second it spends. */
export interface H264Rate {
  frameRate: number;
  bitrate: number;
}

/** The native encoder's frame-rate ceiling. */
const MAX_FRAME_RATE = 240;
/** The frame rate at which each frame gets {@link BITS_PER_PIXEL_AT_REFERENCE}. */
const REFERENCE_FRAME_RATE = 30;
/**
 * Bits per pixel per frame at 30 frames/s: 0.61 Mbit/s for 1280x800. Measured on the session bench's moving box
 * at 1280x800 and 30 fps (`pnpm bench` in @rdshare/native draws it; luma PSNR of the whole decoded picture):
 * 0.07 bit/pixel 33 kbit a frame at 36.0 dB, 0.035 27 kbit at 35.2 dB, 0.02 15 kbit at 34.0 dB, 0.01 4 kbit
 * at 31.5 dB. In the session the box cost 26 kbit a frame at 0.035 and at 0.07 alike (the quantiser's floor), so
 * only a budget below that saves bytes. Motion needs no more: every tile that stops moving is sent again lossless
 * within a second, so the picture the viewer keeps is exact whatever the motion cost.
 */
const BITS_PER_PIXEL_AT_REFERENCE = 0.02;
/** Below this a small surface's motion turns to mush. */
const MIN_BITRATE = 500_000;

/**
 * The rate plan for a surface of `size` encoded `frameRate` times a second. Each frame's budget shrinks with the
 * square root of the frame rate, so bits per second grow with its square root only: at twice the frame rate each
 * picture carries half the change of the one before, and the eye holds a fast-moving picture less long. A
 * full-screen 1920x1088 motion gets 1.8 Mbit/s at 60 frames/s (0.014 bit/pixel a frame) and 1.25 at 30; in the
 * native bench its frames cost ~190 kbit at 60 frames/s whatever the budget below 9 Mbit/s (OpenH264 at its
 * coarsest quantiser, 22 dB), so there the budget only keeps the rate control from aiming higher.
 */
export function h264RateFor(size: { width: number; height: number }, frameRate: number): H264Rate {
  const rate = Math.min(MAX_FRAME_RATE, Math.max(1, frameRate));
  const bitsPerPixel = BITS_PER_PIXEL_AT_REFERENCE * Math.sqrt(REFERENCE_FRAME_RATE / rate);
  const bitrate = Math.max(MIN_BITRATE, Math.round(size.width * size.height * rate * bitsPerPixel));
  return { frameRate: rate, bitrate };
}

export interface H264RatePlannerOptions {
  /** The window encodes are counted over, in ms (default 1000). */
  windowMs?: number;
  /** A new plan only when the measured rate is off the planned one by more than this fraction (default 0.2). */
  tolerance?: number;
}

/**
 * Keeps an encoder's rate plan at the rate it really encodes at. A sharer plans for its capture rate, but encodes
 * only when something moves and one picture at a time, so it may encode 16 frames a second where it planned 60:
 * each of those frames would get a quarter of its share. The planner measures the rate from the encodes of the
 * last second (over at least half a second of them) and, when it is off the plan by more than the tolerance,
 * returns a new plan for it (never above the capture rate, never below 1 frame/s).
 */
export class H264RatePlanner {
  private readonly windowMs: number;
  private readonly tolerance: number;
  /** When the encodes of the current window happened; at most the capture rate's worth of a window. */
  private readonly times: number[] = [];
  private readonly maxTimes: number;
  private planned: number;

  constructor(
    private readonly size: { width: number; height: number },
    /** The capture rate: the most frames a second there can be to encode. */
    private readonly maxFrameRate: number,
    private readonly now: () => number = Date.now,
    options: H264RatePlannerOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 1000;
    this.tolerance = options.tolerance ?? 0.2;
    this.planned = Math.min(MAX_FRAME_RATE, maxFrameRate);
    this.maxTimes = Math.ceil((this.planned * this.windowMs) / 1000) + 1;
  }

  /** The plan to create the encoder with: the capture rate. */
  initial(): H264Rate {
    return h264RateFor(this.size, this.planned);
  }

  /** Counts an encode about to start; returns the plan to switch to before it, if the rate moved. */
  encoding(): H264Rate | undefined {
    const now = this.now();
    while (this.times.length > 0 && this.times[0] <= now - this.windowMs) this.times.shift();
    this.times.push(now);
    if (this.times.length > this.maxTimes) this.times.shift();
    // The rate while encoding, from the gaps between the window's encodes; too few gaps measure nothing.
    const span = now - this.times[0];
    if (span < this.windowMs / 2) return undefined;
    const measured = Math.min(this.maxFrameRate, Math.max(1, ((this.times.length - 1) * 1000) / span));
    if (Math.abs(measured - this.planned) <= this.planned * this.tolerance) return undefined;
    this.planned = measured;
    return h264RateFor(this.size, measured);
  }
}
