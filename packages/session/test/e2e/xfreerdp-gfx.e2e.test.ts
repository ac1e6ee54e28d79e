import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffRgba, startXfreerdp, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { HEIGHT, sharedSessionFixture, WIDTH } from './fixtures.js';

describe('xfreerdp with the graphics pipeline (RDPGFX over drdynvc, planar)', () => {
  const f = sharedSessionFixture();

  async function showsShared(client: { output(): string }): Promise<void> {
    const expected = await f.shared.screenshot();
    await waitFor(
      async () => diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT).differing === 0,
      20_000,
      'the viewer to show the shared display',
    ).catch(async (error) => {
      const diff = diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT);
      throw new Error(
        `${error.message}; ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}\n${client.output()}`,
      );
    });
  }

  // xfreerdp given only an invitation loads no drdynvc in Remote Assistance mode and stays on bitmap updates
  // (xfreerdp-view covers that path); the graphics flags below make it load drdynvc and offer the pipeline.
  it.each([
    ['/gfx:RFX (no H.264)', ['/gfx:RFX', '/bpp:32']],
    ['/gfx:AVC420 (AVC offered, planar sent)', ['/gfx:AVC420', '/bpp:32']],
  ])('%s: the pipeline takes over and later changes arrive through it pixel for pixel', async (name, args) => {
    const invitation = f.session.invitations.createInvitation({
      groupName: `gfx-${name}`,
      password: 'pw-123',
      attendeeLimit: 1,
    });
    const client = startXfreerdp({
      display: f.viewer,
      connectionString: invitation.connectionString,
      password: 'pw-123',
      args,
    });
    try {
      const before = f.lines.filter((l) => l.message === 'graphics pipeline ready').length;
      await waitFor(
        () => f.lines.filter((l) => l.message === 'graphics pipeline ready').length > before,
        20_000,
        'the client to confirm the graphics pipeline',
      ).catch((error) => {
        throw new Error(`${error.message}\n${client.output()}`);
      });
      // A new picture after the switch reaches the viewer only as RDPGFX frames.
      const dir = mkdtempSync(join(tmpdir(), 'rdshare-gfx-'));
      const image = join(dir, 'next.png');
      execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', String(before + 11), image]);
      await f.shared.exec('display', ['-window', 'root', image]).catch(() => undefined);
      await showsShared(client);
      expect(f.lines.some((l) => l.message === 'malformed graphics pipeline message')).toBe(false);
    } finally {
      await client.stop();
    }
    await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
