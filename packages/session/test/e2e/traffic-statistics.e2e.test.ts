import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXfreerdp, waitFor, type XfreerdpViewer, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attendee, CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';
import { startWireTap, viaTap, type WireTap } from './wire-tap.js';

/** The X.224 Connection Confirm with its RDP Negotiation Response: the one PDU the tap passes before TLS. */
const CONNECTION_CONFIRM_BYTES = 19;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('traffic statistics: attendee.statistics and session.statistics()', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  let tap: WireTap;
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-traffic-'));
  let seed = 20;

  /** A new picture on the shared display's root window. */
  async function repaint(): Promise<void> {
    const image = join(dir, `bg-${seed}.png`);
    execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', String(seed++), image]);
    await shared.exec('display', ['-window', 'root', image]).catch(() => undefined);
  }

  async function joinViewer(
    group: string,
    args: string[] = [],
  ): Promise<{ client: XfreerdpViewer; attendee: Attendee }> {
    const invitation = session.invitations.createInvitation({ groupName: group, password: 'pw-1', attendeeLimit: 1 });
    const connected = new Promise<Attendee>((resolve) =>
      session.events.attendeeConnected$.subscribe(({ attendee }) => resolve(attendee)),
    );
    const client = startXfreerdp({
      display: viewer,
      connectionString: viaTap(invitation.connectionString, tap),
      password: 'pw-1',
      args,
    });
    return { client, attendee: await connected };
  }

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
    tap = await startWireTap({ host: '127.0.0.1', port: session.port });
  });

  afterAll(async () => {
    await session?.close();
    await tap?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  it('counts every byte the attendee was sent, frames only when the desktop changes, and keeps totals', async () => {
    expect(session.statistics()).toEqual({ bytesSent: 0, bytesReceived: 0, framesSent: 0 });
    const { client, attendee } = await joinViewer('bitmaps');
    try {
      // The tap saw everything after the Connection Confirm; once it caught up, the counts agree to the byte.
      await waitFor(
        () => attendee.statistics.bytesSent === tap.sent().byteLength + CONNECTION_CONFIRM_BYTES,
        20_000,
        'the sent bytes to equal what crossed the wire',
      ).catch(() => {
        throw new Error(`counted ${attendee.statistics.bytesSent}, the wire carried ${tap.sent().byteLength} + 19`);
      });
      expect(attendee.statistics.bytesReceived).toBeGreaterThan(0);
      await waitFor(() => attendee.statistics.framesSent > 0, 20_000, 'the first frame');

      // An idle desktop sends nothing; a change is sent as at least one more frame.
      let settled = attendee.statistics.framesSent;
      await waitFor(
        async () => {
          const before = attendee.statistics.framesSent;
          await sleep(1000);
          settled = attendee.statistics.framesSent;
          return settled === before;
        },
        20_000,
        'the frames to stop while nothing changes',
      );
      await repaint();
      await waitFor(() => attendee.statistics.framesSent > settled, 10_000, 'a frame for the change');

      const total = session.statistics();
      expect(total.bytesSent).toBeGreaterThanOrEqual(attendee.statistics.bytesSent);
      expect(total.bytesReceived).toBeGreaterThanOrEqual(attendee.statistics.bytesReceived);
      expect(total.framesSent).toBeGreaterThanOrEqual(attendee.statistics.framesSent);
    } finally {
      await client.stop();
    }
    await waitFor(() => session.attendees.count === 0, 10_000, 'the attendee to leave');
    // Readable after the attendee left, and in the session's totals for good.
    expect(attendee.statistics.bytesSent).toBeGreaterThan(0);
    expect(session.statistics().bytesSent).toBeGreaterThanOrEqual(attendee.statistics.bytesSent);
  });

  it('counts the frames of the graphics pipeline once it took over', async () => {
    const ready = lines.filter((l) => l.message === 'graphics pipeline ready').length;
    const { client, attendee } = await joinViewer('gfx', ['/gfx:RFX', '/bpp:32']);
    try {
      await waitFor(
        () => lines.filter((l) => l.message === 'graphics pipeline ready').length > ready,
        20_000,
        'the client to confirm the graphics pipeline',
      ).catch((error) => {
        throw new Error(`${error.message}\n${client.output()}`);
      });
      await waitFor(() => attendee.statistics.framesSent > 0, 20_000, 'the first pipeline frame');
      const before = attendee.statistics.framesSent;
      await repaint();
      await waitFor(() => attendee.statistics.framesSent > before, 10_000, 'a pipeline frame for the change');
    } finally {
      await client.stop();
    }
  });
});
