// pnpm bench (H.264 part): OpenH264 as the sharer drives it, on the session bench's two motion workloads. Per
// setting: wall and CPU ms per encoded frame (BGRX to I420 included), kbit per frame and PSNR of what a decoder
// shows. CPU time per frame holds still on a busy machine; wall time does not.
import { H264Decoder, H264Encoder } from '../src/index.js';
import { movingBoxWorkload, rippleWorkload, type Workload } from './h264-workloads.js';

/** Frames encoded per setting; the first `WARM_UP` (the key frame, rate control settling) are not counted. */
const FRAMES = Number(process.env.RDSHARE_BENCH_FRAMES ?? 60);
const WARM_UP = 5;
/** Rounds per setting; medians are printed. */
const ROUNDS = Number(process.env.RDSHARE_BENCH_ROUNDS ?? 3);

/**
 * Luma PSNR (BT.709 weights) of a decoded picture against its source: what the encoder's settings change. RGB PSNR
 * would mostly measure 4:2:0 chroma, which every AVC420 stream loses alike on these one-pixel grid lines.
 */
function psnr(a: Uint8Array, b: Uint8Array, width: number, height: number, stride: number): number {
  let squares = 0;
  for (let y = 0; y < height; y++) {
    for (let x = y * stride, end = x + width * 4; x < end; x += 4) {
      const d = 0.0722 * (a[x] - b[x]) + 0.7152 * (a[x + 1] - b[x + 1]) + 0.2126 * (a[x + 2] - b[x + 2]);
      squares += d * d;
    }
  }
  return squares === 0 ? 99 : 10 * Math.log10((255 * 255 * width * height) / squares);
}

/** A rate plan: frames per second and bits per second, and how many drawn frames pass between two encodes. */
interface Setting {
  label: string;
  frameRate: number;
  bitrate: number;
  /** 1: every frame the workload draws is encoded; 4: a sharer that keeps up with a quarter of them. */
  step: number;
}

interface Result {
  wall: number;
  cpu: number;
  kbit: number;
  psnr: number;
  worst: number;
}

async function run(workload: Workload, setting: Setting): Promise<Result> {
  const { width, height } = workload.frame;
  const encoder = H264Encoder.create({ width, height, frameRate: setting.frameRate, bitrate: setting.bitrate });
  const decoder = H264Decoder.create();
  const output = new Uint8Array(width * height * 4);
  const picture = new Uint8Array(width * height * 4);
  let wall = 0;
  let cpu = 0;
  let bits = 0;
  let quality = 0;
  let worst = Number.POSITIVE_INFINITY;
  for (let n = 0; n < FRAMES; n++) {
    for (let i = 1; i < setting.step; i++) workload.next();
    const frame = workload.next();
    const since = process.cpuUsage();
    const start = performance.now();
    const { byteLength } = await encoder.encode(frame, output);
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(since);
    await decoder.decode(output.subarray(0, byteLength), picture);
    if (n < WARM_UP) continue;
    wall += elapsed;
    cpu += (used.user + used.system) / 1000;
    bits += byteLength * 8;
    const p = psnr(frame.data, picture, width, height, frame.stride);
    quality += p;
    worst = Math.min(worst, p);
  }
  encoder.close();
  decoder.close();
  const counted = FRAMES - WARM_UP;
  return { wall: wall / counted, cpu: cpu / counted, kbit: bits / counted / 1000, psnr: quality / counted, worst };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Bits per second for `bitsPerPixel` per frame of a `width` x `height` picture at `frameRate`. */
const rate = (width: number, height: number, frameRate: number, bitsPerPixel: number) =>
  Math.round(width * height * frameRate * bitsPerPixel);

const cases: { workload: () => Workload; settings: Setting[] }[] = [
  {
    workload: () => rippleWorkload(1920, 1088),
    settings: [
      { label: '16 of 60 fps, 0.07 bit/px', frameRate: 15, bitrate: rate(1920, 1088, 15, 0.07), step: 4 },
      { label: '60 fps, 0.07 bit/px', frameRate: 60, bitrate: rate(1920, 1088, 60, 0.07), step: 1 },
      { label: '60 fps, 0.035 bit/px', frameRate: 60, bitrate: rate(1920, 1088, 60, 0.035), step: 1 },
      // What freerdp-shadow-cli delivers on this workload in the session bench: 6 frames a second, 250 kB/s.
      { label: '6 of 60 fps, 2 Mbit/s', frameRate: 6, bitrate: 2_000_000, step: 10 },
    ],
  },
  {
    workload: () => movingBoxWorkload(1280, 800),
    settings: [
      { label: '30 fps, 0.07 bit/px', frameRate: 30, bitrate: rate(1280, 800, 30, 0.07), step: 1 },
      { label: '30 fps, 0.035 bit/px', frameRate: 30, bitrate: rate(1280, 800, 30, 0.035), step: 1 },
    ],
  },
];

console.log(
  `H.264 per frame after ${WARM_UP} warm-up frames of ${FRAMES}, median of ${ROUNDS} rounds: wall, CPU, size, luma PSNR`,
);
for (const { workload, settings } of cases) {
  console.log(workload().name);
  // Settings take turns, round after round, so a burst of load elsewhere on the machine hits them all alike.
  const results = settings.map(() => [] as Result[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of settings.entries()) results[i].push(await run(workload(), s));
  }
  for (const [i, s] of settings.entries()) {
    const r = results[i];
    const m = (key: keyof Result) => median(r.map((x) => x[key]));
    console.log(
      `  ${s.label.padEnd(28)} ${(s.bitrate / 1e6).toFixed(2).padStart(5)} Mbit/s ${m('wall').toFixed(1).padStart(6)} ms ${m('cpu').toFixed(1).padStart(6)} ms CPU ${m('kbit').toFixed(0).padStart(6)} kbit ${m('psnr').toFixed(2).padStart(6)} dB (worst ${Math.min(...r.map((x) => x.worst)).toFixed(2)})`,
    );
  }
}
