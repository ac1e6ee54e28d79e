import { createInterface } from 'node:readline';
import { buildXClient } from './x-client-build.js';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

export interface AnimationOptions {
  /** Frames per second (30 unless told). */
  fps?: number;
  /** Side of the moving square in pixels (192 unless told). */
  boxSize?: number;
  /** How far the square moves per frame, in pixels (10 unless told). */
  speed?: number;
}

export interface Animation {
  /** When each frame counter value was drawn: counter (16 bits, wraps) to CLOCK_MONOTONIC microseconds. */
  readonly drawnAt: ReadonlyMap<number, number>;
  /** The counter of the last frame drawn. */
  latest(): number;
  /** Freezes the picture (SIGSTOP), e.g. to compare a viewer's screen with the shared one. */
  pause(): void;
  /** Animates again from the current time, without catching up on the frames missed. */
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Animates a display with `animation-client.c`: a detailed static background, a moving square and a frame
 * counter strip in the top-left corner that `startFrameCounterReader` reads back from a viewer's screen.
 * Resolves once the first frame is on the display.
 */
export async function startAnimation(display: XvfbDisplay, options: AnimationOptions = {}): Promise<Animation> {
  const binary = await buildXClient('animation-client');
  const child = display.spawn(
    binary,
    [String(options.fps ?? 30), String(options.boxSize ?? 192), String(options.speed ?? 10)],
    undefined,
    'pipe',
  );
  const drawnAt = new Map<number, number>();
  let latest = -1;
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const firstFrame = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [counter, at] = line.split(' ').map(Number);
      drawnAt.set(counter, at);
      latest = counter;
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`animation client exited with ${code}: ${stderr}`)));
  });
  await firstFrame;
  return {
    drawnAt,
    latest: () => latest,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      child.kill('SIGCONT');
      await killAndWait(child);
    },
  };
}
