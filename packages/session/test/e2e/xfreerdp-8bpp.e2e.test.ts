import { FIXED_PALETTE, fixedPaletteIndex } from '@rdshare/protocol';
import { diffRgba, startXfreerdp, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { HEIGHT, sharedSessionFixture, WIDTH } from './fixtures.js';

/** The fixed palette puts every colour within half a cube step (25.5) of an entry on each channel. */
const MAX_DISTANCE = 25.5 * Math.sqrt(3);

/** Largest and mean RGB distance between two RGBA screenshots. */
function distances(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.sqrt((a[i] - b[i]) ** 2 + (a[i + 1] - b[i + 1]) ** 2 + (a[i + 2] - b[i + 2]) ** 2);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / (a.length / 4) };
}

/** An RGBA screenshot as 8 bpp shows it: each pixel replaced by its palette entry. */
function quantized(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const entry = FIXED_PALETTE[fixedPaletteIndex(rgba[i + 2], rgba[i + 1], rgba[i])];
    out[i] = entry >> 16;
    out[i + 1] = (entry >> 8) & 0xff;
    out[i + 2] = entry & 0xff;
    out[i + 3] = 0xff;
  }
  return out;
}

describe('xfreerdp at 8 bpp', () => {
  const f = sharedSessionFixture({}, (_session) => {
    f.session.colorDepth = 8;
  });

  it('shows the screen through the palette: every pixel within its quantization error', async () => {
    const invitation = f.session.invitations.createInvitation({ groupName: 'g', password: 'pw-8', attendeeLimit: 1 });
    const client = startXfreerdp({
      display: f.viewer,
      connectionString: invitation.connectionString,
      password: 'pw-8',
      args: ['/bpp:8'],
    });
    try {
      const expected = await f.shared.screenshot();
      await waitFor(
        async () => distances(expected, await f.viewer.screenshot()).max <= MAX_DISTANCE + 1,
        20_000,
        'the viewer to show the shared display at 8 bpp',
      ).catch(async (error) => {
        const d = distances(expected, await f.viewer.screenshot());
        throw new Error(`${error.message}: ${JSON.stringify(d)}\n${client.output()}`);
      });
      // Closer still: the viewer shows exactly the palette entries the sharer chose.
      const diff = diffRgba(quantized(expected), await f.viewer.screenshot(), WIDTH, HEIGHT);
      expect(diff).toEqual({ differing: 0 });
      expect(f.lines.filter((l) => l.message === 'attendee connected').at(-1)?.fields).toMatchObject({ colorDepth: 8 });
    } finally {
      await client.stop();
    }
  });
});
