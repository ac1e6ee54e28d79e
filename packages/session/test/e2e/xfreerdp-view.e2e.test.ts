import { diffRgba, startXfreerdp, to555, to565, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { HEIGHT, sharedSessionFixture, WIDTH } from './fixtures.js';

// A ticket alone makes xfreerdp 2.x load no drdynvc (Remote Assistance mode), so these run on bitmap updates; note
// that it reads `-gfx` as `/gfx`, which would test the graphics pipeline instead.
describe('xfreerdp joins a session and shows the shared display as bitmap updates', () => {
  const f = sharedSessionFixture();

  const exact = (v: number) => v;
  it.each([
    ['TLS, 32 bpp (planar)', [], 32, exact, 0],
    ['Standard RDP Security, 32 bpp (planar)', ['/sec:rdp'], 32, exact, 0],
    ['TLS, 24 bpp (interleaved RLE)', [], 24, exact, 0],
    // FreeRDP widens 6-bit green to 8 bits its own way (up to one 6-bit step off bit replication), so green
    // may read back one RGB565 level apart; a codec error is off by far more.
    ['TLS, 16 bpp (interleaved RLE)', [], 16, to565, 1],
    ['Standard RDP Security, 16 bpp (interleaved RLE)', ['/sec:rdp'], 16, to565, 1],
    ['Standard RDP Security, 15 bpp (interleaved RLE)', ['/sec:rdp'], 15, to555, 0],
    // With its bitmap cache on, xfreerdp draws every tile with MemBlt from a Cache Bitmap Revision 2 order.
    ['TLS, 24 bpp, bitmap cache (Cache Bitmap + MemBlt)', ['+bitmap-cache'], 24, exact, 0],
    ['TLS, 16 bpp, bitmap cache (Cache Bitmap + MemBlt)', ['+bitmap-cache'], 16, to565, 1],
    [
      'Standard RDP Security, 15 bpp, bitmap cache (Cache Bitmap + MemBlt)',
      ['/sec:rdp', '+bitmap-cache'],
      15,
      to555,
      0,
    ],
  ] as const)('%s: pixel for pixel', async (_, args, depth, reduce, tolerance) => {
    f.session.colorDepth = depth;
    const pipelines = f.lines.filter((l) => l.message === 'graphics pipeline ready').length;
    const invitation = f.session.invitations.createInvitation({
      groupName: `g-${_}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const client = startXfreerdp({
      display: f.viewer,
      connectionString: invitation.connectionString,
      password: 'pw-123',
      args: ['/bpp:32', ...args],
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
          `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}`,
        );
      });
      expect(f.session.attendees.count).toBe(1);
      const connected = f.lines.filter((l) => l.message === 'attendee connected').at(-1)?.fields;
      const asked = args as readonly string[];
      expect(connected).toMatchObject({
        colorDepth: depth,
        security: asked.includes('/sec:rdp') ? 'rdp' : 'tls',
        scrBlt: true,
        bitmapCache: asked.includes('+bitmap-cache'),
      });
      expect(f.lines.filter((l) => l.message === 'graphics pipeline ready')).toHaveLength(pipelines);
    } finally {
      await client.stop();
    }
    await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
