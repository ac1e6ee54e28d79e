import type { Frame, Rect } from '@rdshare/native';
import { describe, expect, it } from 'vitest';
import { DesktopCapture, type DesktopCaptureOptions } from '../../src/graphics/desktop-capture.js';
import type { Region } from '../../src/graphics/region.js';
import { MemoryScreen } from './memory-screen.js';

const SW = 320;
const SH = 200;

/** A screen whose pixel (x, y) is a colour unique to it, never black. */
class FakeScreen extends MemoryScreen {
  constructor() {
    super(SW, SH);
    this.draw({ x: 0, y: 0, width: SW, height: SH }, (x, y) => {
      const i = y * SW + x;
      return [(i & 0x7f) | 0x80, (i >> 7) & 0xff, (i >> 15) & 0xff];
    });
  }
  paint(rect: Rect, blue: number) {
    for (let y = rect.y; y < rect.y + rect.height; y++)
      for (let x = rect.x; x < rect.x + rect.width; x++) this.pixels[(y * SW + x) * 4] = blue;
    this.damaged([rect]);
  }
}

const pixelOf = (f: Frame, x: number, y: number) => [
  ...f.data.subarray((y * f.width + x) * 4, (y * f.width + x) * 4 + 4),
];
/** Waits until `check` holds: captures run off the JavaScript thread, so a loaded machine takes its time. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

/** A capture of `screen` every `intervalMs` at most, whose errors fail the test. */
function captureOf(screen: FakeScreen, options: DesktopCaptureOptions = {}, intervalMs = 0): DesktopCapture {
  return new DesktopCapture(
    screen,
    () => intervalMs,
    (e) => {
      throw e;
    },
    options,
  );
}

