import { createServer, type Server, type Socket } from 'node:net';
import { decodeConnectionString, encodeConnectionString } from '@rdshare/protocol';
import { diffRgba, startXfreerdp, waitFor } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { HEIGHT, sharedSessionFixture, WIDTH } from './fixtures.js';

async function listen(take: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(take);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const { server, port } = await listen(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A viewer's reverse-connect string (what IRDPSRAPIViewer::StartReverseConnectListener gives out). */
const reverseString = (...ports: number[]) =>
  encodeConnectionString({ addresses: ports.map((port) => ({ port, address: '127.0.0.1' })) });

describe('connectToClient: reverse connect to a listening viewer', () => {
  const errors: Error[] = [];
  const f = sharedSessionFixture({}, (_session) => {
    f.session.events.error$.subscribe(({ error }) => errors.push(error));
  });

  it.each([
    ['TLS', []],
    // What reverse-connecting WDS viewers use (the C4B viewer forces it for reverse connections).
    ['Standard RDP Security', ['/sec:rdp']],
  ])(
    'dials past an unreachable address to the viewer, which then sees the shared display (xfreerdp, %s)',
    async (security, args) => {
      const invitation = f.session.invitations.createInvitation({
        groupName: `reverse ${security}`,
        password: 'rev-pw',
        attendeeLimit: 1,
      });
      // xfreerdp cannot listen, so the test does: A stands for the viewer's reverse-connect listener, the sharer
      // dials it; xfreerdp connects to B with the invitation; once both are there, A and B are piped together.
      const sockets: { a?: Socket; b?: Socket } = {};
      const splice = () => {
        const { a, b } = sockets;
        if (!a || !b) return;
        a.pipe(b).pipe(a);
        a.on('error', () => b.destroy());
        b.on('error', () => a.destroy());
      };
      const a = await listen((s) => {
        sockets.a = s;
        splice();
      });
      const b = await listen((s) => {
        sockets.b = s;
        splice();
      });
      const ticket = decodeConnectionString(invitation.connectionString);
      const client = startXfreerdp({
        display: f.viewer,
        connectionString: encodeConnectionString({ ...ticket, addresses: [{ port: b.port, address: '127.0.0.1' }] }),
        password: 'rev-pw',
        args: ['/bpp:32', ...args],
      });
      try {
        await waitFor(() => sockets.b, 10_000, 'xfreerdp to connect to B');
        const connected = firstValueFrom(f.session.events.attendeeConnected$);
        await f.session.connectToClient(reverseString(await closedPort(), a.port));
        const { attendee } = await connected;
        expect(attendee.invitation).toBe(invitation);
        const expected = await f.shared.screenshot();
        await waitFor(
          async () => diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT).differing === 0,
          20_000,
          'the viewer to show the shared display',
        ).catch(async (error) => {
          const diff = diffRgba(expected, await f.viewer.screenshot(), WIDTH, HEIGHT);
          throw new Error(`${error.message}; ${diff.differing} pixels differ\n${client.output()}`);
        });
      } finally {
        await client.stop();
        a.server.close();
        b.server.close();
      }
      await waitFor(() => f.session.attendees.count === 0, 5000, 'the attendee to leave');
    },
  );

  it('rejects with CONNECT_FAILED and raises error$ when no address answers', async () => {
    errors.length = 0;
    const text = reverseString(await closedPort(), await closedPort());
    await expect(f.session.connectToClient(text)).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('rejects a string that is not a connection string with INVALID_ARGUMENT and raises error$', async () => {
    errors.length = 0;
    await expect(f.session.connectToClient('<E><A/></E>')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['INVALID_ARGUMENT']);
  });
});
