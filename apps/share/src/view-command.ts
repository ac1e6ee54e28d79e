import { existsSync, readFileSync } from 'node:fs';
import { ControlLevel } from '@rdshare/rx';
import { RdpViewer, ViewerError } from '@rdshare/viewer';
import { nodeCryptoProvider, tcpTransport } from '@rdshare/viewer/node';
import { CliError } from './cli-error.js';
import { writePng } from './png-file.js';

export interface ViewFlags {
  password: string;
  name: string;
  screenshot?: string;
  requestControl?: boolean;
  seconds?: string;
  json?: boolean;
}

/** A connection string is XML (`<E>...`); anything else is taken for a file holding one. */
export function readTicket(ticket: string): string {
  if (ticket.trimStart().startsWith('<')) return ticket.trim();
  if (!existsSync(ticket)) {
    throw new CliError(
      `no ticket file ${ticket}`,
      'pass the .msrcIncident file rdshare share wrote, or the connection string itself in quotes',
    );
  }
  let text: string;
  try {
    text = readFileSync(ticket, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${ticket}: ${(e as Error).message}`, 'check the file and its permissions');
  }
  const start = text.indexOf('<E');
  if (start < 0)
    throw new CliError(
      `${ticket} holds no invitation (no <E> element)`,
      'pass the .msrcIncident file rdshare share wrote',
    );
  return text.slice(start).trim();
}

/** `rdshare view`: joins, reports, optionally saves a screenshot and asks for control. */
export async function viewCommand(ticket: string, flags: ViewFlags): Promise<void> {
  const connectionString = readTicket(ticket);
  const seconds = flags.seconds === undefined ? undefined : Number(flags.seconds);
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) {
    throw new CliError(`--seconds must be a whole number above 0, got "${flags.seconds}"`, 'e.g. --seconds 10');
  }
  const print = flags.json
    ? (event: string, fields: Record<string, unknown>, _text: string) =>
        process.stdout.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...fields })}\n`)
    : (_event: string, _fields: Record<string, unknown>, text: string) => console.log(text);
  const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
  let frames = 0;
  viewer.frame$.subscribe(() => frames++);
  viewer.events.attendeeConnected$.subscribe(({ attendee }) =>
    print(
      'attendeeConnected',
      { id: attendee.id, name: attendee.remoteName },
      `+ ${attendee.remoteName} (${attendee.id})`,
    ),
  );
  viewer.events.attendeeDisconnected$.subscribe(({ info }) =>
    print('attendeeDisconnected', { id: info.attendee.id }, `- attendee ${info.attendee.id} left`),
  );
  viewer.events.attendeeUpdate$.subscribe(({ attendee }) =>
    print(
      'attendeeUpdate',
      { id: attendee.id, name: attendee.remoteName, level: attendee.controlLevel },
      `= ${attendee.remoteName} (${attendee.id}) is now at level ${attendee.controlLevel}`,
    ),
  );
  viewer.events.graphicsStreamPaused$.subscribe(() => print('paused', {}, '|| the sharer paused'));
  viewer.events.graphicsStreamResumed$.subscribe(() => print('resumed', {}, '> the sharer resumed'));
  const started = Date.now();
  const ended = new Promise<void>((done) =>
    viewer.events.connectionTerminated$.subscribe(({ reason, extendedInfo }) => {
      print('disconnected', { reason, extendedInfo }, `disconnected (reason ${reason}, ${extendedInfo})`);
      done();
    }),
  );
  try {
    await viewer.connect(connectionString, flags.name, flags.password);
  } catch (e) {
    if (e instanceof ViewerError) throw new CliError(`cannot join: ${e.message}`, fixFor(e.code));
    throw e;
  }
  const fb = viewer.frameBuffer;
  print(
    'connected',
    { width: fb?.width, height: fb?.height },
    `connected: the shared desktop is ${fb?.width}x${fb?.height}`,
  );
  if (flags.requestControl) viewer.requestControl(ControlLevel.INTERACTIVE);
  const rate = setInterval(() => {
    print('frameRate', { framesPerSecond: frames }, `${frames} frame updates/s`);
    frames = 0;
  }, 1000);
  const leave = async () => {
    clearInterval(rate);
    viewer.disconnect();
    print(
      'left',
      { seconds: Math.round((Date.now() - started) / 1000) },
      `left after ${Math.round((Date.now() - started) / 1000)} s`,
    );
  };
  process.on('SIGINT', () => void leave().then(() => process.exit(0)));
  if (flags.screenshot) {
    await firstPicture(viewer);
    const buffer = viewer.frameBuffer;
    if (!buffer)
      throw new CliError(
        'the connection ended before a picture arrived',
        'check that the sharer gives attendees view (--control view)',
      );
    writePng(flags.screenshot, buffer.width, buffer.height, buffer.data);
    print(
      'screenshot',
      { file: flags.screenshot, width: buffer.width, height: buffer.height },
      `saved ${flags.screenshot}`,
    );
    if (seconds === undefined) {
      await leave();
      return;
    }
  }
  if (seconds !== undefined) await Promise.race([ended, new Promise((r) => setTimeout(r, seconds * 1000))]);
  else await ended;
  await leave();
  process.exit(0);
}

/** Resolves once updates have come and then paused for a moment: the first full picture is drawn. */
function firstPicture(viewer: RdpViewer): Promise<void> {
  const QUIET_MS = 500;
  const TIMEOUT_MS = 15_000;
  return new Promise((done, fail) => {
    let quiet: NodeJS.Timeout | undefined;
    const give = setTimeout(
      () => fail(new CliError('no picture within 15 s', 'check that the sharer lets attendees view')),
      TIMEOUT_MS,
    );
    const sub = viewer.frame$.subscribe(() => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        clearTimeout(give);
        sub.unsubscribe();
        done();
      }, QUIET_MS);
    });
  });
}

function fixFor(code: string): string {
  switch (code) {
    case 'BAD_TICKET':
      return 'pass the whole connection string or the .msrcIncident file rdshare share wrote';
    case 'CONNECT_FAILED':
      return 'check that rdshare share still runs and that its port is reachable from here (--listen 0.0.0.0 on the sharer)';
    case 'REFUSED':
      return 'check the password; the invitation may be revoked or full (--limit)';
    case 'KEY_MISMATCH':
      return 'the sharer is not the one that made this invitation: get a fresh ticket';
    default:
      return 'try again; if it persists, report it with the message above';
  }
}
