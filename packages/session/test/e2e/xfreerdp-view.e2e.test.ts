import { diffRgba, startXfreerdp, to565, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, viewerDisplay, WIDTH } from './fixtures.js';

describe('xfreerdp joins a session and shows the shared display', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await sharedDisplay();
    viewer = await viewerDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silent() });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  it.each([
    ['TLS, 32 bpp (planar)', ['/bpp:32'], (v: number) => v],
    ['Standard RDP Security, 32 bpp', ['/sec:rdp', '/bpp:32'], (v: number) => v],
    ['TLS, 16 bpp (interleaved RLE)', ['/bpp:16'], to565],
    ['Standard RDP Security, 16 bpp', ['/sec:rdp', '/bpp:16'], to565],
  ])('%s: pixel for pixel', async (_, args, reduce) => {
    const invitation = session.invitations.createInvitation({
      groupName: `g-${args.join('')}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const client = startXfreerdp({
      display: viewer,
      connectionString: invitation.connectionString,
      password: 'pw-123',
      args: ['-gfx', ...args],
    });
    try {
      const expected = await shared.screenshot();
      await waitFor(
        async () => diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce).differing === 0,
        20_000,
        'the viewer to show the shared display',
      ).catch(async (error) => {
        const diff = diffRgba(expected, await viewer.screenshot(), WIDTH, HEIGHT, undefined, reduce);
        throw new Error(
          `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}`,
        );
      });
      expect(session.attendees.count).toBe(1);
    } finally {
      await client.stop();
    }
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});

function silent() {
  const noop = () => {};
  return { debug: noop, info: noop, warn: noop, error: noop };
}
