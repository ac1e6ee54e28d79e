import { invalidArgument } from '../errors.js';
import type { Rect } from './tile-grid.js';

/**
 * The shared part of the desktop as IRDPSRAPISharingSession's Get/SetDesktopSharedRect give it: a Win32 RECT,
 * `left`/`top` inclusive and `right`/`bottom` exclusive, in screen pixels.
 */
export interface SharedRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A screen size in pixels. */
export interface ScreenSize {
  width: number;
  height: number;
}

const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * @internal The area the session shares: the whole screen until `set()` narrows it, clipped to the screen when
 * the display shrinks under it (and the whole screen again if nothing of it is left).
 */
export class SharedArea {
  private chosen?: SharedRect;
  private screen: ScreenSize;

  constructor(screen: ScreenSize) {
    this.screen = { width: screen.width, height: screen.height };
  }

  /** The rectangle shared now. */
  get rect(): SharedRect {
    const { width, height } = this.screen;
    const c = this.chosen;
    if (c) {
      const clipped = { left: c.left, top: c.top, right: Math.min(c.right, width), bottom: Math.min(c.bottom, height) };
      if (clipped.right > clipped.left && clipped.bottom > clipped.top) return clipped;
    }
    return { left: 0, top: 0, right: width, bottom: height };
  }

  /** The shared rectangle as origin and size. */
  get area(): Rect {
    const r = this.rect;
    return { x: r.left, y: r.top, width: r.right - r.left, height: r.bottom - r.top };
  }

  /**
   * Shares `rect` from now on. @returns whether the shared area changed.
   * @throws {RdshareError} `INVALID_ARGUMENT` unless it is a non-empty integer rectangle inside the screen.
   */
  set(rect: SharedRect): boolean {
    const { left, top, right, bottom } = rect;
    if (![left, top, right, bottom].every(isCoordinate)) {
      throw invalidArgument(`the shared rectangle needs integer left, top, right and bottom, got ${describe(rect)}`);
    }
    const { width, height } = this.screen;
    if (left < 0 || top < 0 || right > width || bottom > height) {
      throw invalidArgument(`the shared rectangle ${describe(rect)} is not inside the ${width}x${height} screen`);
    }
    if (right <= left || bottom <= top) {
      throw invalidArgument(`the shared rectangle ${describe(rect)} is empty: right must exceed left, bottom top`);
    }
    const before = this.rect;
    this.chosen = { left, top, right, bottom };
    return !sameRect(before, this.rect);
  }

  /** The display changed size. @returns whether the shared area changed. */
  resizeScreen(screen: ScreenSize): boolean {
    const before = this.rect;
    this.screen = { width: screen.width, height: screen.height };
    return !sameRect(before, this.rect);
  }
}

export const sameRect = (a: SharedRect, b: SharedRect): boolean =>
  a.left === b.left && a.top === b.top && a.right === b.right && a.bottom === b.bottom;

const describe = (r: SharedRect) => `(${r.left}, ${r.top}, ${r.right}, ${r.bottom})`;
