import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MotionTracker } from '../../src/graphics/motion-tracker.js';
import { TileStore } from '../../src/graphics/tile-store.js';
import { photoPixels } from './memory-screen.js';

function store(width = 256, height = 128) {
  return new TileStore({ width, height, stride: width * 4, data: photoPixels(width, height) });
}

describe('MotionTracker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts a tile in motion on its third change within 500 ms, not before', () => {
    const s = store();
    const m = new MotionTracker(s);
    s.markChanged([1]);
    vi.advanceTimersByTime(100);
    s.markChanged([1, 2]);
    expect(m.isMoving(1)).toBe(false);
    vi.advanceTimersByTime(100);
    s.markChanged([1]);
    expect(m.isMoving(1)).toBe(true);
    expect(m.isMoving(2)).toBe(false);
    expect(m.tilesInMotion()).toEqual([1]);
    m.close();
  });

  it('counts in time, not in captures: a tile that changes once a second (a clock) never moves', () => {
    const s = store();
    const m = new MotionTracker(s);
    for (let i = 0; i < 10; i++) {
      s.markChanged([3]);
      vi.advanceTimersByTime(1000);
    }
    expect(m.isMoving(3)).toBe(false);
    // Nor does a caret blinking twice a second.
    for (let i = 0; i < 10; i++) {
      s.markChanged([4]);
      vi.advanceTimersByTime(500);
    }
    expect(m.isMoving(4)).toBe(false);
    m.close();
  });

  it('counts a tile listed twice in one capture once', () => {
    const s = store();
    const m = new MotionTracker(s);
    s.markChanged([5, 5, 5]);
    expect(m.isMoving(5)).toBe(false);
    m.close();
  });

  it('reports a tile settled once it has not changed for 300 ms, and keeps moving tiles that still change', () => {
    const s = store();
    const m = new MotionTracker(s);
    const settled: number[][] = [];
    m.onSettled((tiles) => settled.push([...tiles]));
    // Tiles 0 and 3 are not neighbours (4 columns).
    for (let i = 0; i < 3; i++) {
      s.markChanged([0, 3]);
      vi.advanceTimersByTime(33);
    }
    expect(m.tilesInMotion().sort()).toEqual([0, 3]);
    // Tile 3 keeps moving at 30 fps, tile 0 stops.
    for (let i = 0; i < 12; i++) {
      s.markChanged([3]);
      vi.advanceTimersByTime(33);
    }
    expect(settled).toEqual([[0]]);
    expect(m.isMoving(0)).toBe(false);
    expect(m.isMoving(3)).toBe(true);
    vi.advanceTimersByTime(300);
    expect(settled).toEqual([[0], [3]]);
    expect(m.anyMoving).toBe(false);
    // Idle: no timer keeps running.
    expect(vi.getTimerCount()).toBe(0);
    m.close();
  });

  it('makes a settled tile earn its way back with three new changes', () => {
    const s = store();
    const m = new MotionTracker(s);
    for (let i = 0; i < 3; i++) s.markChanged([2]);
    expect(m.isMoving(2)).toBe(true);
    vi.advanceTimersByTime(300);
    expect(m.isMoving(2)).toBe(false);
    s.markChanged([2]);
    expect(m.isMoving(2)).toBe(false);
    s.markChanged([2]);
    s.markChanged([2]);
    expect(m.isMoving(2)).toBe(true);
    m.close();
  });

  it('lets a tile that changes beside motion join it at once (an object moving into it)', () => {
    const s = store();
    const m = new MotionTracker(s);
    for (let i = 0; i < 3; i++) s.markChanged([0]);
    expect(m.isMoving(0)).toBe(true);
    s.markChanged([0, 5]);
    expect(m.isMoving(5)).toBe(true);
    // Tile 7 is two columns away from any tile in motion.
    s.markChanged([7]);
    expect(m.isMoving(7)).toBe(false);
    m.close();
  });

  it('keeps a still tile in motion while a neighbour moves, but refines it 700 ms after its own last change', () => {
    const s = store();
    const m = new MotionTracker(s);
    const settled: number[][] = [];
    m.onSettled((tiles) => settled.push([...tiles]));
    for (let i = 0; i < 3; i++) {
      s.markChanged([0, 1]);
      vi.advanceTimersByTime(33);
    }
    // Tile 1 plays on, tile 0 (its neighbour) is still: held past 300 ms, settled at 700 ms.
    for (let i = 0; i < 15; i++) {
      s.markChanged([1]);
      vi.advanceTimersByTime(33);
    }
    expect(m.isMoving(0)).toBe(true);
    for (let i = 0; i < 10; i++) {
      s.markChanged([1]);
      vi.advanceTimersByTime(33);
    }
    expect(settled).toEqual([[0]]);
    expect(m.isMoving(1)).toBe(true);
    m.close();
  });
  it('never puts drawn content (text, UI) in motion, however fast it changes, nor beside motion', () => {
    const s = store();
    // Tiles 1 and 2 (top row) hold two-colour text; the others stay a photo.
    const { data, stride } = s.frame;
    for (let y = 0; y < 64; y++) {
      for (let x = 64; x < 192; x++)
        data.fill((x + y) % 5 === 0 ? 0 : 0xff, y * stride + x * 4, y * stride + x * 4 + 4);
    }
    const m = new MotionTracker(s);
    for (let i = 0; i < 6; i++) {
      s.markChanged([0, 1, 2]);
      vi.advanceTimersByTime(33);
    }
    expect(m.isMoving(0)).toBe(true);
    // Tile 1 changed six times beside tile 0 in motion, tile 2 as often: both stay lossless.
    expect(m.isMoving(1)).toBe(false);
    expect(m.isMoving(2)).toBe(false);
    // A video playing into tile 2 makes it natural: a change 250 ms after it was last found drawn puts it in motion.
    for (let y = 0; y < 64; y++) data.set(photoPixels(64, 1, y + 9), y * stride + 128 * 4);
    s.markChanged([1, 2]);
    expect(m.isMoving(2)).toBe(false);
    vi.advanceTimersByTime(250);
    s.markChanged([1, 2]);
    expect(m.isMoving(2)).toBe(true);
    expect(m.isMoving(1)).toBe(false);
    m.close();
  });

  it('takes any content into motion when told not to tell drawn from natural', () => {
    const s = new TileStore({ width: 256, height: 128, stride: 1024, data: new Uint8Array(256 * 128 * 4) });
    const m = new MotionTracker(s, { naturalOnly: false });
    for (let i = 0; i < 3; i++) s.markChanged([4]);
    expect(m.isMoving(4)).toBe(true);
    const gated = new MotionTracker(s);
    for (let i = 0; i < 3; i++) s.markChanged([5]);
    expect(gated.isMoving(5)).toBe(false);
    m.close();
    gated.close();
  });

  /** A store of drawn content only (one colour): nothing in it is natural. */
  function drawnStore(width: number, height: number) {
    return new TileStore({ width, height, stride: width * 4, data: new Uint8Array(width * height * 4) });
  }

  it('puts drawn content in motion once a quarter of the surface has been redrawn fast for 500 ms (a cartoon)', () => {
    const s = drawnStore(256, 256);
    const m = new MotionTracker(s);
    const all = [...Array(16).keys()];
    // Five tiles of 16 churn: more than a quarter.
    for (let t = 0; t < 600; t += 33) {
      s.markChanged([0, 1, 2, 3, 4]);
      vi.advanceTimersByTime(33);
      if (t < 400) expect(m.anyMoving).toBe(false);
    }
    expect(m.tilesInMotion().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    // A tile that starts to churn during the flood joins at its third change; the rest stay still.
    for (let i = 0; i < 3; i++) {
      s.markChanged([0, 1, 2, 3, 4, 15]);
      vi.advanceTimersByTime(33);
    }
    expect(m.isMoving(15)).toBe(true);
    expect(all.filter((t) => m.isMoving(t))).toEqual([0, 1, 2, 3, 4, 15]);
    m.close();
  });

  it('never floods for a quarter of the surface or less, however long it churns', () => {
    const s = drawnStore(256, 256);
    const m = new MotionTracker(s);
    for (let i = 0; i < 60; i++) {
      s.markChanged([0, 1, 2, 3]);
      vi.advanceTimersByTime(33);
    }
    expect(m.anyMoving).toBe(false);
    m.close();
  });

  it('never floods for a scroll, whose copies explain all but its new lines, even with a copy missed now and then', () => {
    // 4 columns x 8 rows; the scroll copies rows 0-6 whole, only row 7 (4 tiles of 32) is redrawn.
    const s = drawnStore(256, 512);
    const m = new MotionTracker(s);
    const all = [...Array(32).keys()];
    const scroll = { src: { x: 0, y: 8, width: 256, height: 504 }, dest: { x: 0, y: 0 }, completes: [] };
    for (let i = 0; i < 90; i++) {
      // Every fifth capture the detector misses the copy: the whole surface is unexplained for that capture.
      s.markChanged(all, i % 5 === 4 ? [] : [scroll]);
      vi.advanceTimersByTime(33);
    }
    expect(m.anyMoving).toBe(false);
    m.close();
  });

  it('stops flooding when the churn shrinks: drawn tiles that start to churn after it stay lossless', () => {
    const s = drawnStore(256, 256);
    const m = new MotionTracker(s);
    const settled: number[] = [];
    m.onSettled((tiles) => settled.push(...tiles));
    for (let i = 0; i < 20; i++) {
      s.markChanged([0, 1, 2, 3, 4, 5, 6, 7]);
      vi.advanceTimersByTime(33);
    }
    expect(m.tilesInMotion().length).toBe(8);
    // Only a corner away from them keeps changing now: the flooded tiles settle, the corner never moves.
    for (let i = 0; i < 30; i++) {
      s.markChanged([15]);
      vi.advanceTimersByTime(33);
    }
    expect(m.anyMoving).toBe(false);
    expect(settled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    m.close();
  });
});
