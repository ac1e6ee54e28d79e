// End-to-end benchmark: our sharer against freerdp-shadow-cli, measured from outside and the same way for
// both, in one run. A C client animates a 1280x800 display at 30 fps (detailed background, moving square,
// frame counter strip); xfreerdp views it on a second display (`-gfx /bpp:32`) while a C reader polls the
// viewer's screen at 1 kHz for the counter. Frames seen and latency come from the counter; bytes from the
// kernel's TCP counters of the sharer's socket; CPU from the sharer's /proc/PID/stat.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Animation,
  diffRgba,
  type FrameCounterReader,
  type FrameStats,
  frameStats,
  killAndWait,
  monotonicUs,
  processCpuSeconds,
  startAnimation,
  startFrameCounterReader,
  startFreerdpShadow,
  startXfreerdp,
  startXfreerdpDirect,
  startXvfb,
  tcpBytesSent,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { expect, it } from 'vitest';

const WIDTH = 1280;
const HEIGHT = 800;
const FPS = 30;
/** Time after the first frame before measuring, so the first full-screen update is not counted. */
const SETTLE_MS = 1000;
const WINDOW_MS = 10_000;
const VIEWER_ARGS = ['-gfx', '/bpp:32'];

interface Sharer {
  name: string;
  pid: number;
  port: number;
  connectViewer(viewer: XvfbDisplay): XfreerdpViewer;
  stop(): Promise<void>;
}

interface Result extends FrameStats {
  name: string;
  firstFrameMs: number;
  bytesPerSecond: number;
  cpuPercent: number;
  /** Share of the viewer's pixels equal to the shared display's once the animation is frozen. */
  identicalPercent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Our sharer in a child process of its own. `tsx` (a devDependency of this package)
 * runs the TypeScript sources; the `source` condition makes the workspace packages resolve to theirs too.
 */
async function startRdshare(shared: XvfbDisplay): Promise<Sharer> {
  const tsx = createRequire(fileURLToPath(new URL('../package.json', import.meta.url))).resolve('tsx');
  const host = fileURLToPath(new URL('./session-host.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', pathToFileURL(tsx).href, host, shared.display],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const stop = async () => {
    child.stdin?.end();
    await killAndWait(child);
  };
  try {
    const ready = await firstLine(child, 30_000);
    const { port, connectionString, password } = JSON.parse(ready) as {
      port: number;
      connectionString: string;
      password: string;
    };
    return {
      name: 'rdshare RdpSession',
      pid: child.pid!,
      port,
      connectViewer: (viewer) => startXfreerdp({ display: viewer, connectionString, password, args: VIEWER_ARGS }),
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`the session host did not start: ${(error as Error).message}\n${stderr}`);
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output in ${timeoutMs} ms`)), timeoutMs);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}`));
    });
  });
}

async function startShadow(shared: XvfbDisplay): Promise<Sharer> {
  const shadow = await startFreerdpShadow(shared);
  return {
    name: 'freerdp-shadow-cli',
    pid: shadow.process.pid!,
    port: shadow.port,
    connectViewer: (viewer) => startXfreerdpDirect(viewer, '127.0.0.1', shadow.port, VIEWER_ARGS),
    stop: shadow.stop,
  };
}

/**
 * Freezes the animation, waits for the viewer to show the last frame and settle, and compares the two screens.
 * Runs after the measured window, so it costs the figures nothing.
 */
async function fidelity(
  shared: XvfbDisplay,
  viewer: XvfbDisplay,
  animation: Animation,
  reader: FrameCounterReader,
): Promise<number> {
  animation.pause();
  try {
    const last = animation.latest();
    await waitFor(() => reader.sightings.at(-1)?.counter === last, 5000, 'the viewer to show the last frame').catch(
      () => undefined,
    );
    await sleep(500);
    const [expected, actual] = await Promise.all([shared.screenshot(), viewer.screenshot()]);
    const { differing } = diffRgba(expected, actual, WIDTH, HEIGHT);
    return (100 * (WIDTH * HEIGHT - differing)) / (WIDTH * HEIGHT);
  } finally {
    animation.resume();
  }
}

