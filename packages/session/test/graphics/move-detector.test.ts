import { describe, expect, it } from 'vitest';
import { detectMove, detectVerticalMove, type SurfaceMove, verifyShift } from '../../src/graphics/move-detector.js';
import type { Rect } from '../../src/graphics/tile-grid.js';

const W = 160;
const H = 160;

type Frame = ReturnType<typeof frame>;

function frame(fill: (x: number, y: number) => number) {
  const data = new Uint8Array(W * H * 4);
  const view = new DataView(data.buffer);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) view.setUint32((y * W + x) * 4, fill(x, y), true);
  return { width: W, height: H, stride: W * 4, data };
}
/** A pixel unique to its row and column, as text lines differ. */
const detail = (x: number, y: number) => (Math.imul(y + 1, 0x9e3779b1) ^ Math.imul(x + 7, 0x85ebca6b)) >>> 8;

/** A picture that moved, or did not, from `before` (detail unless told) to `after`, inside `rect` (all unless told). */
interface MoveCase {
  name: string;
  before?: (x: number, y: number) => number;
  after: (x: number, y: number) => number;
  rect?: Rect;
  /** The move expected, undefined for none. */
  move: SurfaceMove | undefined;
}

const ALL: Rect = { x: 0, y: 0, width: W, height: H };
/** Scrolled up by 11 rows, new content in the rows it exposes. */
const SCROLLED_UP_11 = (x: number, y: number) => (y < H - 11 ? detail(x, y + 11) : 0x123456);
/** The same row everywhere but for a 6-pixel glyph that depends on where it is: lines that differ in one character. */
const text = (x: number, y: number) => (x >= 40 && x < 46 ? detail(x, y) : (x * 0x010101) >>> 0);

/** The test of one case for `detect`: it finds the case's move exactly, or none where the case has none. */
const finds =
  (detect: (previous: Frame, next: Frame, rect: Rect) => SurfaceMove | undefined) =>
  ({ before = detail, after, rect = ALL, move }: MoveCase) => {
    expect(detect(frame(before), frame(after), rect)).toEqual(move);
  };

describe('detectVerticalMove', () => {
  it.each<MoveCase>([
    {
      name: 'finds a scroll up by 11 rows as the copy that makes the new rows exactly',
      after: SCROLLED_UP_11,
      move: { src: { x: 0, y: 11, width: W, height: H - 11 }, dest: { x: 0, y: 0 } },
    },
    {
      name: 'finds a scroll down, reading rows from above the damaged rectangle',
      after: (x, y) => (y >= 90 ? detail(x, y - 20) : detail(x, y)),
      rect: { x: 0, y: 90, width: W, height: 70 },
      move: { src: { x: 0, y: 70, width: W, height: 70 }, dest: { x: 0, y: 90 } },
    },
    {
      name: 'stops the copy at the first row that differs by one byte, also where its hash does not look',
      after: (x, y) => (y === 100 && x === 40 ? detail(x, y + 3) ^ 1 : detail(x, y + 3)),
      rect: { x: 0, y: 0, width: W, height: H - 3 },
      move: { src: { x: 0, y: 3, width: W, height: 100 }, dest: { x: 0, y: 0 } },
    },
    {
      name: 'tells apart text lines that differ in one character only, as numbered log lines do',
      before: text,
      after: (x, y) => text(x, y + 26),
      move: { src: { x: 0, y: 26, width: W, height: H - 26 }, dest: { x: 0, y: 0 } },
    },
    { name: 'finds nothing in new content', after: (x, y) => detail(x + 1, y), move: undefined },
    { name: 'finds nothing in an unmoved picture', after: detail, move: undefined },
    {
      name: 'finds nothing in fewer rows than a tile',
      after: (x, y) => detail(x, y + 2),
      rect: { x: 0, y: 0, width: W, height: 63 },
      move: undefined,
    },
  ])('$name', finds(detectVerticalMove));
});

describe('detectMove', () => {
  it.each<MoveCase>([
    {
      name: 'finds a view panned left by 24 columns, the exposed strip on the right left out',
      after: (x, y) => (x < W - 24 ? detail(x + 24, y) : 0x123456),
      move: { src: { x: 24, y: 0, width: W - 24, height: H }, dest: { x: 0, y: 0 } },
    },
    {
      name: 'finds a pan to the right inside still margins, its columns narrowed to the view',
      // The view spans columns 20 to 139; its content moves 16 to the right and new content fills 20 to 35.
      after: (x, y) => {
        if (x < 20 || x >= 140) return detail(x, y);
        return x < 36 ? 0x777777 : detail(x - 16, y);
      },
      move: { src: { x: 20, y: 0, width: 104, height: H }, dest: { x: 36, y: 0 } },
    },
    {
      name: 'finds a picture panned diagonally, up by 9 rows and left by 21 columns, the strips it exposes left out',
      after: (x, y) => (x < W - 21 && y < H - 9 ? detail(x + 21, y + 9) : 0x123456),
      move: { src: { x: 21, y: 9, width: W - 21, height: H - 9 }, dest: { x: 0, y: 0 } },
    },
    {
      name: 'finds a diagonal pan down and right in a rectangle, reading rows from above it',
      // Rows 40 to 159 show what was 13 columns to the left and 30 rows up; new content in the 13 columns exposed.
      after: (x, y) => {
        if (y < 40) return detail(x, y);
        return x < 13 ? 0x777777 : detail(x - 13, y - 30);
      },
      rect: { x: 0, y: 40, width: W, height: H - 40 },
      move: { src: { x: 0, y: 10, width: W - 13, height: H - 40 }, dest: { x: 13, y: 40 } },
    },
    {
      name: 'still finds vertical scrolls',
      after: SCROLLED_UP_11,
      move: { src: { x: 0, y: 11, width: W, height: H - 11 }, dest: { x: 0, y: 0 } },
    },
    { name: 'finds no move in new content', after: (x, y) => detail(x, y) ^ 0x10101, move: undefined },
    { name: 'finds no move in one colour panned', before: () => 0x445566, after: () => 0x445566, move: undefined },
    {
      // Panned by 24, but each row has a pixel the old frame never had: no row matches byte for byte.
      name: 'finds no move where every row changed in one pixel',
      after: (x, y) => (x === y % (W - 24) ? 0xabcdef : detail(x + 24, y)),
      move: undefined,
    },
    {
      name: 'leaves a view narrower than two tiles alone (a pan there spares no tile)',
      after: (x, y) => (x < 100 ? detail(x + 8, y) : detail(x, y)),
      rect: { x: 0, y: 0, width: 100, height: H },
      move: undefined,
    },
  ])('$name', finds(detectMove));
});

