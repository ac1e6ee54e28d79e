// What the application filter's blanking costs: a full-screen capture of a real 1280x800 Xvfb display into the
// tile store (XShm capture + native tile sync), with and without blanking the pixels outside shared windows,
// alternated in one run so both see the same machine load. The desktop shows a detailed image; the mask is the
// visible region of six overlapping windows, three of them shared (a typical, not a trivial, region).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDisplay, syncTiles } from '@rdshare/native';
import { startXvfb } from '@rdshare/testkit';
import { expect, it } from 'vitest';
import { TILE_SIZE } from '../src/graphics/tile-grid.js';
import { visibleSharedRegion, WindowMask } from '../src/graphics/window-mask.js';

const WIDTH = 1280;
const HEIGHT = 800;
const ROUNDS = 60;

const windows = [
  { rect: { x: 20, y: 20, width: 500, height: 400 }, shared: true },
  { rect: { x: 300, y: 200, width: 400, height: 300 }, shared: false },
  { rect: { x: 650, y: 50, width: 600, height: 450 }, shared: true },
  { rect: { x: 100, y: 450, width: 700, height: 320 }, shared: true },
  { rect: { x: 900, y: 400, width: 300, height: 300 }, shared: false },
  { rect: { x: 480, y: 380, width: 120, height: 90 }, shared: false },
].map((w, stackIndex) => ({ ...w, mapped: true, stackIndex }));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

it('blanking costs a small fraction of a capture', async () => {
  const shared = await startXvfb({ width: WIDTH, height: HEIGHT });
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-bench-'));
  const image = join(dir, 'bg.png');
  execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '3', image]);
  await shared.exec('display', ['-window', 'root', image]).catch(() => undefined);
  const desktop = openDisplay(shared.display);
  try {
    const { source } = desktop;
    const full = { x: 0, y: 0, width: WIDTH, height: HEIGHT };
    const store = source.allocateFrame();
    const scratch = source.allocateFrame();
    const mask = new WindowMask(visibleSharedRegion(windows, (w) => w.shared));
    const capture = async (blank: boolean) => {
      // A zeroed store makes every tile differ, so the sync copies the whole frame each time (the worst case).
      store.data.fill(0);
      const t0 = process.hrtime.bigint();
      await source.capture(full, scratch);
      const t1 = process.hrtime.bigint();
      if (blank) mask.blank(scratch, full);
      const t2 = process.hrtime.bigint();
      await syncTiles(store, scratch, { tileSize: TILE_SIZE });
      const t3 = process.hrtime.bigint();
      return { total: Number(t3 - t0) / 1e6, blank: Number(t2 - t1) / 1e6 };
    };
    for (let i = 0; i < 5; i++) await capture(i % 2 === 0);
    const plain: number[] = [];
    const masked: number[] = [];
    const blankOnly: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      plain.push((await capture(false)).total);
      const m = await capture(true);
      masked.push(m.total);
      blankOnly.push(m.blank);
    }
    const result = {
      captureMs: median(plain),
      captureWithBlankingMs: median(masked),
      blankingMs: median(blankOnly),
      blankingToCapture: median(blankOnly) / median(plain),
    };
    console.log(`blanking bench (1280x800, median of ${ROUNDS}): ${JSON.stringify(result)}`);
    expect(result.blankingToCapture).toBeLessThan(1);
  } finally {
    desktop.close();
    await shared.stop();
  }
});
