import { ErrorInfo, FastPathUpdateCode } from '@rdshare/protocol';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, type Invitation, RdpSession } from '../../src/index.js';
import { sharedDisplay } from '../e2e/fixtures.js';
import { silentLogger } from '../e2e/logger.js';
import { RdpTestClient } from './rdp-test-client.js';

describe('RdpTestClient (the scripted client other tests rely on) against a real session', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  let invitation: Invitation;

  beforeAll(async () => {
    shared = await sharedDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    session.events.attendeeConnected$.subscribe(({ attendee }) => {
      attendee.controlLevel = CTRL_LEVEL.VIEW;
    });
    await session.open();
    invitation = session.invitations.createInvitation({ groupName: 'g', password: 'pw', attendeeLimit: 4 });
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('joins over TLS with the right password and receives bitmap updates', async () => {
    const { client, outcome } = await RdpTestClient.connect({
      port: session.port,
      authString: invitation.authString,
      password: 'pw',
      userName: 'scripted',
    });
    expect(outcome).toEqual({ kind: 'active' });
    await waitFor(() => client.updates.some((u) => u.code === FastPathUpdateCode.BITMAP), 10_000, 'a bitmap update');
    expect([...session.attendees].map((a) => a.remoteName)).toContain('scripted');
    client.close();
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('is refused with the sharer’s error info for a wrong password', async () => {
    const { outcome } = await RdpTestClient.connect({
      port: session.port,
      authString: invitation.authString,
      password: 'wrong',
    });
    expect(outcome).toEqual({ kind: 'refused', errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES });
  });
});
