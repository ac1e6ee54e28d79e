#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { startEmbeddedDisplay } from './embedded-display.js';

const { values: args } = parseArgs({
  options: {
    display: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    interactive: { type: 'boolean', default: false },
    view: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`rdshare demo: shares a desktop and prints an invitation.

  --display :N      share this X display instead of an embedded Xvfb one
  --listen ADDR     listen address (default 127.0.0.1; 0.0.0.0 or :: for every interface)
  --port N          listen port (default: any free one)
  --interactive     let attendees control the desktop (default: view only)
  --view            also join with xfreerdp on a second embedded display and save screenshots
  --seconds N       stop after N seconds (default: run until Ctrl+C)`);
  process.exit(0);
}

// pnpm runs the script in the package folder; write next to where the user started it.
const out = resolve(process.env.INIT_CWD ?? process.cwd(), '.rdshare');
mkdirSync(out, { recursive: true });
const embedded = args.display ? undefined : await startEmbeddedDisplay(1280, 800);
const display = args.display ?? embedded!.display;

// Attendees join seeing nothing (Windows' default DefaultAttendeeControlLevel, NONE) until given a level.
const session = new RdpSession({ display, listenAddress: args.listen, properties: { PortId: Number(args.port) } });
const levelName = (level: number) =>
  level === CTRL_LEVEL.INTERACTIVE ? 'interactive' : level === CTRL_LEVEL.VIEW ? 'view only' : 'nothing';
session.events.attendeeConnected$.subscribe(({ attendee }) => {
  attendee.controlLevel = args.interactive ? CTRL_LEVEL.INTERACTIVE : CTRL_LEVEL.VIEW;
  const level = levelName(attendee.controlLevel);
  console.log(`+ attendee ${attendee.id} "${attendee.remoteName}" from ${attendee.connectivityInfo.peerIp} (${level})`);
});
// A viewer asks for a level (xfreerdp: Ctrl+Alt+C, or /auto-request-control): control only with --interactive.
session.events.controlLevelChangeRequest$.subscribe(({ attendee, requestedLevel }) => {
  const granted = args.interactive || requestedLevel !== CTRL_LEVEL.INTERACTIVE;
  console.log(`? attendee ${attendee.id} asks for ${levelName(requestedLevel)}: ${granted ? 'granted' : 'refused'}`);
  if (granted) attendee.controlLevel = requestedLevel;
  // Viewers that read the answer (Windows 10 and later) are told; reason codes are the app's own.
  session.sendControlLevelChangeResponse(attendee, requestedLevel, granted ? 0 : 1);
});
session.events.attendeeDisconnected$.subscribe(({ info }) => {
  const why = ['the sharer ended it', 'an error', 'it quit'][info.reason];
  console.log(
    `- attendee ${info.attendee.id} "${info.attendee.remoteName}" left (${why}, code 0x${info.code.toString(16)})`,
  );
});
await session.open();

const password = randomBytes(6).toString('base64url');
const invitation = session.invitations.createInvitation({ groupName: 'demo', password, attendeeLimit: 5 });
const ticket = resolve(out, 'demo.msrcIncident');
writeFileSync(ticket, invitation.connectionString);

console.log(`rdshare is sharing display ${display}${embedded ? ' (an embedded Xvfb desktop)' : ''} on port ${session.port}

invitation (connection string):
  ${invitation.connectionString}
password:    ${password}
ticket file: ${ticket}

join it with FreeRDP (from any X session; -gfx /bpp:32 gives a lossless picture):
  xfreerdp ${ticket} /assistance:${password} /u:$USER /cert:ignore -gfx /bpp:32
`);

let stopViewer = () => {};
if (args.view) stopViewer = await startViewer(ticket, password, out);

const stop = async () => {
  stopViewer();
  await session.close();
  embedded?.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (args.seconds) setTimeout(stop, Number(args.seconds) * 1000);
else console.log('Ctrl+C to stop.');

/** Joins with xfreerdp on a second embedded display and saves what it shows every few seconds. */
async function startViewer(ticketFile: string, pw: string, dir: string): Promise<() => void> {
  const viewer = await startEmbeddedDisplay(1280, 800, 120);
  const env = { ...process.env, DISPLAY: viewer.display };
  const client = spawn(
    'xfreerdp',
    [ticketFile, `/assistance:${pw}`, '/u:demo-viewer', '/cert:ignore', '-gfx', '/bpp:32'],
    {
      env,
      stdio: 'ignore',
    },
  );
  const png = resolve(dir, 'viewer.png');
  const timer = setInterval(() => {
    spawn('import', ['-window', 'root', png], { env, stdio: 'ignore' });
  }, 3000);
  console.log(`viewer: xfreerdp on ${viewer.display}; what it shows is saved to ${png} every 3 s`);
  return () => {
    clearInterval(timer);
    client.kill('SIGTERM');
    viewer.stop();
  };
}
