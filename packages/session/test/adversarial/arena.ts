import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type Animation,
  type FrameCounterReader,
  startAnimation,
  startFrameCounterReader,
  startXfreerdp,
  startXvfb,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { CTRL_LEVEL, type Invitation, RdpSession } from '../../src/index.js';
import { silentLogger } from '../e2e/logger.js';

export const ARENA_WIDTH = 640;
export const ARENA_HEIGHT = 480;

export type LogLine = { level: string; message: string; fields?: Record<string, unknown> };

/** How big an attack run is: 1 = the bounded CI run; the attack script passes more. */
export const SCALE = Math.max(1, Number(process.env.RDSHARE_ATTACK_SCALE ?? 1));

/** One row of the report: what was thrown at the sharer and how it and its honest viewer fared. */
export interface AttackRow {
  attack: string;
  volume: string;
  survived: boolean;
  honestViewerOk: boolean;
  /** New frames the honest viewer showed while the attack ran. */
  honestFrames: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** Largest RSS sampled during the attack. */
  rssPeakMb: number;
  notes: string;
}

/**
 * A full garbage collection, also when node runs without --expose-gc: RSS compared around an attack must not count
 * the garbage of the connections it made, only what the sharer still holds.
 */
export const collectGarbage: () => void = global.gc ?? exposedGc();

function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * A sharer under attack: an animated shared display, an open session, and an honest xfreerdp viewer whose
 * screen is read back continuously (frame counter), so every attack can assert that the honest viewer kept
 * receiving live updates while it ran.
 */
export class Arena {
  readonly lines: LogLine[] = [];
  session!: RdpSession;
  shared!: XvfbDisplay;
  invitation!: Invitation;
  readonly password = 'honest-password-1';
  private viewerDisplay!: XvfbDisplay;
  private animation!: Animation;
  private honest!: XfreerdpViewer;
  private reader!: FrameCounterReader;
  private readonly extraDisplays: XvfbDisplay[] = [];

  async start(): Promise<void> {
    this.shared = await startXvfb({ width: ARENA_WIDTH, height: ARENA_HEIGHT });
    this.viewerDisplay = await startXvfb({ width: ARENA_WIDTH, height: ARENA_HEIGHT });
    this.animation = await startAnimation(this.shared, { fps: 20, boxSize: 96, speed: 6 });
    this.session = new RdpSession({
      display: this.shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(this.lines),
    });
    this.session.events.attendeeConnected$.subscribe(({ attendee }) => {
      attendee.controlLevel = CTRL_LEVEL.VIEW;
    });
    await this.session.open();
    this.invitation = this.session.invitations.createInvitation({
      groupName: 'honest',
      password: this.password,
      attendeeLimit: 64,
    });
    this.honest = startXfreerdp({
      display: this.viewerDisplay,
      connectionString: this.invitation.connectionString,
      password: this.password,
      name: 'honest',
      args: ['/bpp:32'],
    });
    this.reader = await startFrameCounterReader(this.viewerDisplay, { pollsPerSecond: 200 });
    await this.reader.next(30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.honest.output()}`);
    });
  }

  /** Another display for a viewer an attack starts itself. */
  async display(): Promise<XvfbDisplay> {
    const d = await startXvfb({ width: ARENA_WIDTH, height: ARENA_HEIGHT });
    this.extraDisplays.push(d);
    return d;
  }

  /**
   * Runs `attack` while sampling the sharer's RSS and counting the honest viewer's new frames; the attack
   * returns its volume and notes. Survival = the session is still open, still has the honest attendee, and
   * the honest viewer saw new frames during the attack and right after it.
   */
  async run(attack: string, body: () => Promise<{ volume: string; notes?: string }>): Promise<AttackRow> {
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 250);
    const framesBefore = this.reader.sightings.length;
    let result: { volume: string; notes?: string };
    try {
      result = await body();
    } finally {
      clearInterval(sampler);
    }
    const honestFrames = this.reader.sightings.length - framesBefore;
    // After the attack the honest viewer must still follow the live display.
    const afterUs = this.reader.sightings.at(-1)?.atUs ?? 0;
    const stillLive = await this.reader.next(10_000, afterUs + 1).then(
      () => true,
      () => false,
    );
    collectGarbage();
    const rssAfter = process.memoryUsage().rss;
    const survived = this.honestAttendeeConnected();
    return {
      attack,
      volume: result.volume,
      survived,
      honestViewerOk: stillLive && honestFrames > 0,
      honestFrames,
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(rssAfter),
      rssPeakMb: mb(rssPeak),
      notes: result.notes ?? '',
    };
  }

  honestAttendeeConnected(): boolean {
    return [...this.session.attendees].some((a) => a.remoteName === 'honest');
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    await this.honest?.stop();
    await this.session?.close();
    await this.animation?.stop();
    for (const d of this.extraDisplays) await d.stop();
    await this.viewerDisplay?.stop();
    await this.shared?.stop();
  }
}

/** The report table in Markdown, as the closing note wants it. */
export function reportTable(rows: readonly AttackRow[]): string {
  const head = '| attack | volume | survived | honest viewer OK (frames) | RSS before / peak / after (MB) | notes |';
  const rule = '|---|---|---|---|---|---|';
  const body = rows.map(
    (r) =>
      `| ${r.attack} | ${r.volume} | ${r.survived ? 'yes' : 'NO'} | ${r.honestViewerOk ? 'yes' : 'NO'} (${r.honestFrames}) | ${r.rssBeforeMb} / ${r.rssPeakMb} / ${r.rssAfterMb} | ${r.notes} |`,
  );
  return [head, rule, ...body].join('\n');
}

export { waitFor };
