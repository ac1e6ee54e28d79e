import {
  diffRgba,
  type RdesktopViewer,
  startRdesktop,
  to555,
  to565,
  waitFor,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attendee, CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, sharedSessionFixture, startTypingTarget, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';

describe('rdesktop (an RDP client that knows nothing of WDS) joins a session', () => {
  const f = sharedSessionFixture();

  const exact = (v: number) => v;
  it.each([
    ['TLS, 32 bpp (planar)', [], 32, exact, 0],
    ['Standard RDP Security (RDP 4.0, -4), 32 bpp (planar)', ['-4'], 32, exact, 0],
    ['TLS, 24 bpp (interleaved RLE)', [], 24, exact, 0],
    ['TLS, 16 bpp (interleaved RLE)', [], 16, to565, 0],
    ['Standard RDP Security (RDP 4.0, -4), 16 bpp (interleaved RLE)', ['-4'], 16, to565, 0],
    ['Standard RDP Security (RDP 4.0, -4), 15 bpp (interleaved RLE)', ['-4'], 15, to555, 0],
  ] as const)('%s: pixel for pixel', async (name, args, depth, reduce, tolerance) => {
    const invitation = f.session.invitations.createInvitation({
      groupName: `g-${name}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const client = startRdesktop({
      display: f.viewer,
      port: f.session.port,
      password: 'pw-123',
      authString: invitation.authString,
      args: ['-a', String(depth), ...args],
    });
    try {
      const expected = await f.shared.screenshot();
      await waitFor(
        async () =>
          diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce, tolerance).differing === 0,
        20_000,
        'the viewer to show the shared display',
      ).catch(async (error) => {
        const diff = diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce, tolerance);
        throw new Error(
          `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}\n${JSON.stringify(f.lines.slice(-10))}`,
        );
      });
      expect(f.session.attendees.count).toBe(1);
      const connected = f.lines.filter((l) => l.message === 'attendee connected').at(-1)?.fields;
      expect(connected).toMatchObject({ colorDepth: depth, security: args.length ? 'rdp' : 'tls' });
    } finally {
      await client.stop();
    }
    await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('refuses a wrong password, and rdesktop gives up', async () => {
    const invitation = f.session.invitations.createInvitation({
      groupName: 'refused',
      password: 'right-pw',
      attendeeLimit: 1,
    });
    const client = startRdesktop({
      display: f.viewer,
      port: f.session.port,
      password: 'wrong-pw',
      authString: invitation.authString,
    });
    const code = await Promise.race([client.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    await client.stop();
    expect(code, client.output()).not.toBe(0);
    expect(code).not.toBe('still running');
    expect(f.session.attendees.count).toBe(0);
    expect(f.lines.filter((l) => l.message === 'attendee refused').map((l) => l.fields?.reason)).toEqual([
      'wrong-password',
    ]);
  });
});

describe('input from an rdesktop attendee', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  let client: RdesktopViewer;
  let attendee: Attendee;
  let typed: { text(): string };

  beforeAll(async () => {
    shared = await sharedDisplay();
    viewer = await viewerDisplay();
    typed = await startTypingTarget(shared);
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    const connected = new Promise<Attendee>((resolve) =>
      session.events.attendeeConnected$.subscribe(({ attendee }) => resolve(attendee)),
    );
    await session.open();
    const invitation = session.invitations.createInvitation({ groupName: 'input', password: 'pw', attendeeLimit: 1 });
    client = startRdesktop({ display: viewer, port: session.port, password: 'pw', authString: invitation.authString });
    attendee = await connected;
    attendee.controlLevel = CTRL_LEVEL.VIEW;
    // The first frame means rdesktop's window is mapped over the whole viewer display.
    const expected = await shared.screenshot();
    await waitFor(
      async () => diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT).differing === 0,
      20_000,
      `the viewer to show the shared display\n${client.output()}`,
    );
  });

  afterAll(async () => {
    await client?.stop();
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  const typeInViewer = async (text: string) => {
    await viewer.exec('xdotool', ['mousemove', '60', '30']);
    await new Promise((r) => setTimeout(r, 200));
    await viewer.exec('xdotool', ['type', '--delay', '30', text]);
    await viewer.exec('xdotool', ['key', 'Return']);
  };

  it('drops keys while the attendee may only view, and delivers them once it is interactive', async () => {
    await typeInViewer('viewonly');
    await new Promise((r) => setTimeout(r, 1500));
    expect(typed.text()).toBe('');
    attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
    await typeInViewer('Hello rdesktop 42!');
    await waitFor(
      () => typed.text().includes('Hello rdesktop 42!\n'),
      10_000,
      `typed text in the file\n${client.output()}`,
    );
  });
});
