import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  type Application,
  type Attendee,
  CTRL_LEVEL,
  type Invitation,
  RdpSession,
  RdshareError,
} from '@rdshare/session';
import { CliError } from './cli-error.js';
import { type EmbeddedDisplay, startEmbeddedDisplay } from './embedded-display.js';
import { explainOpenFailure } from './open-failure.js';
import type { Rect, ShareOptions } from './share-options.js';
import { webViewerDirectory } from './web-viewer-page.js';
import { xfreerdp3Command, xfreerdpCommand } from './xfreerdp-command.js';

/** A generated password: 9 random bytes, 12 characters a person can read out. */
const GENERATED_PASSWORD_BYTES = 9;

/** One invitation as the CLI hands it out. */
export interface IssuedInvitation {
  invitation: Invitation;
  password: string;
  ticketFile: string;
  xfreerdp: string;
  /** The same for FreeRDP 3 (`xfreerdp3`). */
  xfreerdp3: string;
  /** The web viewer's URL with this invitation in its fragment, when `--web` serves the page. */
  webUrl?: string;
}

/** Who came, for the closing line. */
interface Visit {
  attendee: Attendee;
  from: string;
  joined: number;
  left?: number;
}

/** What the closing line reports of one attendee. */
export interface AttendeeSummary {
  id: number;
  name: string;
  from: string;
  seconds: number;
  bytesSent: number;
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
  /** Applications shared by name (lower case), kept so that ones that start later are shared too. */
  private readonly sharedNames = new Set<string>();
  private followingApplications = false;
  private constructor(
    readonly session: RdpSession,
    readonly display: string,
    readonly options: ShareOptions,
    private readonly embedded: EmbeddedDisplay | undefined,
    /** The web viewer's address (`http://host:port/`), when `--web` serves it. */
    readonly web: string | undefined,
  ) {
    session.events.attendeeConnected$.subscribe(({ attendee }) => {
      this.visits.set(attendee.id, {
        attendee,
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

  /**
   * Starts the display when needed, opens the session, applies `--rect`, `--web` and `--app`, and creates the
   * first invitation; on a failure it stops what it started.
   */
  static async start(options: ShareOptions): Promise<Sharing> {
    const embedded = 'virtual' in options.source ? await startEmbeddedDisplay(options.source.virtual) : undefined;
    const display = 'display' in options.source ? options.source.display : (embedded as EmbeddedDisplay).display;
    const session = new RdpSession({
      display,
      listenAddress: options.listen,
      properties: { PortId: options.port },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      await session.open().catch((e) => {
        throw explainOpenFailure(e, options, display);
      });
      if (options.rect) shareRect(session, options.rect);
      const web = options.web === undefined ? undefined : await listenWeb(session, options);
      const sharing = new Sharing(session, display, options, embedded, web);
      if (options.apps.length > 0) for (const name of options.apps) sharing.shareApplication(name);
      sharing.invite();
      return sharing;
    } catch (e) {
      await session.close();
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
    const issued: IssuedInvitation = {
      invitation,
      password,
      ticketFile,
      xfreerdp: xfreerdpCommand(ticketFile, password),
      xfreerdp3: xfreerdp3Command(ticketFile, password),
      ...(this.web ? { webUrl: `${this.web}#ticket=${encodeURIComponent(invitation.connectionString)}` } : {}),
    };
    this.invitations.push(issued);
    return issued;
  }

  attendee(id: number): Attendee {
    for (const a of this.session.attendees) if (a.id === id) return a;
    throw new CliError(`no attendee ${id} is connected`, '`list` shows who is connected and their ids');
  }

  /** Everyone who came and what they were sent, how long it ran, what went out in all. */
  summary(): { seconds: number; bytesSent: number; framesSent: number; attendees: AttendeeSummary[] } {
    const now = Date.now();
    const { bytesSent, framesSent } = this.session.statistics();
    return {
      seconds: Math.round((now - this.startedAt) / 1000),
      bytesSent,
      framesSent,
      attendees: [...this.visits.values()].map((v) => ({
        id: v.attendee.id,
        name: v.attendee.remoteName,
        from: v.from,
        seconds: Math.round(((v.left ?? now) - v.joined) / 1000),
        bytesSent: v.attendee.statistics.bytesSent,
      })),
    };
  }

  /**
   * Shows the application called `name` (its WM_CLASS, any case, e.g. `xterm` for XTerm) and, from now on, only
   * the applications shared this way: the application filter goes on. Windows of it that open later are shared
   * as they appear. Returns the matching applications running now (none yet is fine: it may start later).
   */
  shareApplication(name: string): Application[] {
    this.sharedNames.add(name.toLowerCase());
    const filter = this.session.applicationFilter;
    if (!this.followingApplications) {
      this.followingApplications = true;
      this.session.events.applicationOpen$.subscribe(({ application }) => {
        if (this.sharedNames.has(application.name.toLowerCase())) application.shared = true;
      });
    }
    const matching = this.applicationsNamed(name);
    for (const app of matching) app.shared = true;
    filter.enabled = true;
    return matching;
  }

  /** Hides the application called `name` again; the filter stays on (attendees see what is still shared). */
  unshareApplication(name: string): Application[] {
    this.sharedNames.delete(name.toLowerCase());
    const matching = this.applicationsNamed(name);
    for (const app of matching) app.shared = false;
    return matching;
  }

  /** Turns the application filter off: the whole display (or `--rect`) is shared again. */
  shareWholeDisplay(): void {
    this.sharedNames.clear();
    for (const app of this.session.applicationFilter.applications) app.shared = false;
    this.session.applicationFilter.enabled = false;
  }

  private applicationsNamed(name: string): Application[] {
    return [...this.session.applicationFilter.applications].filter((a) => a.name.toLowerCase() === name.toLowerCase());
  }

  async stop(): Promise<void> {
    await this.session.close();
    await this.embedded?.stop();
  }
}

/** `--rect`: only this part of the display is shared; it must lie on the display. */
function shareRect(session: RdpSession, rect: Rect): void {
  try {
    session.setDesktopSharedRect(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
  } catch (e) {
    if (!(e instanceof RdshareError) || e.code !== 'INVALID_ARGUMENT') throw e;
    const { width, height } = session.frameBuffer;
    throw new CliError(
      `--rect ${rect.x},${rect.y},${rect.width},${rect.height} does not fit the ${width}x${height} display: ${e.message}`,
      `give a rectangle inside 0,0,${width},${height}`,
    );
  }
}

/** `--web`: the page and the viewers' WebSocket on one port; returns the page's address. */
async function listenWeb(session: RdpSession, options: ShareOptions): Promise<string> {
  const staticDir = webViewerDirectory();
  try {
    const web = await session.listenWebSocket({ port: options.web ?? 0, host: options.listen, staticDir });
    return `http://${urlHost(options.listen)}:${web.port}/`;
  } catch (e) {
    if (e instanceof RdshareError && e.code === 'LISTEN_FAILED') {
      throw new CliError(
        `cannot serve the web viewer on ${options.listen} port ${options.web}: ${e.message}`,
        `port ${options.web} is taken or not allowed: choose another with --web PORT, or --web 0 for any free one`,
      );
    }
    throw e;
  }
}

/** The host part of a URL for a listening address: this machine's name for a wildcard, brackets for IPv6. */
function urlHost(listen: string): string {
  if (listen === '0.0.0.0' || listen === '::') return hostname();
  return listen.includes(':') ? `[${listen}]` : listen;
}