describe('DesktopCapture', () => {
  it('holds only the shared area, its corner at the store origin, and follows damage inside it', async () => {
    const screen = new FakeScreen();
    const area = { x: 70, y: 30, width: 150, height: 100 };
    const capture = captureOf(screen, { area });
    await capture.setActive(true);
    const frame = capture.store.frame;
    expect([frame.width, frame.height]).toEqual([150, 100]);
    for (const [x, y] of [
      [0, 0],
      [149, 99],
      [77, 41],
    ])
      expect(pixelOf(frame, x, y)).toEqual(screen.pixel(x + 70, y + 30));
    const versions = [...capture.store.versions];
    const before = capture.store.generation;
    // Outside the area first, then inside: once the inside change is in, only its tile moved on.
    screen.paint({ x: 0, y: 0, width: 60, height: 20 }, 1);
    screen.paint({ x: 200, y: 100, width: 10, height: 10 }, 1);
    await until(() => capture.store.generation > before);
    expect(pixelOf(frame, 135, 75)[0]).toBe(1);
    const changed = [...capture.store.versions].flatMap((v, i) => (v !== versions[i] ? [i] : []));
    expect(changed).toEqual([capture.store.grid.columns + 2]);
    capture.close();
  });

  it('takes a capture of the whole area as the store itself, and the store stays whole through partial captures', async () => {
    const screen = new FakeScreen();
    const capture = captureOf(screen);
    await capture.setActive(true);
    const equalsScreen = () => capture.store.frame.data.every((b, i) => b === screen.pixels[i]);
    const whole = { x: 0, y: 0, width: SW, height: SH };
    const cycle = async (draw: () => void) => {
      const generation = capture.store.generation;
      const versions = [...capture.store.versions];
      draw();
      await until(() => capture.store.generation > generation);
      return capture.store.versions.filter((v, i) => v !== versions[i]).length;
    };
    const first = capture.store.frame;
    expect(await cycle(() => screen.paint(whole, 5))).toBe(capture.store.grid.count);
    const second = capture.store.frame;
    expect(second).not.toBe(first);
    expect(equalsScreen()).toBe(true);
    // A partial capture goes through the other frame, which holds the desktop before the last one: only the
    // painted tile may change, and nothing of that older desktop may show.
    expect(await cycle(() => screen.paint({ x: 70, y: 70, width: 10, height: 10 }, 9))).toBe(1);
    expect(capture.store.frame).toBe(second);
    expect(equalsScreen()).toBe(true);
    expect(await cycle(() => screen.paint(whole, 7))).toBe(capture.store.grid.count);
    expect(capture.store.frame).toBe(first);
    expect(equalsScreen()).toBe(true);
    // Only what differs counts as changed, also when the frames trade places.
    screen.draw({ x: 0, y: 0, width: 1, height: 1 }, () => [3, 2, 1]);
    expect(await cycle(() => screen.damaged([whole]))).toBe(1);
    expect(capture.store.frame).toBe(second);
    expect(equalsScreen()).toBe(true);
    capture.close();
  });

  it('blanks what the visible region leaves out before the store sees it, and re-blanks on request', async () => {
    const screen = new FakeScreen();
    let visible: Region = [{ x: 10, y: 10, width: 50, height: 40 }];
    const capture = captureOf(screen, { visibleRegion: () => visible });
    await capture.setActive(true);
    const frame = capture.store.frame;
    expect(pixelOf(frame, 10, 10)).toEqual(screen.pixel(10, 10));
    expect(pixelOf(frame, 59, 49)).toEqual(screen.pixel(59, 49));
    expect(pixelOf(frame, 60, 49)).toEqual([0, 0, 0, 0]);
    expect(pixelOf(frame, 200, 150)).toEqual([0, 0, 0, 0]);
    let lit = 0;
    for (let i = 0; i < SW * SH; i++) if (frame.data[i * 4] !== 0) lit++;
    expect(lit).toBe(50 * 40);
    // The window moves: the new place shows, the old one goes dark, once its areas are recaptured.
    const moved = { x: 200, y: 120, width: 50, height: 40 };
    visible = [moved];
    capture.damaged([{ x: 10, y: 10, width: 50, height: 40 }, moved]);
    const generation = capture.store.generation;
    await until(() => capture.store.generation > generation);
    expect(pixelOf(frame, 10, 10)).toEqual([0, 0, 0, 0]);
    expect(pixelOf(frame, 220, 130)).toEqual(screen.pixel(220, 130));
    capture.close();
  });

  it('a window that moves during a capture is blanked where it was hidden before or after', async () => {
    const screen = new FakeScreen();
    const before: Region = [{ x: 0, y: 0, width: 100, height: 100 }];
    // An unshared window covered the left half of the shared one while the pixels were read.
    const after: Region = [{ x: 50, y: 0, width: 50, height: 100 }];
    let visible = before;
    const capture = captureOf(screen, { visibleRegion: () => visible });
    const read = screen.capture.bind(screen);
    screen.capture = async (rect, into, at) => {
      await read(rect, into, at);
      visible = after;
    };
    await capture.setActive(true);
    const frame = capture.store.frame;
    expect(pixelOf(frame, 10, 10)).toEqual([0, 0, 0, 0]);
    expect(pixelOf(frame, 60, 10)).toEqual(screen.pixel(60, 10));
    capture.close();
  });

  it('searches a rectangle that keeps changing without a move only every 8th capture, and every capture once one scrolls', async () => {
    const screen = new FakeScreen();
    const capture = captureOf(screen, { moves: { windows: () => [] } });
    await capture.setActive(true);
    const whole = { x: 0, y: 0, width: SW, height: SH };
    const captured = async (change: () => void) => {
      const generation = capture.store.generation;
      change();
      await until(() => capture.store.generation > generation);
    };
    // Full-screen changes that are no move (video): after 3 fruitless searches the backoff starts.
    for (let i = 0; i < 12; i++) await captured(() => screen.paint(whole, i + 1));
    const scroll = () => {
      screen.pixels.copyWithin(0, 16 * SW * 4);
      screen.paint({ x: 0, y: SH - 16, width: SW, height: 16 }, 7);
      screen.damaged([whole]);
    };
    const found: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      const before = capture.store.movesRecorded;
      await captured(scroll);
      found.push(capture.store.movesRecorded > before);
    }
    const first = found.indexOf(true);
    // Skipped at first, found within 8 captures, then found in every capture.
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(8);
    expect(found.slice(first).every(Boolean)).toBe(true);
    capture.close();
  });

  it('waits as long as its consumers ask before capturing damage (an encode in progress), then captures', async () => {
    const screen = new FakeScreen();
    let holdOff = 0;
    const capture = captureOf(screen, { holdOff: () => holdOff });
    await capture.setActive(true);
    holdOff = 300;
    const generation = capture.store.generation;
    const start = Date.now();
    screen.paint({ x: 0, y: 0, width: 64, height: 64 }, 9);
    await new Promise((r) => setTimeout(r, 150));
    expect(capture.store.generation).toBe(generation);
    await until(() => capture.store.generation > generation);
    expect(capture.store.generation).toBeGreaterThan(generation);
    // Less its own (moving average) duration, which is short here.
    expect(Date.now() - start).toBeGreaterThanOrEqual(200);
    capture.close();
  });

  it('captures damage that never stops at most once per interval on average', async () => {
    const screen = new FakeScreen();
    const capture = captureOf(screen, {}, 50);
    await capture.setActive(true);
    const generation = capture.store.generation;
    const start = Date.now();
    for (let i = 0; Date.now() - start < 600; i++) {
      screen.paint({ x: 0, y: 0, width: 64, height: 64 }, i & 0xff);
      await new Promise((r) => setTimeout(r, 2));
    }
    const captures = capture.store.generation - generation;
    const elapsed = Date.now() - start;
    expect(captures).toBeLessThanOrEqual(elapsed / 50 + 2);
    // Yet it keeps up with the interval: a loaded machine may lose a few.
    expect(captures).toBeGreaterThanOrEqual(6);
    capture.close();
  });
});
