import type { FrameSighting } from './frame-counter.js';

/**
 * Draw-to-seen latency in milliseconds, ascending, of every frame first seen in the window `[fromUs, toUs)`
 * (CLOCK_MONOTONIC microseconds), from the animation's draw times and a reader's sightings. Sightings of counters
 * the animation never reported (a misread) are ignored.
 */
export function frameLatenciesMs(
  drawnAt: ReadonlyMap<number, number>,
  sightings: readonly FrameSighting[],
  fromUs: number,
  toUs: number,
): number[] {
  const latencies: number[] = [];
  for (const { counter, atUs } of sightings) {
    if (atUs < fromUs || atUs >= toUs) continue;
    const drawn = drawnAt.get(counter);
    if (drawn === undefined || drawn > atUs) continue;
    latencies.push((atUs - drawn) / 1000);
  }
  return latencies.sort((a, b) => a - b);
}

/** The `p`th percentile of ascending `sorted` values (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;
}
