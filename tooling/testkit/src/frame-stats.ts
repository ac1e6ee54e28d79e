import type { FrameSighting } from './frame-counter.js';

export interface FrameStats {
  /** Distinct frames seen in the window. */
  frames: number;
  /** Frames seen per second of the window. */
  fps: number;
  /** Draw-to-seen latency percentiles in milliseconds (NaN when no frame was seen). */
  latencyP50Ms: number;
  latencyP95Ms: number;
}

/**
 * Frames seen and draw-to-seen latency over the window `[fromUs, toUs)` (CLOCK_MONOTONIC microseconds), from
 * the animation's draw times and a reader's sightings. Sightings of counters the animation never reported
 * (a misread) are ignored.
 */
export function frameStats(
  drawnAt: ReadonlyMap<number, number>,
  sightings: readonly FrameSighting[],
  fromUs: number,
  toUs: number,
): FrameStats {
  const latencies: number[] = [];
  for (const { counter, atUs } of sightings) {
    if (atUs < fromUs || atUs >= toUs) continue;
    const drawn = drawnAt.get(counter);
    if (drawn === undefined || drawn > atUs) continue;
    latencies.push((atUs - drawn) / 1000);
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : Number.NaN;
  return {
    frames: latencies.length,
    fps: latencies.length / ((toUs - fromUs) / 1e6),
    latencyP50Ms: percentile(50),
    latencyP95Ms: percentile(95),
  };
}
