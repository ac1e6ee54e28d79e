import {
  type Animation,
  type AnimationOptions,
  diffRgba,
  startAnimation,
  startXfreerdp,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { HEIGHT, type SharedSession, sharedSessionFixture, viewerDisplay, WIDTH } from './fixtures.js';
import type { LogLine } from './logger.js';
import { startWireTap, viaTap, type WireTap } from './wire-tap.js';

/** An xfreerdp viewer joined through a wire tap, and the session's log line that confirmed its graphics pipeline. */
export interface AvcViewer {
  client: XfreerdpViewer;
  tap: WireTap;
  pipeline: LogLine;
}

/** What {@link avcSessionFixture} provides to a suite once its `beforeAll` ran. */
export interface AvcSession {
  fixture: SharedSession;
  /** The fixture's viewer display, then the extra ones. */
  viewers: XvfbDisplay[];
  /** What a test started, stopped after it in reverse order. */
  running: { stop(): Promise<unknown> }[];
  /**
   * Joins `viewer` with xfreerdp `args` (FreeRDP `version` 2 unless told) through a fresh wire tap; resolves once
   * it confirmed the graphics pipeline.
   */
  join(viewer: XvfbDisplay, args: string[], version?: 2 | 3): Promise<AvcViewer>;
  /** Starts an animation on the shared display, stopped after the test. */
  animate(options: AnimationOptions): Promise<Animation>;
  /** Waits until `viewer` shows the shared display pixel for pixel; resolves with how long that took. */
  settles(viewer: XvfbDisplay, client: XfreerdpViewer): Promise<number>;
}

/**
 * The setup of the suites that compare H.264 viewers: a {@link sharedSessionFixture}, `extraViewers` more viewer
 * displays, and after each test everything it started stopped and every attendee gone, so the next test's encoders
 * start afresh.
 */
export function avcSessionFixture(extraViewers: number): AvcSession {
  const fixture = sharedSessionFixture();
  const viewers: XvfbDisplay[] = [];
  const running: { stop(): Promise<unknown> }[] = [];
  let invitations = 0;

  beforeAll(async () => {
    viewers.push(fixture.viewer);
    for (let i = 0; i < extraViewers; i++) viewers.push(await viewerDisplay());
  });

  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
    await waitFor(() => fixture.session.attendees.count === 0, 10_000, 'the attendees to leave');
  });

  afterAll(async () => {
    for (const v of viewers.slice(1)) await v.stop();
  });

  async function join(viewer: XvfbDisplay, args: string[], version?: 2 | 3): Promise<AvcViewer> {
    const tap = await startWireTap({ host: '127.0.0.1', port: fixture.session.port });
    running.push({ stop: () => tap.close() });
    const invitation = fixture.session.invitations.createInvitation({
      groupName: `avc-${++invitations}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const ready = () => fixture.lines.filter((l) => l.message === 'graphics pipeline ready');
    const before = ready().length;
    const client = startXfreerdp({
      display: viewer,
      connectionString: viaTap(invitation.connectionString, tap),
      password: 'pw-123',
      args,
      version,
    });
    running.push(client);
    await waitFor(() => ready().length > before, 20_000, 'the client to confirm the graphics pipeline').catch(
      (error) => {
        throw new Error(`${error.message}\n${client.output()}`);
      },
    );
    return { client, tap, pipeline: ready()[before] };
  }

  async function animate(options: AnimationOptions): Promise<Animation> {
    const animation = await startAnimation(fixture.shared, options);
    running.push(animation);
    return animation;
  }

  async function settles(viewer: XvfbDisplay, client: XfreerdpViewer): Promise<number> {
    const start = Date.now();
    const expected = await fixture.shared.screenshot();
    await waitFor(
      async () => diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT).differing === 0,
      15_000,
      'the viewer to show the shared display pixel for pixel',
    ).catch(async (error) => {
      const diff = diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT);
      throw new Error(
        `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}`,
      );
    });
    return Date.now() - start;
  }

  return { fixture, viewers, running, join, animate, settles };
}
