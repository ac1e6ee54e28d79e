import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Attendee, CTRL_LEVEL, type Invitation, RdpSession, RdshareError } from '@rdshare/session';
import { CliError } from './cli-error.js';
import { type EmbeddedDisplay, startEmbeddedDisplay } from './embedded-display.js';
import type { ShareOptions } from './share-options.js';
import { xfreerdpCommand } from './xfreerdp-command.js';

/** A generated password: 9 random bytes, 12 characters a person can read out. */
const GENERATED_PASSWORD_BYTES = 9;

/** One invitation as the CLI hands it out. */
export interface IssuedInvitation {
  invitation: Invitation;
  password: string;
  ticketFile: string;
  xfreerdp: string;
}

/** Who came, for the closing line. */
interface Visit {
  id: number;
  name: string;
  from: string;
  joined: number;
  left?: number;
}

export const levelName = (level: number): string =>
  level === CTRL_LEVEL.INTERACTIVE || level === CTRL_LEVEL.REQCTRL_INTERACTIVE
    ? 'interactive'
    : level === CTRL_LEVEL.VIEW || level === CTRL_LEVEL.REQCTRL_VIEW
      ? 'view'
      : 'none';

/**
 * A running `rdshare share`: the session, its display (embedded or not), the invitations handed out and who
 * attended. The terminal front ends (human, JSON, interactive) drive it and read it.
 */
export class Sharing {
  readonly invitations: IssuedInvitation[] = [];
  readonly visits = new Map<number, Visit>();
  readonly startedAt = Date.now();
  private constructor(
    readonly session: RdpSession,
    readonly display: string,
    readonly options: ShareOptions,
    private readonly embedded: EmbeddedDisplay | undefined,
  ) {
    session.events.attendeeConnected$.subscribe(({ attendee }) => {
      this.visits.set(attendee.id, {
        id: attendee.id,
        name: attendee.remoteName,
        from: attendee.connectivityInfo.peerIp,
        joined: Date.now(),
      });
      attendee.controlLevel = options.control === 'interactive' ? CTRL_LEVEL.INTERACTIVE : CTRL_LEVEL.VIEW;
    });
    session.events.attendeeDisconnected$.subscribe(({ info }) => {
      const visit = this.visits.get(info.attendee.id);
      if (visit) visit.left = Date.now();
    });
  }

  /** Starts the display when needed, opens the session and creates the first invitation. */
  static async start(options: ShareOptions): Promise<Sharing> {
    if (options.web !== undefined) {
      throw new CliError(
        '--web is not available in this build: the web viewer has not landed yet',
        'leave --web out and join with the printed xfreerdp line or `rdshare view`',
      );
    }
    if (options.rect !== undefined) {
      throw new CliError(
        '--rect is not available in this build: RdpSession has no setDesktopSharedRect yet',
        'leave --rect out to share the whole display',
      );
    }
    if (options.apps.length > 0) {
      throw new CliError(
        '--app is not available in this build: RdpSession has no application filter yet',
        'leave --app out to share the whole display',
      );
    }
    const embedded = 'virtual' in options.source ? await startEmbeddedDisplay(options.source.virtual) : undefined;
    const display = 'display' in options.source ? options.source.display : (embedded as EmbeddedDisplay).display;
    try {
      const session = new RdpSession({
        display,
        listenAddress: options.listen,
        properties: { PortId: options.port },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      await session.open().catch((e) => {
        throw explainOpenFailure(e, options, display);
      });
      const sharing = new Sharing(session, display, options, embedded);
      sharing.invite();
      return sharing;
    } catch (e) {
      await embedded?.stop();
      throw e;
    }
  }

  /** Creates an invitation (the first is `options.password` / `options.ticket`) and writes its ticket file. */
  invite(): IssuedInvitation {
    const n = this.invitations.length;
    const password =
      (n === 0 ? this.options.password : undefined) ?? randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
    const invitation = this.session.invitations.createInvitation({
      groupName: `rdshare-${n + 1}`,
      password,
      attendeeLimit: this.options.limit,
    });
    const ticketFile = resolve(
      n === 0 ? this.options.ticket : this.options.ticket.replace(/(\.msrcIncident)?$/, `-${n + 1}.msrcIncident`),
    );
    try {
      writeFileSync(ticketFile, invitation.connectionString);
    } catch (e) {
      throw new CliError(
        `cannot write the ticket file ${ticketFile}: ${(e as Error).message}`,
        'choose a writable place with --ticket FILE',
      );
    }
    const issued = { invitation, password, ticketFile, xfreerdp: xfreerdpCommand(ticketFile, password) };
    this.invitations.push(issued);
    return issued;
  }

  attendee(id: number): Attendee {
    for (const a of this.session.attendees) if (a.id === id) return a;
    throw new CliError(`no attendee ${id} is connected`, '`list` shows who is connected and their ids');
  }

  /** Everyone who came, how long it ran. */
  summary(): { seconds: number; attendees: { id: number; name: string; from: string; seconds: number }[] } {
    const now = Date.now();
    return {
      seconds: Math.round((now - this.startedAt) / 1000),
      attendees: [...this.visits.values()].map((v) => ({
        id: v.id,
        name: v.name,
        from: v.from,
        seconds: Math.round(((v.left ?? now) - v.joined) / 1000),
      })),
    };
  }

  async stop(): Promise<void> {
    await this.session.close();
    await this.embedded?.stop();
  }
}

function explainOpenFailure(e: unknown, options: ShareOptions, display: string): unknown {
  if (!(e instanceof RdshareError)) return e;
  if (e.code === 'DISPLAY_UNAVAILABLE' || /X display/i.test(e.message)) {
    return new CliError(
      `cannot share display ${display}: ${e.message}`,
      'start that X server or pass the display that runs (xdpyinfo -display :N tells), or use --virtual WxH for an embedded one',
    );
  }
  if (e.code === 'LISTEN_FAILED') {
    return new CliError(
      `cannot listen on ${options.listen} port ${options.port}: ${e.message}`,
      options.port
        ? `port ${options.port} is taken or not allowed: choose another with --port N, or --port 0 for any free one`
        : 'check --listen: it must be an address of this machine',
    );
  }
  return e;
}
