import { createInterface } from 'node:readline';
import { buildXClient, type XClientName } from './x-client-build.js';
import { killAndWait, type XvfbDisplay } from './xvfb.js';

/**
 * What the animation paints besides the frame counter:
 * - `moving-box`: a square moving over a detailed static background (`animation-client.c`);
 * - `full-screen-motion`: every pixel moves every frame, a picture rippling in bands (`motion-client.c`);
 * - `scrolling-text`: a full screen of text scrolled up by a few lines a frame (`scrolling-text-client.c`);
 * - `panning-text`: a full screen of endless text lines panned left by a few characters a frame (the same client);
 * - `panning-diagonal`: the same text panned left and up at once, as a map dragged (the same client);
 * - `cartoon`: the whole screen redrawn every frame in flat colours, as a cartoon or a flat-shaded game
 *   (`cartoon-client.c`): drawn content, yet most tiles change every frame and no copy explains them.
 */
export type AnimationWorkload =
  | 'moving-box'
  | 'full-screen-motion'
  | 'scrolling-text'
  | 'panning-text'
  | 'panning-diagonal'
  | 'cartoon';

export interface AnimationOptions {
  /** `moving-box` unless told. */
  workload?: AnimationWorkload;
  /** Frames per second (30 unless told). */
  fps?: number;
  /** `moving-box`: side of the moving square in pixels (192 unless told). */
  boxSize?: number;
  /** `moving-box`: how far the square moves per frame, in pixels (10 unless told). */
  speed?: number;
  /** `scrolling-text`, `panning-diagonal`: lines scrolled in per frame (2 unless told). */
  linesPerFrame?: number;
  /** Record when each frame was drawn in {@link Animation.drawnAt} (true unless told; a soak needs only `latest`). */
  recordDrawTimes?: boolean;
  /** `panning-text`, `panning-diagonal`: characters panned in per frame (4 unless told). */
  columnsPerFrame?: number;
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

function clientFor(options: AnimationOptions): { client: XClientName; args: number[] } {
  const fps = options.fps ?? 30;
  switch (options.workload ?? 'moving-box') {
    case 'moving-box':
      return { client: 'animation-client', args: [fps, options.boxSize ?? 192, options.speed ?? 10] };
    case 'full-screen-motion':
      return { client: 'motion-client', args: [fps] };
    case 'cartoon':
      return { client: 'cartoon-client', args: [fps] };
    case 'scrolling-text':
      return { client: 'scrolling-text-client', args: [fps, options.linesPerFrame ?? 2] };
    case 'panning-text':
      return { client: 'scrolling-text-client', args: [fps, 0, options.columnsPerFrame ?? 4] };
    case 'panning-diagonal':
      return {
        client: 'scrolling-text-client',
        args: [fps, options.linesPerFrame ?? 2, options.columnsPerFrame ?? 4],
      };
  }
}

/**
 * Animates a display with one of the testkit's C clients (see {@link AnimationWorkload}), each painting a frame
 * counter strip in the top-left corner that `startFrameCounterReader` reads back from a viewer's screen.
 * Resolves once the first frame is on the display.
 */
export async function startAnimation(display: XvfbDisplay, options: AnimationOptions = {}): Promise<Animation> {
  const { client, args } = clientFor(options);
  const binary = await buildXClient(client);
  const child = display.spawn(binary, args.map(String), undefined, 'pipe');
  const drawnAt = new Map<number, number>();
  let latest = -1;
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const firstFrame = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [counter, at] = line.split(' ').map(Number);
      if (options.recordDrawTimes !== false) drawnAt.set(counter, at);
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
