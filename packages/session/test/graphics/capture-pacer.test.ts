import { describe, expect, it } from 'vitest';
import { CapturePacer } from '../../src/graphics/capture-pacer.js';

/** Captures taken by a pacer of `interval` ms for changes at `changes` (ms), each as soon as the pacer allows. */
function captureTimes(interval: number, changes: number[]): number[] {
  const pacer = new CapturePacer(() => interval);
  const taken: number[] = [];
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const change of changes) {
    // A change that comes while an earlier one still waits is taken by that capture.
    if (change < busyUntil) continue;
    const at = change + pacer.delay(change);
    pacer.captured(at);
    taken.push(at);
    busyUntil = at;
  }
  return taken;
}

describe('CapturePacer', () => {
  it('takes each frame of a 30 fps animation at once against a 33 ms interval, whatever its phase', () => {
    const frames = Array.from({ length: 300 }, (_, i) => 5 + i * (1000 / 30));
    const taken = captureTimes(33, frames);
    expect(taken).toHaveLength(300);
    for (const [i, at] of taken.entries()) expect(at).toBe(frames[i]);
  });

  it('never exceeds one capture per interval (plus one) over any span, with changes arriving every ms', () => {
    const changes = Array.from({ length: 5000 }, (_, i) => i);
    const taken = captureTimes(33, changes);
    for (let i = 0; i < taken.length; i++) {
      for (let j = i + 1; j < taken.length; j++) {
        expect(j - i).toBeLessThanOrEqual((taken[j] - taken[i]) / 33 + 1);
      }
    }
    expect(taken.length).toBeGreaterThanOrEqual(Math.floor(5000 / 33));
    expect(taken.length).toBeLessThanOrEqual(Math.ceil(5000 / 33) + 1);
  });

  it('never lets two captures closer than half an interval', () => {
    const changes = Array.from({ length: 2000 }, (_, i) => i * 7);
    const taken = captureTimes(40, changes);
    for (let i = 1; i < taken.length; i++) expect(taken[i] - taken[i - 1]).toBeGreaterThanOrEqual(20);
  });

  it('follows an interval that changes while it runs', () => {
    let interval = 10;
    const pacer = new CapturePacer(() => interval);
    pacer.captured(0);
    expect(pacer.delay(0)).toBe(5);
    interval = 100;
    expect(pacer.delay(0)).toBe(0);
    pacer.captured(0);
    expect(pacer.delay(0)).toBe(60);
  });
});
