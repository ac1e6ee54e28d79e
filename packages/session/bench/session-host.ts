// Runs one RdpSession in a process of its own, so that the benchmark can read the sharer's CPU time from
// /proc/PID/stat without counting its own work. Prints one JSON line {port, connectionString, password} once
// the session listens; closes the session on SIGTERM or when stdin ends.
//
// Usage: session-host.ts <display> [<viewers> [<FrameCaptureIntervalInMs>]]
import { CTRL_LEVEL, RdpSession } from '../src/index.js';

const [display, viewers = '1', captureIntervalMs = '33'] = process.argv.slice(2);
const password = 'bench-pw';
const quiet = () => {};
const session = new RdpSession({
  display,
  // RDSHARE_BENCH_SURFACE_COPIES=0: without surface copies, to measure what finding them costs and saves.
  surfaceCopies: process.env.RDSHARE_BENCH_SURFACE_COPIES !== '0',
  listenAddress: '127.0.0.1',
  logger: {
    debug: quiet,
    info: quiet,
    warn: (message, fields) => console.error('warn', message, fields ?? ''),
    error: (message, fields) => console.error('error', message, fields ?? ''),
  },
  properties: {
    DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW,
    FrameCaptureIntervalInMs: Number(captureIntervalMs),
  },
});
await session.open();
const invitation = session.invitations.createInvitation({
  groupName: 'bench',
  password,
  attendeeLimit: Number(viewers),
});
process.stdout.write(
  `${JSON.stringify({ port: session.port, connectionString: invitation.connectionString, password })}\n`,
);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await session.close();
  process.exit(0);
};
process.once('SIGTERM', close);
process.stdin.once('end', close);
process.stdin.resume();
