import { diffRgba, startXfreerdp, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, type Invitation, RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';

type Line = { level: string; message: string; fields?: Record<string, unknown> };

/** The viewer shows exactly what the shared display shows now. */
async function mirrors(shared: XvfbDisplay, viewer: XvfbDisplay): Promise<boolean> {
  return diffRgba(await shared.screenshot(), await viewer.screenshot(), WIDTH, HEIGHT).differing === 0;
}

describe('admission: invitations, passwords and limits', () => {
  let shared: XvfbDisplay;
  const viewers: XvfbDisplay[] = [];
  let session: RdpSession;
  let open: Invitation;
  const lines: Line[] = [];
  const refusals = () => lines.filter((l) => l.message === 'attendee refused').map((l) => l.fields?.reason);

  beforeAll(async () => {
    shared = await sharedDisplay();
    for (let i = 0; i < 3; i++) viewers.push(await viewerDisplay());
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
    open = session.invitations.createInvitation({ groupName: 'team', password: 'right-pw', attendeeLimit: 2 });
  });

  afterAll(async () => {
    await session?.close();
    for (const v of viewers) await v.stop();
    await shared?.stop();
  });

  /** Starts a viewer that must be refused; resolves once xfreerdp gave up. */
  async function refused(connectionString: string, password: string, viewer: XvfbDisplay) {
    const client = startXfreerdp({ display: viewer, connectionString, password, args: ['/bpp:32'] });
    const code = await Promise.race([client.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    await client.stop();
    expect(code, client.output()).not.toBe(0);
    expect(code).not.toBe('still running');
  }

  it('admits two attendees, refuses every bad attempt, and keeps serving the admitted ones live', async () => {
    const first = startXfreerdp({
      display: viewers[0],
      connectionString: open.connectionString,
      password: 'right-pw',
      args: ['/bpp:32'],
    });
    const second = startXfreerdp({
      display: viewers[1],
      connectionString: open.connectionString,
      password: 'right-pw',
      args: ['/bpp:32', '/sec:rdp'],
    });
    await waitFor(() => session.attendees.count === 2, 20_000, 'two attendees');
    await waitFor(() => mirrors(shared, viewers[0]), 20_000, 'viewer 1 to show the display');
    await waitFor(() => mirrors(shared, viewers[1]), 20_000, 'viewer 2 to show the display');
    const security = lines.filter((l) => l.message === 'attendee connected').map((l) => l.fields?.security);
    expect(security.sort()).toEqual(['rdp', 'tls']);

    // Wrong password.
    await refused(open.connectionString, 'wrong-pw', viewers[2]);
    // Unknown auth string: a ticket whose ID the session never issued.
    await refused(open.connectionString.replace(`ID="${open.authString}"`, 'ID="forged"'), 'right-pw', viewers[2]);
    // Attendee limit (2) reached.
    await refused(open.connectionString, 'right-pw', viewers[2]);
    // Revoked invitation.
    const later = session.invitations.createInvitation({ groupName: 'later', password: 'pw2', attendeeLimit: 5 });
    later.revoked = true;
    await refused(later.connectionString, 'pw2', viewers[2]);

    expect(refusals()).toEqual(['wrong-password', 'unknown-invitation', 'attendee-limit', 'revoked']);
    // No log line carries a password.
    expect(JSON.stringify(lines)).not.toMatch(/right-pw|wrong-pw|pw2/);

    // The admitted attendees were not disturbed and still follow the live desktop.
    expect(session.attendees.count).toBe(2);
    await shared.exec('xsetroot', ['-solid', '#c0ffee']);
    await shared.exec('xrefresh', []);
    await waitFor(() => mirrors(shared, viewers[0]), 20_000, 'viewer 1 to follow the change');
    await waitFor(() => mirrors(shared, viewers[1]), 20_000, 'viewer 2 to follow the change');

    // Closing the session disconnects both viewers, and like Windows raises no disconnect events for them.
    let disconnectEvents = 0;
    session.events.attendeeDisconnected$.subscribe(() => disconnectEvents++);
    await session.close();
    const exits = await Promise.race([
      Promise.all([first.exited, second.exited]),
      new Promise((r) => setTimeout(() => r('still running'), 15_000)),
    ]);
    expect(exits).not.toBe('still running');
    expect(session.attendees.count).toBe(0);
    expect(disconnectEvents).toBe(0);
  });
});
