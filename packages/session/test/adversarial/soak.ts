/**
 * Soak: one sharer, an animated display and N xfreerdp attendees for a long time; prints RSS and CPU of the
 * sharer (this process) every minute and a start/end summary, and fails if an attendee dropped or stopped
 * seeing frames. Run: `pnpm --filter @rdshare/session soak --minutes 60 --attendees 8 [--fps 30] [--viewer avc420]`.
 * `--viewer` picks what the attendees ask for: `bitmap` (32 bpp bitmap updates, the default), `gfx` (the lossless
 * graphics pipeline) or `avc420` (the graphics pipeline with H.264), so each sending path's memory can be watched.
 */
import { parseArgs } from 'node:util';
import {
  type FrameCounterReader,
  processCpuSeconds,
  startAnimation,
  startFrameCounterReader,
  startXfreerdp,
  startXvfb,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { CTRL_LEVEL, RdpSession } from '../../src/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    attendees: { type: 'string', default: '8' },
    fps: { type: 'string', default: '30' },
    viewer: { type: 'string', default: 'bitmap' },
  },
});
const VIEWER_ARGS: Record<string, string[]> = {
  bitmap: ['/bpp:32'],
  gfx: ['/gfx:RFX', '/bpp:32'],
  avc420: ['/gfx:AVC420', '/bpp:32'],
};
const viewerArgs = VIEWER_ARGS[values.viewer];
if (!viewerArgs) throw new Error(`--viewer ${values.viewer}: expected one of ${Object.keys(VIEWER_ARGS).join(', ')}`);
const minutes = Number(values.minutes);
const count = Number(values.attendees);
const WIDTH = 800;
const HEIGHT = 600;

const shared = await startXvfb({ width: WIDTH, height: HEIGHT });
const animation = await startAnimation(shared, { fps: Number(values.fps), recordDrawTimes: false });
// Counted, not kept: a soak that stored every log line would grow by itself.
let warnings = 0;
const quiet = () => {};
const countWarning = () => {
  warnings++;
};
const session = new RdpSession({
  display: shared.display,
  listenAddress: '127.0.0.1',
  logger: { debug: quiet, info: quiet, warn: countWarning, error: countWarning },
});
session.events.attendeeConnected$.subscribe(({ attendee }) => {
  attendee.controlLevel = CTRL_LEVEL.VIEW;
});
await session.open();
const invitation = session.invitations.createInvitation({
  groupName: 'soak',
  password: 'soak-pw',
  attendeeLimit: count,
});
const viewers: { display: XvfbDisplay; client: XfreerdpViewer; reader: FrameCounterReader }[] = [];
for (let i = 0; i < count; i++) {
  const display = await startXvfb({ width: WIDTH, height: HEIGHT });
  const client = startXfreerdp({
    display,
    connectionString: invitation.connectionString,
    password: 'soak-pw',
    name: `soak-${i}`,
    args: viewerArgs,
  });
  // The harness keeps only what it needs, so the heap figures are the sharer's.
  const reader = await startFrameCounterReader(display, { pollsPerSecond: 50, keep: 16 });
  viewers.push({ display, client, reader });
}
await waitFor(() => session.attendees.count === count, 60_000, `${count} attendees`);
await Promise.all(viewers.map((v) => v.reader.next(30_000)));

// With --expose-gc (the package script passes it) RSS is read after a full collection, so garbage not yet
// collected does not pass for a leak.
const gc = (globalThis as { gc?: () => void }).gc;
const sample = () => {
  gc?.();
  return {
    rssMb: process.memoryUsage().rss / 1024 / 1024,
    heapMb: process.memoryUsage().heapUsed / 1024 / 1024,
    cpu: processCpuSeconds(process.pid),
    at: Date.now(),
  };
};
/** Heap growth allowed after the warm-up minutes (JIT, caches filling to their limits) before it counts as a leak. */
const HEAP_GROWTH_LIMIT_MB = 4;
const WARM_UP_MINUTES = 2;
let last = sample();
const first = last;
let warm: ReturnType<typeof sample> | undefined;
const cpuPercent = (a: ReturnType<typeof sample>, b: ReturnType<typeof sample>) =>
  ((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100;
let firstMinuteCpu = 0;
let failure: string | undefined;
for (let m = 1; m <= minutes && !failure; m++) {
  const seen = viewers.map((v) => v.reader.seen);
  await new Promise((r) => setTimeout(r, 60_000));
  const now = sample();
  const cpu = cpuPercent(last, now);
  if (m === 1) firstMinuteCpu = cpu;
  const stalled = viewers.filter((v, i) => v.reader.seen === seen[i]).length;
  if (m === WARM_UP_MINUTES) warm = now;
  console.log(
    `minute ${m}: RSS ${now.rssMb.toFixed(1)} MB, heap ${now.heapMb.toFixed(1)} MB, CPU ${cpu.toFixed(1)} %, attendees ${session.attendees.count}, stalled viewers ${stalled}`,
  );
  if (session.attendees.count !== count) failure = `attendees dropped to ${session.attendees.count}`;
  else if (stalled > 0) failure = `${stalled} viewers saw no new frame for a minute`;
  last = now;
}
const end = sample();
if (!failure && warm && end.heapMb - warm.heapMb > HEAP_GROWTH_LIMIT_MB)
  failure = `the heap grew from ${warm.heapMb.toFixed(1)} to ${end.heapMb.toFixed(1)} MB after minute ${WARM_UP_MINUTES}`;
console.log(
  `\nsoak: ${count} ${values.viewer} attendees for ${minutes} min: RSS ${first.rssMb.toFixed(1)} MB at start -> ${end.rssMb.toFixed(1)} MB at end, ` +
    `heap ${first.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB; ` +
    `CPU ${firstMinuteCpu.toFixed(1)} % (first minute) -> ${cpuPercent(first, end).toFixed(1)} % (average); ` +
    `${warnings} warnings/errors logged`,
);
for (const v of viewers) {
  await v.reader.stop();
  await v.client.stop();
  await v.display.stop();
}
await session.close();
await animation.stop();
await shared.stop();
if (failure) {
  console.error(`soak failed: ${failure}`);
  process.exit(1);
}
