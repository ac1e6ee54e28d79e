import type { DesktopSource, Frame, Rect } from '@rdshare/native';
import { describe, expect, it } from 'vitest';
import { RdshareError } from '../src/errors.js';
import { FrameBuffer } from '../src/frame-buffer.js';

/** A 100x50 screen whose pixel (x, y) is B = x, G = y, R = 7, X = 0. */
function fakeScreen(): { source: DesktopSource; captures: Rect[] } {
  const captures: Rect[] = [];
  const source = {
    width: 100,
    height: 50,
    allocateFrame: (width: number, height: number): Frame => ({
      width,
      height,
      stride: width * 4,
      data: new Uint8Array(width * height * 4),
    }),
    capture: async (rect: Rect, into: Frame) => {
      captures.push(rect);
      for (let y = 0; y < rect.height; y++)
        for (let x = 0; x < rect.width; x++) into.data.set([rect.x + x, rect.y + y, 7, 0], (y * into.width + x) * 4);
    },
  } as unknown as DesktopSource;
  return { source, captures };
}

describe('FrameBuffer', () => {
  it('reads a rectangle of the shared area as opaque BGRA, offset by the area origin', async () => {
    const { source, captures } = fakeScreen();
    const fb = new FrameBuffer(() => ({ source, area: { x: 10, y: 5, width: 60, height: 40 } }));
    expect([fb.width, fb.height, fb.bpp]).toEqual([60, 40, 32]);
    const bits = await fb.getFrameBufferBits(2, 3, 2, 1);
    expect(captures).toEqual([{ x: 12, y: 8, width: 2, height: 1 }]);
    expect([...bits]).toEqual([12, 8, 7, 255, 13, 8, 7, 255]);
  });

  it('blanks what the application filter hides, as attendees see it', async () => {
    const { source } = fakeScreen();
    const fb = new FrameBuffer(() => ({
      source,
      area: { x: 10, y: 5, width: 60, height: 40 },
      visibleRegion: [{ x: 13, y: 0, width: 1, height: 50 }],
    }));
    const bits = await fb.getFrameBufferBits(2, 3, 2, 1);
    expect([...bits]).toEqual([0, 0, 0, 255, 13, 8, 7, 255]);
  });

  it.each([
    [0, 0, 0, 1],
    [-1, 0, 1, 1],
    [0, 0, 61, 1],
    [59, 39, 2, 1],
    [0, 0.5, 1, 1],
    [0, 0, 1, Number.NaN],
  ])('refuses the rectangle x=%d y=%d %dx%d with INVALID_ARGUMENT', async (x, y, w, h) => {
    const { source } = fakeScreen();
    const fb = new FrameBuffer(() => ({ source, area: { x: 10, y: 5, width: 60, height: 40 } }));
    await expect(fb.getFrameBufferBits(x, y, w, h)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reports a closed session', async () => {
    const fb = new FrameBuffer(() => {
      throw new RdshareError('NOT_OPEN', 'open first');
    });
    expect(() => fb.width).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    await expect(fb.getFrameBufferBits(0, 0, 1, 1)).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });
});