async function measure(
  sharer: Sharer,
  shared: XvfbDisplay,
  viewer: XvfbDisplay,
  animation: Animation,
): Promise<Result> {
  const reader = await startFrameCounterReader(viewer);
  const connectedAt = monotonicUs();
  const client = sharer.connectViewer(viewer);
  try {
    const first = await reader.next(20_000, connectedAt).catch((error: Error) => {
      throw new Error(`${sharer.name}: ${error.message}\nxfreerdp: ${client.output()}`);
    });
    await sleep(SETTLE_MS);
    const fromUs = monotonicUs();
    const bytesBefore = await tcpBytesSent(sharer.port);
    const cpuBefore = processCpuSeconds(sharer.pid);
    await sleep(WINDOW_MS);
    const toUs = monotonicUs();
    const bytesAfter = await tcpBytesSent(sharer.port);
    const cpuAfter = processCpuSeconds(sharer.pid);
    if (client.process.exitCode !== null) throw new Error(`${sharer.name}: xfreerdp left early\n${client.output()}`);
    const seconds = (toUs - fromUs) / 1e6;
    const identicalPercent = await fidelity(shared, viewer, animation, reader);
    return {
      name: sharer.name,
      firstFrameMs: (first.atUs - connectedAt) / 1000,
      ...frameStats(animation.drawnAt, reader.sightings, fromUs, toUs),
      bytesPerSecond: (bytesAfter - bytesBefore) / seconds,
      cpuPercent: ((cpuAfter - cpuBefore) / seconds) * 100,
      identicalPercent,
    };
  } finally {
    await client.stop();
    await reader.stop();
  }
}

function table(rows: Result[]): string {
  const [ours, shadow] = rows;
  const columns: [string, (r: Result) => number, number][] = [
    ['fps seen', (r) => r.fps, 1],
    ['p50 ms', (r) => r.latencyP50Ms, 1],
    ['p95 ms', (r) => r.latencyP95Ms, 1],
    ['kB/s', (r) => r.bytesPerSecond / 1000, 0],
    ['CPU %', (r) => r.cpuPercent, 1],
    ['1st frame ms', (r) => r.firstFrameMs, 0],
    ['identical %', (r) => r.identicalPercent, 2],
  ];
  const name = (s: string) => s.padEnd(20);
  const cell = (s: string) => s.padStart(13);
  const lines = [
    `${WIDTH}x${HEIGHT}x24 at ${FPS} fps, xfreerdp ${VIEWER_ARGS.join(' ')}, ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s settling`,
    name('sharer') + columns.map(([title]) => cell(title)).join(''),
    ...rows.map((r) => name(r.name) + columns.map(([, value, digits]) => cell(value(r).toFixed(digits))).join('')),
    name('ratio ours/shadow') + columns.map(([, value]) => cell((value(ours) / value(shadow)).toFixed(2))).join(''),
  ];
  return lines.join('\n');
}

it('rdshare against freerdp-shadow-cli, 1280x800 animated at 30 fps', async () => {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const shared = await startXvfb({ width: WIDTH, height: HEIGHT });
    cleanups.push(shared.stop);
    const viewer = await startXvfb({ width: WIDTH, height: HEIGHT });
    cleanups.push(viewer.stop);
    const animation = await startAnimation(shared, { fps: FPS });
    cleanups.push(animation.stop);

    const results: Result[] = [];
    for (const start of [startRdshare, startShadow]) {
      const sharer = await start(shared);
      try {
        results.push(await measure(sharer, shared, viewer, animation));
      } finally {
        await sharer.stop();
      }
    }
    console.log(table(results));
    for (const r of results) expect(r.frames, `${r.name} showed frames`).toBeGreaterThan(0);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
});
