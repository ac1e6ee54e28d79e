/**
 * Soak: one sharer, an animated display and N xfreerdp attendees for a long time; prints RSS and CPU of the
 * sharer (this process) every minute and a start/end summary, and fails if an attendee dropped or stopped
 * seeing frames. Run: `pnpm --filter @rdshare/session soak --minutes 60 --attendees 8 [--fps 30]`.
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
import { silentLogger } from '../e2e/logger.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    attendees: { type: 'string', default: '8' },
    fps: { type: 'string', default: '30' },
  },
});
const minutes = Number(values.minutes);
const count = Number(values.attendees);
const WIDTH = 800;
const HEIGHT = 600;

const shared = await startXvfb({ width: WIDTH, height: HEIGHT });
const animation = await startAnimation(shared, { fps: Number(values.fps) });
const lines: { level: string; message: string }[] = [];
const session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger(lines) });
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
    args: ['-gfx', '/bpp:32'],
  });
  const reader = await startFrameCounterReader(display, { pollsPerSecond: 50 });
  viewers.push({ display, client, reader });
}
await waitFor(() => session.attendees.count === count, 60_000, `${count} attendees`);
await Promise.all(viewers.map((v) => v.reader.next(30_000)));

const sample = () => ({
  rssMb: process.memoryUsage().rss / 1024 / 1024,
  cpu: processCpuSeconds(process.pid),
  at: Date.now(),
});
let last = sample();
const first = last;
const rows: string[] = [];
const cpuPercent = (a: ReturnType<typeof sample>, b: ReturnType<typeof sample>) =>
  ((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100;
let firstMinuteCpu = 0;
let failure: string | undefined;
for (let m = 1; m <= minutes && !failure; m++) {
  const seen = viewers.map((v) => v.reader.sightings.length);
  await new Promise((r) => setTimeout(r, 60_000));
  const now = sample();
  const cpu = cpuPercent(last, now);
  if (m === 1) firstMinuteCpu = cpu;
  const stalled = viewers.filter((v, i) => v.reader.sightings.length === seen[i]).length;
  rows.push(
    `minute ${m}: RSS ${now.rssMb.toFixed(1)} MB, CPU ${cpu.toFixed(1)} %, attendees ${session.attendees.count}, stalled viewers ${stalled}`,
  );
  console.log(rows.at(-1));
  if (session.attendees.count !== count) failure = `attendees dropped to ${session.attendees.count}`;
  else if (stalled > 0) failure = `${stalled} viewers saw no new frame for a minute`;
  last = now;
}
const end = sample();
console.log(
  `\nsoak: ${count} attendees for ${minutes} min: RSS ${first.rssMb.toFixed(1)} MB at start -> ${end.rssMb.toFixed(1)} MB at end; ` +
    `CPU ${firstMinuteCpu.toFixed(1)} % (first minute) -> ${cpuPercent(first, end).toFixed(1)} % (average); ` +
    `${lines.filter((l) => l.level === 'warn' || l.level === 'error').length} warnings/errors logged`,
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
