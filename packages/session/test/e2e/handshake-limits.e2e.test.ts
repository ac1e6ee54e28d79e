import { connect, type Socket } from 'node:net';
import { startXfreerdp, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { sharedSessionFixture } from './fixtures.js';

const HANDSHAKE_TIMEOUT_MS = 5000;
const PER_PEER = 8;

describe('handshake deadline and caps on pending connections', () => {
  const f = sharedSessionFixture({
    limits: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, maxPendingHandshakesPerPeer: PER_PEER },
  });

  it('holds at most the cap of 200 silent sockets, closes them at the deadline, and an honest viewer from the same network joins meanwhile', async () => {
    const sockets: { socket: Socket; closedAt?: number }[] = [];
    const opened = Date.now();
    await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect({
              host: '127.0.0.1',
              port: f.session.port,
              localAddress: `127.0.2.${(i % 250) + 1}`,
            });
            const entry: { socket: Socket; closedAt?: number } = { socket };
            sockets.push(entry);
            socket.on('connect', () => resolve());
            socket.on('error', () => resolve());
            socket.on('close', () => {
              entry.closedAt = Date.now();
              resolve();
            });
          }),
      ),
    );
    const open = () => sockets.filter((s) => s.closedAt === undefined).length;
    await waitFor(() => open() === PER_PEER, 5000, `all but the newest ${PER_PEER} silent sockets to be evicted`);

    const inv = f.session.invitations.createInvitation({ groupName: 'g', password: 'pw', attendeeLimit: 1 });
    const client = startXfreerdp({ display: f.viewer, connectionString: inv.connectionString, password: 'pw' });
    try {
      await waitFor(() => f.session.attendees.count === 1, 20_000, 'the honest viewer to join');
      const joinedAt = Date.now();
      await waitFor(() => open() === 0, HANDSHAKE_TIMEOUT_MS + 3000, 'the held sockets to be closed at the deadline');
      // The honest viewer, on loopback like them, took the place of the oldest; the others met the deadline.
      const closedLate = sockets.filter((s) => (s.closedAt ?? 0) - opened >= HANDSHAKE_TIMEOUT_MS - 200);
      expect(closedLate).toHaveLength(PER_PEER - 1);
      // The viewer joined while they were still held, and stays.
      expect(joinedAt - opened).toBeLessThan(HANDSHAKE_TIMEOUT_MS);
      expect(f.session.attendees.count).toBe(1);
    } finally {
      await client.stop();
      for (const s of sockets) s.socket.destroy();
    }
    const warns = (message: string) => f.lines.filter((l) => l.level === 'warn' && l.message === message).length;
    expect(warns('handshake evicted')).toBe(1);
    expect(warns('handshake timed out')).toBe(1);
  });
});
