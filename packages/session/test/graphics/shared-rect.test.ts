import { describe, expect, it } from 'vitest';
import { RdshareError } from '../../src/errors.js';
import { SharedArea } from '../../src/graphics/shared-rect.js';

describe('SharedArea', () => {
  it('shares the whole screen until a rectangle is set', () => {
    const a = new SharedArea({ width: 640, height: 480 });
    expect(a.rect).toEqual({ left: 0, top: 0, right: 640, bottom: 480 });
    expect(a.set({ left: 100, top: 50, right: 420, bottom: 290 })).toBe(true);
    expect(a.area).toEqual({ x: 100, y: 50, width: 320, height: 240 });
    expect(a.set({ left: 100, top: 50, right: 420, bottom: 290 })).toBe(false);
  });

  it.each([
    [{ left: -1, top: 0, right: 10, bottom: 10 }, /not inside the 640x480 screen/],
    [{ left: 0, top: 0, right: 641, bottom: 10 }, /not inside/],
    [{ left: 0, top: 0, right: 10, bottom: 481 }, /not inside/],
    [{ left: 10, top: 0, right: 10, bottom: 10 }, /empty/],
    [{ left: 0, top: 20, right: 10, bottom: 10 }, /empty/],
    [{ left: 0.5, top: 0, right: 10, bottom: 10 }, /integer/],
    [{ left: 0, top: 0, right: Number.NaN, bottom: 10 }, /integer/],
  ])('refuses %j with a typed error', (rect, message) => {
    const a = new SharedArea({ width: 640, height: 480 });
    const error = (() => {
      try {
        a.set(rect);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RdshareError);
    expect((error as RdshareError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(message);
    expect(a.rect).toEqual({ left: 0, top: 0, right: 640, bottom: 480 });
  });

  it('follows the screen: the whole screen grows with it, a chosen rectangle is clipped and comes back', () => {
    const a = new SharedArea({ width: 640, height: 480 });
    expect(a.resizeScreen({ width: 800, height: 600 })).toBe(true);
    expect(a.rect).toEqual({ left: 0, top: 0, right: 800, bottom: 600 });
    a.set({ left: 400, top: 300, right: 800, bottom: 600 });
    expect(a.resizeScreen({ width: 640, height: 480 })).toBe(true);
    expect(a.rect).toEqual({ left: 400, top: 300, right: 640, bottom: 480 });
    // Nothing of it left on a tiny screen: the whole screen is shared rather than nothing.
    expect(a.resizeScreen({ width: 320, height: 200 })).toBe(true);
    expect(a.rect).toEqual({ left: 0, top: 0, right: 320, bottom: 200 });
    expect(a.resizeScreen({ width: 800, height: 600 })).toBe(true);
    expect(a.rect).toEqual({ left: 400, top: 300, right: 800, bottom: 600 });
    expect(a.resizeScreen({ width: 1024, height: 768 })).toBe(false);
  });
});
