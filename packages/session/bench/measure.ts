// One measurement of one sharer on one scenario, from outside and the same way for both sharers: frames and
// latency from the frame counter read back on every viewer's screen, bytes from the kernel's TCP counters of
// the sharer's port, CPU from the sharer's /proc/PID/stat.
import {
  type Animation,
  diffRgba,
  type FrameCounterReader,
  frameLatenciesMs,
  monotonicUs,
  processCpuSeconds,
  startAnimation,
  startFrameCounterReader,
  startXvfb,
  tcpBytesSent,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { AVC_PDU_MARK, type Scenario, VIEWER_ARGS } from './scenarios.js';
import { type SharerKind, startSharer } from './sharers.js';

/** The displays and the workload of one scenario, shared by every run of it so both sharers see the same. */
export interface Stage {
  scenario: Scenario;
  shared: XvfbDisplay;
  viewers: XvfbDisplay[];
  animation: Animation;
  stop(): Promise<void>;
}

export interface RunTiming {
  /** Time after every viewer showed its first frame and before measuring: the first full screen is not counted. */
  settleMs: number;
  windowMs: number;
  /** Also freeze the picture after the window and compare a viewer's screen with the shared one. */
  fidelity: boolean;
}

/** The raw figures of one run; `report.ts` pools the runs of each sharer. */
export interface RunResult {
  sharer: SharerKind;
  seconds: number;
  /** Frames the workload drew in the window. */
  framesDrawn: number;
  /** Frames each viewer showed in the window. */
  framesSeen: number[];
  /** Draw-to-seen latency of every frame any viewer showed, ms, ascending. */
  latenciesMs: number[];
  bytes: number;
  cpuSeconds: number;
  /** AVC420 PDUs the viewers decoded in the window, summed. */
  avcPdus: number;
  /** Connect to first frame, slowest viewer (viewers join one after another). */
  firstFrameMs: number;
  /** What the sharer logged about its H.264 encoder (shadow: FFmpeg's libx264 profile line), deduplicated. */
  encoderLog: string[];
  /** Share of the first viewer's pixels equal to the shared display's once the picture is frozen. */
  identicalPercent?: number;
}

/** FFmpeg's libx264 prints its profile when shadow opens an encoder for a viewer. */
const ENCODER_LOG_LINE = /\[libx264[^\n]*profile[^\n]*/g;

/** Times a viewer is started before a run gives up on it. */
const CONNECT_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStage(scenario: Scenario): Promise<Stage> {
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    const size = { width: scenario.width, height: scenario.height };
    const shared = await startXvfb(size);
    started.push(shared);
    const viewers: XvfbDisplay[] = [];
    for (let i = 0; i < scenario.viewers; i++) {
      const viewer = await startXvfb(size);
      started.push(viewer);
      viewers.push(viewer);
    }
    const animation = await startAnimation(shared, scenario.animation);
    started.push(animation);
    return { scenario, shared, viewers, animation, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function framesDrawnIn(animation: Animation, fromUs: number, toUs: number): number {
  let n = 0;
  for (const at of animation.drawnAt.values()) if (at >= fromUs && at < toUs) n++;
  return n;
}

/** Freezes the picture, lets the viewer settle on it and compares the two screens. */
async function fidelity(stage: Stage, reader: FrameCounterReader): Promise<number> {
  const { shared, animation } = stage;
  const viewer = stage.viewers[0];
  animation.pause();
  try {
    const last = animation.latest();
    await waitFor(() => reader.sightings.at(-1)?.counter === last, 5000, 'the viewer to show the last frame').catch(
      () => undefined,
    );
    // Long enough for a sharer that sends motion lossy to send the settled picture losslessly after it.
    await sleep(1500);
    const [expected, actual] = await Promise.all([shared.screenshot(), viewer.screenshot()]);
    const { differing } = diffRgba(expected, actual, shared.width, shared.height);
    const pixels = shared.width * shared.height;
    return (100 * (pixels - differing)) / pixels;
  } finally {
    animation.resume();
  }
}

function countMarks(output: string): number {
  let n = 0;
  for (let at = output.indexOf(AVC_PDU_MARK); at >= 0; at = output.indexOf(AVC_PDU_MARK, at + 1)) n++;
  return n;
}

/** Starts `kind` on the stage's display, joins every viewer, measures one window and stops everything it started. */
export async function runOnce(kind: SharerKind, stage: Stage, timing: RunTiming): Promise<RunResult> {
  const { scenario, animation } = stage;
  const sharer = await startSharer(kind, stage.shared, {
    // A viewer started again may still hold its place for a moment.
    viewers: scenario.viewers + CONNECT_ATTEMPTS,
    captureIntervalMs: Math.floor(1000 / scenario.animation.fps),
  });
  const readers: FrameCounterReader[] = [];
  const clients: XfreerdpViewer[] = [];
  try {
    // Many readers polling at 1 kHz would cost the machine more than the sharers do.
    const pollsPerSecond = scenario.viewers === 1 ? 1000 : 500;
    for (const viewer of stage.viewers) readers.push(await startFrameCounterReader(viewer, { pollsPerSecond }));
    // One viewer at a time, so that on a loaded machine no xfreerdp gives up waiting for activation
    // because seven others are connecting too; one that gives up all the same is started again.
    let firstFrameMs = 0;
    for (const [i, viewer] of stage.viewers.entries()) {
      for (let attempt = 1; ; attempt++) {
        const connectedAt = monotonicUs();
        const client = sharer.connectViewer(viewer, VIEWER_ARGS[scenario.mode]);
        const first = await Promise.race([
          readers[i].next(30_000, connectedAt),
          client.exited.then(() => undefined),
        ]).catch(() => undefined);
        if (first && client.process.exitCode === null) {
          clients.push(client);
          firstFrameMs = Math.max(firstFrameMs, (first.atUs - connectedAt) / 1000);
          break;
        }
        await client.stop();
        if (attempt === CONNECT_ATTEMPTS)
          throw new Error(
            `${kind}, viewer ${i + 1}: no frame after ${attempt} attempts\nxfreerdp: ${client.output().slice(-2000)}\n` +
              `sharer: ${sharer.output().slice(-2000)}`,
          );
      }
    }
    if (scenario.idle) {
      animation.pause();
      const last = animation.latest();
      await waitFor(
        () => readers.every((r) => r.sightings.at(-1)?.counter === last),
        10_000,
        'every viewer to show the still picture',
      ).catch(() => undefined);
    }
    try {
      await sleep(timing.settleMs);
      const fromUs = monotonicUs();
      const bytesBefore = await tcpBytesSent(sharer.port);
      const cpuBefore = processCpuSeconds(sharer.pid);
      const logBefore = clients.map((c) => c.output().length);
      await sleep(timing.windowMs);
      const toUs = monotonicUs();
      const bytesAfter = await tcpBytesSent(sharer.port);
      const cpuAfter = processCpuSeconds(sharer.pid);
      const left = clients.findIndex((c) => c.process.exitCode !== null);
      if (left >= 0)
        throw new Error(`${kind}: xfreerdp ${left + 1} left early\n${clients[left].output().slice(-2000)}`);
      const latencies = readers.map((r) => frameLatenciesMs(animation.drawnAt, r.sightings, fromUs, toUs));
      return {
        sharer: kind,
        seconds: (toUs - fromUs) / 1e6,
        framesDrawn: scenario.idle ? 0 : framesDrawnIn(animation, fromUs, toUs),
        framesSeen: latencies.map((l) => l.length),
        latenciesMs: latencies.flat().sort((a, b) => a - b),
        bytes: bytesAfter - bytesBefore,
        cpuSeconds: cpuAfter - cpuBefore,
        avcPdus: clients.reduce((n, c, i) => n + countMarks(c.output().slice(logBefore[i])), 0),
        firstFrameMs,
        encoderLog: [...new Set(sharer.output().match(ENCODER_LOG_LINE) ?? [])].map((l) =>
          l.replace(/ @ 0x[0-9a-f]+/, ''),
        ),
        identicalPercent: timing.fidelity && !scenario.idle ? await fidelity(stage, readers[0]) : undefined,
      };
    } finally {
      if (scenario.idle) animation.resume();
    }
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await Promise.all(readers.map((r) => r.stop()));
    await sharer.stop();
  }
}
