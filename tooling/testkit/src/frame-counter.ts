import { createInterface } from 'node:readline';
import { buildXClient } from './x-client-build.js';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

/** A frame counter value as first seen on a display, at CLOCK_MONOTONIC microseconds. */
export interface FrameSighting {
  counter: number;
  atUs: number;
}

export interface FrameCounterReader {
  /** Every change of the counter seen so far, in order (the newest `keep` of them when that option is set). */
  readonly sightings: readonly FrameSighting[];
  /** How many changes were seen in all, including those `keep` let go. */
  readonly seen: number;
  /** Resolves with the first sighting at or after `sinceUs` (any, when omitted). */
  next(timeoutMs: number, sinceUs?: number): Promise<FrameSighting>;
  stop(): Promise<void>;
}

/**
 * Polls the frame counter strip that `startAnimation` paints, on another display (a viewer's), with
 * `frame-counter-reader.c`. `origin` is where the strip's top-left corner appears on that display.
 */
export async function startFrameCounterReader(
  display: XvfbDisplay,
  options: {
    pollsPerSecond?: number;
    origin?: { x: number; y: number };
    /** Keep only the newest this many sightings, so an hour-long soak's own memory stays flat (default: all). */
    keep?: number;
  } = {},
): Promise<FrameCounterReader> {
  const keep = options.keep ?? Number.POSITIVE_INFINITY;
  const binary = await buildXClient('frame-counter-reader');
  const origin = options.origin ?? { x: 0, y: 0 };
  const child = display.spawn(
    binary,
    [String(options.pollsPerSecond ?? 1000), String(origin.x), String(origin.y)],
    undefined,
    'pipe',
  );
  const sightings: FrameSighting[] = [];
  let seen = 0;
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [counter, atUs] = line.split(' ').map(Number);
    sightings.push({ counter, atUs });
    seen++;
    // Trimmed in batches, not one shift per frame.
    if (sightings.length >= 2 * keep) sightings.splice(0, sightings.length - keep);
    for (const wake of waiters) wake();
  });
  const next = (timeoutMs: number, sinceUs = 0) =>
    new Promise<FrameSighting>((resolve, reject) => {
      const check = () => {
        const found = sightings.find((s) => s.atUs >= sinceUs);
        if (!found) return;
        finish();
        resolve(found);
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`no frame counter seen on ${display.display} within ${timeoutMs} ms${stderr ? `: ${stderr}` : ''}`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    sightings,
    get seen() {
      return seen;
    },
    next,
    stop: () => killAndWait(child),
  };
}
