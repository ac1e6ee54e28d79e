import type { DesktopSource, Rect } from '@rdshare/native';
import { invalidArgument } from './errors.js';
import { type Region, regionWithin } from './graphics/region.js';
import { WindowMask } from './graphics/window-mask.js';

/** @internal What the frame buffer reads: the open session's desktop and the part of it that is shared. */
export interface SharedScreen {
  source: DesktopSource;
  /** The shared area in screen coordinates; frame buffer coordinates start at its top-left corner. */
  area: Rect;
  /** What the application filter lets attendees see, in screen coordinates; undefined when it shows everything. */
  visibleRegion?: Region;
}

/** Bytes per pixel of what {@link FrameBuffer.getFrameBufferBits} returns. */
const FRAME_BUFFER_BPP = 32;
const BYTES_PER_PIXEL = FRAME_BUFFER_BPP / 8;
const OPAQUE = 0xff;

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The sharer's frame buffer: IRDPSRAPIFrameBuffer, the pixels attendees are shown. Reads go to the shared
 * screen itself, so they return what is on it now whether or not anybody watches; pixels the application filter
 * hides are blank (black) here as they are for attendees.
 *
 * @example
 * ```ts
 * const fb = session.frameBuffer;
 * const bits = await fb.getFrameBufferBits(0, 0, fb.width, fb.height); // BGRA, fb.width * 4 bytes a row
 * ```
 */
export class FrameBuffer {
  /** @internal */
  constructor(
    /** Throws `NOT_OPEN` / `CLOSED` while there is no open session. */
    private readonly screen: () => SharedScreen,
  ) {}

  /** get_Width: width of the shared area in pixels. @throws {RdshareError} `NOT_OPEN` before `open()`. */
  get width(): number {
    return this.screen().area.width;
  }

  /** get_Height: height of the shared area in pixels. @throws {RdshareError} `NOT_OPEN` before `open()`. */
  get height(): number {
    return this.screen().area.height;
  }

  /**
   * get_Bpp: always 32. The frame buffer holds the screen as captured, whatever colour depth the attendees are
   * sent (`colorDepth`).
   */
  get bpp(): number {
    return FRAME_BUFFER_BPP;
  }

  /**
   * GetFrameBufferBits: the pixels of a rectangle of the shared area, `width * 4` bytes a row, top row first,
   * each pixel blue, green, red, alpha (always 255).
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` when the rectangle is not made of integers, is empty or reaches
   *   outside `width` x `height`; `NOT_OPEN` / `CLOSED` without an open session.
   * @example
   * ```ts
   * const pixel = await session.frameBuffer.getFrameBufferBits(10, 20, 1, 1);
   * const [blue, green, red] = pixel;
   * ```
   */
  async getFrameBufferBits(x: number, y: number, width: number, height: number): Promise<Uint8Array> {
    const { source, area, visibleRegion } = this.screen();
    if (![x, y, width, height].every(isInteger)) {
      throw invalidArgument(`x, y, width and height must be integers, got ${x}, ${y}, ${width}, ${height}`);
    }
    if (width <= 0 || height <= 0 || x < 0 || y < 0 || x + width > area.width || y + height > area.height) {
      throw invalidArgument(
        `the rectangle ${width}x${height} at ${x},${y} is empty or not inside the ${area.width}x${area.height} frame buffer`,
      );
    }
    const frame = source.allocateFrame(width, height);
    const onScreen = { x: area.x + x, y: area.y + y, width, height };
    await source.capture(onScreen, frame);
    if (visibleRegion)
      new WindowMask(regionWithin(visibleRegion, onScreen)).blank(frame, { x: 0, y: 0, width, height });
    const bits = frame.data;
    // Captures are BGRX: the fourth byte is whatever the X server left there.
    for (let i = BYTES_PER_PIXEL - 1; i < bits.length; i += BYTES_PER_PIXEL) bits[i] = OPAQUE;
    return bits;
  }
}
