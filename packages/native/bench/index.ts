// pnpm bench: full-screen capture, tile compare and H.264 encode throughput, each next to a plain memcpy of the
// same bytes measured in the same run.
import { startXvfb } from '@rdshare/testkit';
import { allocateFrame, compareTiles, createDesktopSource, H264Encoder, syncTiles } from '../src/index.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const BYTES = WIDTH * HEIGHT * 4;
const MB = 1024 * 1024;

async function measure(seconds: number, run: () => Promise<void> | void): Promise<number> {
  for (let i = 0; i < 3; i++) await run(); // warm-up
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await run();
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}

/** Bytes per second of a plain copy of `bytes` bytes, measured now. */
async function memcpyRate(bytes: number): Promise<number> {
  const src = new Uint8Array(bytes).fill(1);
  const dst = new Uint8Array(bytes);
  return measure(2, () => dst.set(src));
}

/**
 * A desktop-like picture larger than the screen, so that windows into it at growing offsets make a scrolling,
 * full-motion sequence: a smooth wallpaper gradient under white "windows" of dark glyph-like strokes.
 */
function desktopCanvas(width: number, height: number): { data: Uint8Array; stride: number } {
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * stride + x * 4;
      data[p] = (120 + (x * 80) / width) | 0;
      data[p + 1] = (60 + (y * 100) / height) | 0;
      data[p + 2] = (40 + ((x + y) * 60) / (width + height)) | 0;
    }
  }
  for (let w = 0; w < 12; w++) {
    const wx = (random() * (width - 500)) | 0;
    const wy = (random() * (height - 400)) | 0;
    for (let y = wy; y < wy + 360; y++) {
      const textRow = (y - wy) % 18 < 12;
      for (let x = wx; x < wx + 480; x++) {
        const ink = textRow && random() < 0.35;
        data.fill(ink ? 30 : 245, y * stride + x * 4, y * stride + x * 4 + 3);
      }
    }
  }
  return { data, stride };
}

/** Output size and process CPU time per frame since `since`: CPU time holds still on a busy machine, frames/s do not. */
function details(frames: number, bytes: number, since: NodeJS.CpuUsage): void {
  const { user, system } = process.cpuUsage(since);
  const kbit = ((bytes * 8) / frames / 1000).toFixed(1);
  console.log(`${''.padEnd(34)} ${kbit} kbit and ${((user + system) / 1000 / frames).toFixed(1)} ms CPU per frame`);
}

/** Encode frames per second at one size: every frame moved (scrolling), and one 128x128 square moving. */
async function encodeBench(
  width: number,
  height: number,
  frameRate: number,
  bitrate: number,
  content: 'motion' | 'screen',
): Promise<void> {
  const bytes = width * height * 4;
  const memcpy = await memcpyRate(bytes);
  const margin = 256;
  const canvas = desktopCanvas(width + margin, height + margin);
  const output = new Uint8Array(bytes);
  const label = `${width}x${height} ${content}`;
  const encoder = H264Encoder.create({ width, height, frameRate, bitrate, content });
  let n = 0;
  let produced = 0;
  let cpu = process.cpuUsage();
  const motion = await measure(3, async () => {
    n++;
    const offset = ((n * 2) % margin) * canvas.stride + ((n * 3) % margin) * 4;
    produced += (await encoder.encode({ data: canvas.data.subarray(offset), stride: canvas.stride }, output))
      .byteLength;
  });
  line(`H.264 ${label}, full-screen pan`, motion, bytes, memcpy);
  details(n, produced, cpu);
  encoder.close();

  const still = H264Encoder.create({ width, height, frameRate, bitrate, content });
  const frame = allocateFrame(width, height);
  for (let y = 0; y < height; y++)
    frame.data.set(canvas.data.subarray(y * canvas.stride, y * canvas.stride + width * 4), y * frame.stride);
  const background = new Uint8Array(frame.data);
  n = 0;
  produced = 0;
  const square = 128;
  const paint = (x: number, y: number, source: Uint8Array, colour?: number) => {
    for (let row = y; row < y + square; row++) {
      const start = row * frame.stride + x * 4;
      if (colour === undefined) frame.data.set(source.subarray(start, start + square * 4), start);
      else frame.data.fill(colour, start, start + square * 4);
    }
  };
  let at = { x: 0, y: 0 };
  cpu = process.cpuUsage();
  const mostlyStatic = await measure(3, async () => {
    n++;
    paint(at.x, at.y, background);
    at = { x: (n * 7) % (width - square), y: (n * 5) % (height - square) };
    paint(at.x, at.y, background, (n * 37) & 255);
    produced += (await still.encode(frame, output)).byteLength;
  });
  line(`H.264 ${label}, 128px square`, mostlyStatic, bytes, memcpy);
  details(n, produced, cpu);
  still.close();
}

function line(name: string, perSecond: number, bytes: number, memcpyPerSecond: number) {
  const mbps = (perSecond * bytes) / MB;
  const memcpy = (memcpyPerSecond * bytes) / MB;
  console.log(
    `${name.padEnd(34)} ${perSecond.toFixed(1).padStart(8)} /s ${mbps.toFixed(0).padStart(7)} MB/s   memcpy ${memcpy.toFixed(0).padStart(7)} MB/s   ratio ${(mbps / memcpy).toFixed(2)}`,
  );
}

const x = await startXvfb({ width: WIDTH, height: HEIGHT, depth: 24 });
const source = createDesktopSource(x.display);
try {
  await x.exec('xsetroot', ['-solid', '#336699']);
  const frame = source.allocateFrame();
  const src = new Uint8Array(BYTES).fill(1);
  const dst = new Uint8Array(BYTES);
  const memcpy = await measure(2, () => dst.set(src));
  console.log(`rdshare native bench: ${WIDTH}x${HEIGHT}x24, ${(BYTES / MB).toFixed(1)} MB per frame`);
  const capture = await measure(3, () => source.capture({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, frame));
  line('capture (MIT-SHM), frames', capture, BYTES, memcpy);
  const a = allocateFrame(WIDTH, HEIGHT);
  const b = allocateFrame(WIDTH, HEIGHT);
  // Equal frames are the worst case: every byte of both frames is read.
  const compare = await measure(3, async () => {
    await compareTiles(a, b);
  });
  line('compareTiles (equal)', compare, BYTES, memcpy);
  const stored = allocateFrame(WIDTH, HEIGHT);
  let flip = 0;
  const sync = await measure(3, async () => {
    b.data[((flip++ % HEIGHT) * WIDTH + 5) * 4] ^= 0xff; // one changed tile per call
    await syncTiles(stored, b);
  });
  line('syncTiles (1 tile changed)', sync, BYTES, memcpy);
  // Frames per second of OpenH264 (one thread, screen-content mode), including the BGRX to I420 conversion.
  for (const content of ['motion', 'screen'] as const) {
    await encodeBench(1920, 1080, 60, 10_000_000, content);
    await encodeBench(1280, 800, 30, 6_000_000, content);
  }
} finally {
  source.close();
  await x.stop();
}
