// pnpm bench: full-screen capture and tile compare throughput, each next to a plain memcpy of the
// same bytes measured in the same run.
import { startXvfb } from '@rdshare/testkit';
import { allocateFrame, compareTiles, createDesktopSource, syncTiles } from '../src/index.js';

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

function line(name: string, perSecond: number, bytes: number, memcpyPerSecond: number) {
  const mbps = (perSecond * bytes) / MB;
  const memcpy = (memcpyPerSecond * bytes) / MB;
  console.log(
    `${name.padEnd(26)} ${perSecond.toFixed(1).padStart(8)} /s ${mbps.toFixed(0).padStart(7)} MB/s   memcpy ${memcpy.toFixed(0).padStart(7)} MB/s   ratio ${(mbps / memcpy).toFixed(2)}`,
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
} finally {
  source.close();
  await x.stop();
}
