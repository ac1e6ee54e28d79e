import { basename } from 'node:path';
import { CTRL_LEVEL } from '@rdshare/session';
import { type IssuedInvitation, levelName, type Sharing } from './sharing.js';
import { shellQuote } from './xfreerdp-command.js';

/** One thing that happened: `fields` for `--json`, `text` for people. */
export interface ShareEvent {
  event: string;
  fields: Record<string, unknown>;
  text: string;
}

/** How this command was started, so the lines it prints run as printed (`rdshare`, or node and the script). */
function selfCommand(): string {
  const script = process.argv[1] ?? 'rdshare';
  return basename(script) === 'rdshare' ? 'rdshare' : `node ${shellQuote(script)}`;
}

const LEFT_BECAUSE = ['the sharer ended it', 'an error', 'it quit'];

/** 127.0.0.0/8, ::1 and localhost: only viewers on this machine reach a listener there. */
const isLoopback = (address: string) => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(address);

/**
 * The first lines people read: what is shared on which port and who can reach it. The default listens on the
 * loopback address (nothing leaves the machine unasked), so it says how to share beyond this machine.
 */
export function sharingStartedText(sharing: Sharing): string {
  const { listen } = sharing.options;
  const started = `rdshare is sharing ${sharing.display} on ${listen} port ${sharing.session.port}`;
  return isLoopback(listen)
    ? `${started}: viewers on this machine only; to share beyond it, add --listen 0.0.0.0 (every interface)`
    : started;
}

export function invitationEvent(sharing: Sharing, issued: IssuedInvitation): ShareEvent {
  const { invitation, password, ticketFile, xfreerdp, xfreerdp3, webUrl } = issued;
  return {
    event: 'invitation',
    fields: {
      display: sharing.display,
      listen: sharing.options.listen,
      port: sharing.session.port,
      group: invitation.groupName,
      connectionString: invitation.connectionString,
      password,
      ticketFile,
      attendeeLimit: invitation.attendeeLimit,
      xfreerdp,
      xfreerdp3,
      ...(webUrl ? { webUrl } : {}),
    },
    text: `invitation ${invitation.groupName} (up to ${invitation.attendeeLimit} attendees)
  connection string: ${invitation.connectionString}
  password:          ${password}
  ticket file:       ${ticketFile}
${webUrl ? `join it from a browser (the password as above):\n  ${webUrl}\n` : ''}join it with FreeRDP:
  ${xfreerdp}
or FreeRDP 3:
  ${xfreerdp3}
or from a terminal:
  ${selfCommand()} view ${shellQuote(ticketFile)} --password ${shellQuote(password)}`,
  };
}

/**
 * The session's events as `ShareEvent`s. Control requests are left to the caller (`onRequest`), which decides.
 */
export function watchSharing(sharing: Sharing, emit: (e: ShareEvent) => void): void {
  const { events } = sharing.session;
  // The level given on arrival is part of the arrival, not an update of its own.
  const announced = new Set<number>();
  events.attendeeConnected$.subscribe(({ attendee }) => {
    announced.add(attendee.id);
    const from = attendee.connectivityInfo.peerIp;
    emit({
      event: 'attendeeConnected',
      fields: { id: attendee.id, name: attendee.remoteName, from, level: levelName(attendee.controlLevel) },
      text: `+ attendee ${attendee.id} "${attendee.remoteName}" from ${from} (${levelName(attendee.controlLevel)})`,
    });
  });
  events.attendeeDisconnected$.subscribe(({ info }) => {
    announced.delete(info.attendee.id);
    const why = LEFT_BECAUSE[info.reason] ?? `reason ${info.reason}`;
    emit({
      event: 'attendeeDisconnected',
      fields: { id: info.attendee.id, name: info.attendee.remoteName, reason: why, code: info.code },
      text: `- attendee ${info.attendee.id} "${info.attendee.remoteName}" left (${why})`,
    });
  });
  events.attendeeUpdate$.subscribe(({ attendee }) => {
    if (!announced.has(attendee.id)) return;
    emit({
      event: 'attendeeUpdate',
      fields: { id: attendee.id, name: attendee.remoteName, level: levelName(attendee.controlLevel) },
      text: `= attendee ${attendee.id} "${attendee.remoteName}" is now ${levelName(attendee.controlLevel)}`,
    });
  });
  events.graphicsStreamPaused$.subscribe(() => emit({ event: 'paused', fields: {}, text: '|| paused' }));
  events.graphicsStreamResumed$.subscribe(() => emit({ event: 'resumed', fields: {}, text: '> resumed' }));
  events.error$.subscribe(({ error, attendee }) =>
    emit({
      event: 'error',
      fields: { message: error.message, attendee: attendee?.id },
      text: `! ${attendee ? `attendee ${attendee.id}: ` : ''}${error.message}`,
    }),
  );
}

/** Answers a control request without asking anyone: what `--control` allows, nothing more. */
export function decideUnattended(sharing: Sharing, emit: (e: ShareEvent) => void): void {
  sharing.session.events.controlLevelChangeRequest$.subscribe(({ attendee, requestedLevel }) => {
    const asked = levelName(requestedLevel);
    const granted = sharing.options.control === 'interactive' || asked !== 'interactive';
    const level =
      asked === 'interactive' ? CTRL_LEVEL.INTERACTIVE : asked === 'view' ? CTRL_LEVEL.VIEW : CTRL_LEVEL.NONE;
    if (granted) attendee.controlLevel = level;
    sharing.session.sendControlLevelChangeResponse(attendee, level, granted ? 0 : 1);
    emit({
      event: 'controlLevelChangeRequest',
      fields: { id: attendee.id, name: attendee.remoteName, requested: asked, granted },
      text: `? attendee ${attendee.id} "${attendee.remoteName}" asks for ${asked}: ${granted ? 'granted' : `refused (--control ${sharing.options.control})`}`,
    });
  });
}

export function stoppedEvent(sharing: Sharing): ShareEvent {
  const s = sharing.summary();
  const who =
    s.attendees.length === 0
      ? 'nobody'
      : s.attendees.map((a) => `${a.name} (${a.seconds} s, ${formatBytes(a.bytesSent)})`).join(', ');
  return {
    event: 'stopped',
    fields: s,
    text: `stopped after ${s.seconds} s; attended: ${who}; sent ${formatBytes(s.bytesSent)} in ${s.framesSent} frames`,
  };
}

/** Bytes for people: 512 B, 3.4 kB, 12.0 MB (powers of 1000, as network rates are quoted). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
