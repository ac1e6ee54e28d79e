import { createServer, type Server, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { diffRgba, startXfreerdpDirect, waitFor } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation, TransportStream } from '../../src/index.js';
import { RdpTestClient } from '../support/rdp-test-client.js';
import { HEIGHT, sharedSessionFixture, WIDTH } from './fixtures.js';

/** The app's own listener: every accepted socket is handed to `take`. */
async function appListener(take: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(take);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('connectUsingTransportStream: an attendee over a stream the app provides', () => {
  let invitation: Invitation;
  let server: Server | undefined;
  const f = sharedSessionFixture();

  beforeAll(() => {
    invitation = f.session.invitations.createInvitation({ groupName: 'relay', password: 'unused', attendeeLimit: 4 });
  });

  afterAll(() => {
    server?.close();
  });

  it.each([
    ['a Node Duplex (the accepted socket)', (socket: Socket): TransportStream => socket],
    ['a web ReadableStream/WritableStream pair', (socket: Socket): TransportStream => Duplex.toWeb(socket)],
  ])('xfreerdp sees the shared display through %s', async (_, wrap) => {
    const handed: Promise<unknown>[] = [];
    const listener = await appListener((socket) => {
      handed.push(f.session.connectUsingTransportStream(wrap(socket), 'relay', 'Alice (authenticated by the app)'));
    });
    server = listener.server;
    const connected = firstValueFrom(f.session.events.attendeeConnected$);
    // Plain /v: mode: xfreerdp knows nothing of invitations; its password is never checked.
    const client = startXfreerdpDirect(f.viewer, '127.0.0.1', listener.port, ['/bpp:32', '/p:anything']);
    try {
      const { attendee } = await connected;
      expect(attendee.remoteName).toBe('Alice (authenticated by the app)');
      expect(attendee.invitation).toBe(invitation);
      // The stream is the app's: no socket addresses to report (AF_UNSPEC).
      expect(attendee.connectivityInfo).toMatchObject({ protocol: 0, peerIp: '' });
      const expected = await f.shared.screenshot();
      await waitFor(
        async () => diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT).differing === 0,
        20_000,
        'the viewer to show the shared display',
      ).catch(async (error) => {
        const diff = diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT);
        throw new Error(`${error.message}; ${diff.differing} pixels differ\n${client.output()}`);
      });
      await Promise.all(handed);
    } finally {
      await client.stop();
      listener.server.close();
    }
    await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('refuses an unknown group, a revoked invitation, a full one and bad arguments with typed errors', async () => {
    const stream = () => new PassThrough();
    await expect(f.session.connectUsingTransportStream(stream(), 'nobody', 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const revoked = f.session.invitations.createInvitation({ groupName: 'gone', password: '', attendeeLimit: 1 });
    revoked.revoked = true;
    await expect(f.session.connectUsingTransportStream(stream(), 'gone', 'x')).rejects.toMatchObject({
      code: 'AUTHENTICATION_FAILED',
    });
    await expect(f.session.connectUsingTransportStream({} as TransportStream, 'relay', 'x')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      f.session.connectUsingTransportStream(stream(), 'relay', 42 as unknown as string),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    f.session.invitations.createInvitation({ groupName: 'solo', password: '', attendeeLimit: 1 });
    const listener = await appListener((socket) => {
      f.session.connectUsingTransportStream(socket, 'solo', 'first').catch(() => undefined);
    });
    const connected = firstValueFrom(f.session.events.attendeeConnected$);
    // The test client's auth string and password are wrong on purpose: a transport stream is trusted.
    const { client, outcome } = await RdpTestClient.connect({
      port: listener.port,
      authString: 'not-an-invitation',
      password: 'wrong',
    });
    expect(outcome).toEqual({ kind: 'active' });
    try {
      expect((await connected).attendee.remoteName).toBe('first');
      await expect(f.session.connectUsingTransportStream(stream(), 'solo', 'second')).rejects.toMatchObject({
        code: 'AUTHENTICATION_FAILED',
      });
    } finally {
      client.close();
      listener.server.close();
    }
    await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
