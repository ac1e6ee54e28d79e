import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { ErrorInfo } from '@rdshare/protocol';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisconnectReason, RdpViewer, ViewerError, ViewerState } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A TCP relay to the sharer whose connections the test can cut, as a network failure would. */
async function relay(port: number): Promise<{ port: number; cut(): void; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = netConnect({ host: '127.0.0.1', port });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    server,
  };
}

/** Every way a viewer's connection can end against our sharer: a typed error or an event, nothing unhandled. */
describe('RdpViewer failures against our sharer (RdpSession, real TCP and TLS)', () => {
  let display: XvfbDisplay;
  let session: RdpSession;
  const viewer = () => new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });

  beforeAll(async () => {
    display = await startXvfb({ width: 320, height: 240 });
    session = new RdpSession({
      display: display.display,
      listenAddress: '127.0.0.1',
      logger: silent,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await display?.stop();
  });

  /** connect() rejects with `code` and connectionFailed$ carries that same error; the viewer is idle again. */
  async function expectConnectFailure(v: RdpViewer, ticket: string, password: string, code: string) {
    const failed = firstValueFrom(v.events.connectionFailed$);
    const error = await v.connect(ticket, 'failing', password).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViewerError);
    expect((error as ViewerError).code).toBe(code);
    expect((await failed).error).toBe(error);
    expect(v.state).toBe(ViewerState.IDLE);
  }

  it('a bad ticket, an unreachable address, a refused password, a forged key: connectionFailed$ and a typed error', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'fail', password: 'right', attendeeLimit: 5 });
    const v = viewer();
    await expectConnectFailure(v, '<E><A KH="x"', 'right', 'BAD_TICKET');
    const closedPort = invitation.connectionString.replace(/ P="\d+"/g, ' P="1"');
    await expectConnectFailure(v, closedPort, 'right', 'CONNECT_FAILED');
    await expectConnectFailure(v, invitation.connectionString, 'wrong', 'REFUSED');
    const forged = invitation.connectionString.replace(
      /KH2="[^"]*"/,
      'KH2="sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="',
    );
    await expectConnectFailure(v, forged, 'right', 'KEY_MISMATCH');
    // After all that the same viewer joins.
    await v.connect(invitation.connectionString, 'failing', 'right');
    v.disconnect();
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('the sharer ending the connection: connectionTerminated$ BY_SERVER with its Set Error Info code', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'kick', password: 'pw', attendeeLimit: 1 });
    const v = viewer();
    const joined = firstValueFrom(session.events.attendeeConnected$);
    await v.connect(invitation.connectionString, 'kicked', 'pw');
    const terminated = firstValueFrom(v.events.connectionTerminated$);
    (await joined).attendee.terminateConnection();
    const { reason, extendedInfo } = await terminated;
    expect(reason).toBe(DisconnectReason.BY_SERVER);
    expect(Object.values(ErrorInfo)).toContain(extendedInfo);
    expect(v.state).toBe(ViewerState.IDLE);
  });

  it('a dropped connection: connectionTerminated$ SOCKET_CLOSED, and the viewer can join again', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'drop', password: 'pw', attendeeLimit: 2 });
    const port = Number(/ P="(\d+)"/.exec(invitation.connectionString)?.[1]);
    const cable = await relay(port);
    try {
      const viaRelay = invitation.connectionString.replace(/ P="\d+"/g, ` P="${cable.port}"`);
      const v = viewer();
      await v.connect(viaRelay, 'dropped', 'pw');
      const terminated = firstValueFrom(v.events.connectionTerminated$);
      cable.cut();
      expect(await terminated).toEqual({ reason: DisconnectReason.SOCKET_CLOSED, extendedInfo: 0 });
      expect(v.state).toBe(ViewerState.IDLE);
      await v.connect(invitation.connectionString, 'dropped', 'pw');
      expect(v.state).toBe(ViewerState.CONNECTED);
      v.disconnect();
    } finally {
      cable.server.close();
    }
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendees to leave');
  });
});
