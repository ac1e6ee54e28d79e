import { startXvfb, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTENDEE_DISCONNECT_REASON, RdpSession } from '../../src/index.js';
import { RdpTestClient } from '../support/rdp-test-client.js';
import { silentLogger } from './logger.js';

type Line = { level: string; message: string; fields?: Record<string, unknown> };

describe('admission under parallel attack, over real TCP and TLS', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  const lines: Line[] = [];
  const refusals = (reason: string) =>
    lines.filter((l) => l.message === 'attendee refused' && l.fields?.reason === reason).length;

  beforeAll(async () => {
    shared = await startXvfb({ width: 320, height: 240 });
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
      limits: { maxPendingHandshakesPerPeer: 64 },
    });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('holds the attendee limit when 10 clients send Client Info at the same moment', async () => {
    const inv = session.invitations.createInvitation({ groupName: 'race', password: 'pw', attendeeLimit: 2 });
    const first = await RdpTestClient.connect({ port: session.port, authString: inv.authString, password: 'pw' });
    expect(first.outcome).toEqual({ kind: 'active' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        RdpTestClient.connect({
          port: session.port,
          localAddress: `127.0.1.${i + 1}`,
          authString: inv.authString,
          password: 'pw',
        }),
      ),
    );
    const active = results.filter((r) => r.outcome.kind === 'active');
    expect(active).toHaveLength(1);
    expect(results.filter((r) => r.outcome.kind === 'refused')).toHaveLength(9);
    expect(session.attendees.count).toBe(2);
    for (const r of [first, ...results]) r.client.close();
  });

  it('logs a reset after admission as a disconnect, not as a failed TLS handshake', async () => {
    const inv = session.invitations.createInvitation({ groupName: 'reset', password: 'pw', attendeeLimit: 1 });
    const { client, outcome } = await RdpTestClient.connect({
      port: session.port,
      authString: inv.authString,
      password: 'pw',
    });
    expect(outcome).toEqual({ kind: 'active' });
    const before = lines.length;
    const left = new Promise<number>((resolve) =>
      session.events.attendeeDisconnected$.subscribe(({ info }) => resolve(info.reason)),
    );
    client.reset();
    expect(await left).toBe(ATTENDEE_DISCONNECT_REASON.CLI);
    const after = lines.slice(before);
    expect(after.some((l) => l.level === 'info' && l.message === 'attendee disconnected')).toBe(true);
    expect(after.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('checks at most the guessing budget of 30 parallel wrong guesses from rotating loopback addresses', async () => {
    const inv = session.invitations.createInvitation({ groupName: 'guess', password: 'right', attendeeLimit: 5 });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        RdpTestClient.connect({
          port: session.port,
          localAddress: `127.0.${2 + (i % 5)}.${i + 1}`,
          authString: inv.authString,
          password: `guess-${i}`,
        }),
      ),
    );
    expect(results.every((r) => r.outcome.kind === 'refused')).toBe(true);
    expect(refusals('wrong-password')).toBe(5);
    expect(refusals('throttled')).toBe(25);
    // The right password is refused unchecked from the same network now...
    const blocked = await RdpTestClient.connect({ port: session.port, authString: inv.authString, password: 'right' });
    expect(blocked.outcome.kind).toBe('refused');
    expect(refusals('throttled')).toBe(26);
    // ...and the warnings were rate-limited: one line per reason.
    const warned = lines.filter((l) => l.level === 'warn' && l.message === 'attendee refused');
    expect(warned.map((l) => l.fields?.reason).filter((r) => r !== 'attendee-limit')).toEqual([
      'wrong-password',
      'throttled',
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