describe('verifyShift', () => {
  /** A window of detail at (10, 20), 100 x 90, over a background of one colour, dragged to `to`. */
  const windowAt = (at: { x: number; y: number }) =>
    frame((x, y) =>
      x >= at.x && x < at.x + 100 && y >= at.y && y < at.y + 90 ? detail(x - at.x + 10, y - at.y + 20) : 0x303030,
    );

  it('verifies a window dragged diagonally as the copy of its whole block', () => {
    const before = windowAt({ x: 10, y: 20 });
    const after = windowAt({ x: 40, y: 5 });
    expect(verifyShift(before, after, { x: 40, y: 5, width: 100, height: 90 }, { dx: 30, dy: -15 })).toEqual({
      src: { x: 10, y: 20, width: 100, height: 90 },
      dest: { x: 40, y: 5 },
    });
  });

  it('clips a window dragged partly off the frame to what is on it on both sides', () => {
    const before = windowAt({ x: 10, y: 20 });
    const after = windowAt({ x: 80, y: 60 });
    expect(verifyShift(before, after, { x: 80, y: 60, width: 100, height: 90 }, { dx: 70, dy: 40 })).toEqual({
      src: { x: 10, y: 20, width: 80, height: 90 },
      dest: { x: 80, y: 60 },
    });
  });

  it('refuses a shift the pixels do not bear out, no shift, and blocks smaller than a tile', () => {
    const before = windowAt({ x: 10, y: 20 });
    const after = windowAt({ x: 40, y: 5 });
    const area = { x: 40, y: 5, width: 100, height: 90 };
    expect(verifyShift(before, after, area, { dx: 29, dy: -15 })).toBeUndefined();
    expect(verifyShift(before, before, area, { dx: 0, dy: 0 })).toBeUndefined();
    expect(verifyShift(before, after, { ...area, height: 63 }, { dx: 30, dy: -15 })).toBeUndefined();
    // Dragged and redrawn at once: one changed row splits the block, and only the part below it is a tile high.
    const redrawn = frame((x, y) => (y === 30 ? 0x010203 : windowPixel(after, x, y)));
    expect(verifyShift(before, redrawn, area, { dx: 30, dy: -15 })).toEqual({
      src: { x: 10, y: 46, width: 100, height: 64 },
      dest: { x: 40, y: 31 },
    });
    const twice = frame((x, y) => (y === 30 || y === 60 ? 0x010203 : windowPixel(after, x, y)));
    expect(verifyShift(before, twice, area, { dx: 30, dy: -15 })).toBeUndefined();
  });
});

function windowPixel(f: { data: Uint8Array }, x: number, y: number): number {
  return new DataView(f.data.buffer).getUint32((y * W + x) * 4, true);
}

describe('detectMove with hints', () => {
  /** Rows that each occur twice in the frame: the hash search finds no row it could vote with. */
  const twice = (x: number, y: number) => detail(x, y % (H / 2));
  /** Scrolled up by 7 rows under a counter strip painted over the top left, as the bench's terminal has. */
  const scrolled = frame((x, y) => (y < 24 && x < 64 ? 0xff0000 : twice(x, y + 7)));
  const all = { x: 0, y: 0, width: W, height: H };

  it('takes a hinted scroll that explains most of the rectangle, a strip painted over it left out', () => {
    const before = frame(twice);
    expect(detectMove(before, scrolled, all, [{ dx: 0, dy: -7 }])).toEqual({
      src: { x: 0, y: 31, width: W, height: H - 31 },
      dest: { x: 0, y: 24 },
    });
    // Without the hint the same frames give the search nothing to go on: the hint is what found it.
    expect(detectMove(before, scrolled, all)).toBeUndefined();
  });

  it('searches on when the hinted shift explains too little', () => {
    const before = frame(twice);
    const mostlyNew = frame((x, y) => (y < H / 2 ? 0x123456 + x : twice(x, y + 7)));
    expect(detectMove(before, mostlyNew, all, [{ dx: 0, dy: -7 }])).toBeUndefined();
  });
});
