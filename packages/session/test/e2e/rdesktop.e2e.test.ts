import { diffRgba, startRdesktop, to555, to565, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';

describe('rdesktop (an RDP client that knows nothing of WDS) joins a session', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    shared = await sharedDisplay();
    viewer = await viewerDisplay();
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  const exact = (v: number) => v;
  it.each([
    ['TLS, 32 bpp (planar)', [], 32, exact, 0],
    ['Standard RDP Security (RDP 4.0, -4), 32 bpp (planar)', ['-4'], 32, exact, 0],
    ['TLS, 24 bpp (interleaved RLE)', [], 24, exact, 0],
    ['TLS, 16 bpp (interleaved RLE)', [], 16, to565, 0],
    ['Standard RDP Security (RDP 4.0, -4), 16 bpp (interleaved RLE)', ['-4'], 16, to565, 0],
    ['Standard RDP Security (RDP 4.0, -4), 15 bpp (interleaved RLE)', ['-4'], 15, to555, 0],
  ] as const)('%s: pixel for pixel', async (name, args, depth, reduce, tolerance) => {
    const invitation = session.invitations.createInvitation({
      groupName: `g-${name}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const client = startRdesktop({
      display: viewer,
      port: session.port,
      password: 'pw-123',
      authString: invitation.authString,
      args: ['-a', String(depth), ...args],
    });
    try {
      const expected = await shared.screenshot();
      await waitFor(
        async () =>
          diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce, tolerance).differing === 0,
        20_000,
        'the viewer to show the shared display',
      ).catch(async (error) => {
        const diff = diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce, tolerance);
        throw new Error(
          `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}\n${JSON.stringify(lines.slice(-10))}`,
        );
      });
      expect(session.attendees.count).toBe(1);
      const connected = lines.filter((l) => l.message === 'attendee connected').at(-1)?.fields;
      expect(connected).toMatchObject({ colorDepth: depth, security: args.length ? 'rdp' : 'tls' });
    } finally {
      await client.stop();
    }
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
