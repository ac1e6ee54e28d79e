import { describe, expect, it } from 'vitest';
import { detectVerticalMove } from '../../src/graphics/scroll-detector.js';

const W = 160;
const H = 160;

function frame(fill: (x: number, y: number) => number) {
  const data = new Uint8Array(W * H * 4);
  const view = new DataView(data.buffer);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) view.setUint32((y * W + x) * 4, fill(x, y), true);
  return { width: W, height: H, stride: W * 4, data };
}
/** A pixel unique to its row and column, as text lines differ. */
const detail = (x: number, y: number) => (Math.imul(y + 1, 0x9e3779b1) ^ Math.imul(x + 7, 0x85ebca6b)) >>> 8;

describe('detectVerticalMove', () => {
  it('finds a scroll up by 11 rows as the copy that makes the new rows exactly', () => {
    const before = frame(detail);
    const after = frame((x, y) => (y < H - 11 ? detail(x, y + 11) : 0x123456));
    expect(detectVerticalMove(before, after, { x: 0, y: 0, width: W, height: H })).toEqual({
      src: { x: 0, y: 11, width: W, height: H - 11 },
      dest: { x: 0, y: 0 },
    });
  });

  it('finds a scroll down, reading rows from above the damaged rectangle', () => {
    const before = frame(detail);
    const after = frame((x, y) => (y >= 90 ? detail(x, y - 20) : detail(x, y)));
    expect(detectVerticalMove(before, after, { x: 0, y: 90, width: W, height: 70 })).toEqual({
      src: { x: 0, y: 70, width: W, height: 70 },
      dest: { x: 0, y: 90 },
    });
  });

  it('stops the copy at the first row that differs by one byte, also where its hash does not look', () => {
    const before = frame(detail);
    const after = frame((x, y) => (y === 100 && x === 40 ? detail(x, y + 3) ^ 1 : detail(x, y + 3)));
    const move = detectVerticalMove(before, after, { x: 0, y: 0, width: W, height: H - 3 });
    expect(move).toEqual({ src: { x: 0, y: 3, width: W, height: 100 }, dest: { x: 0, y: 0 } });
  });

  it('tells apart text lines that differ in one character only, as numbered log lines do', () => {
    /** The same row everywhere but for a 6-pixel glyph that depends on where it is. */
    const text = (x: number, y: number) => (x >= 40 && x < 46 ? detail(x, y) : (x * 0x010101) >>> 0);
    const before = frame(text);
    const after = frame((x, y) => text(x, y + 26));
    expect(detectVerticalMove(before, after, { x: 0, y: 0, width: W, height: H })).toEqual({
      src: { x: 0, y: 26, width: W, height: H - 26 },
      dest: { x: 0, y: 0 },
    });
  });

  it('finds nothing in new content, an unmoved picture, or fewer rows than a tile', () => {
    const before = frame(detail);
    expect(
      detectVerticalMove(
        before,
        frame((x, y) => detail(x + 1, y)),
        { x: 0, y: 0, width: W, height: H },
      ),
    ).toBe(undefined);
    expect(detectVerticalMove(before, frame(detail), { x: 0, y: 0, width: W, height: H })).toBeUndefined();
    const shifted = frame((x, y) => detail(x, y + 2));
    expect(detectVerticalMove(before, shifted, { x: 0, y: 0, width: W, height: 63 })).toBeUndefined();
  });
});
