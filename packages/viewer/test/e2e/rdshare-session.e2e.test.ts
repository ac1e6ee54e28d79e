import { createServer, connect as netConnect, type Socket } from 'node:net';
import { askedLevel, ControlLevel } from '@rdshare/rx';
import { CHANNEL_ACCESS_ENUM, CHANNEL_PRIORITY, CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPriority, RdpViewer, ViewerError } from '../../src/index.js';
import {
  nodeCryptoProvider,
  startReverseConnectListener,
  streamTransport,
  tcpTransport,
} from '../../src/node/index.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay, typeLineIntoXterm } from './shared-desktop.js';

const crypto = nodeCryptoProvider();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** Two connected TCP sockets on 127.0.0.1: a duplex stream for each end, as an app's relay would hand over. */
async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const dialled = netConnect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
  const pair: [Socket, Socket] = [dialled, await accepted];
  server.close();
  return pair;
}

describe('RdpViewer against our sharer (RdpSession on Xvfb, real TCP and TLS)', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await plasmaDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silent });
    session.properties.DefaultAttendeeControlLevel = CTRL_LEVEL.VIEW;
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it.each([
    ['TLS', 32, { tls: true, rdp: true }],
    ['Standard RDP Security', 32, { tls: false, rdp: true }],
    ['Standard RDP Security', 24, { tls: false, rdp: true }],
    ['TLS', 16, { tls: true, rdp: true }],
    ['Standard RDP Security', 15, { tls: false, rdp: true }],
  ] as const)('%s at %i bpp: the frame buffer equals the shared display', async (_, depth, security) => {
    session.colorDepth = depth;
    const invitation = session.invitations.createInvitation({
      groupName: `g-${_}-${depth}`,
      password: 'pw-1',
      attendeeLimit: 1,
    });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport(), security });
    const authenticated = firstValueFrom(viewer.events.connectionAuthenticated$);
    await viewer.connect(invitation.connectionString, `viewer-${depth}`, 'pw-1');
    await authenticated;
    expect(viewer.desktop).toEqual({ width: shared.width, height: shared.height, colorDepth: depth });
    await expectFrameBufferEqualsScreen(viewer, shared, depth);
    const terminated = firstValueFrom(viewer.events.connectionTerminated$);
    viewer.disconnect();
    expect((await terminated).reason).toBe(1);
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('refuses a wrong password and a ticket for another sharer key with typed errors and events', async () => {
    session.colorDepth = 32;
    const invitation = session.invitations.createInvitation({
      groupName: 'g-bad',
      password: 'right',
      attendeeLimit: 2,
    });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
    const failed = firstValueFrom(viewer.events.connectionFailed$);
    const refused = await viewer.connect(invitation.connectionString, 'mallory', 'wrong').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ViewerError);
    expect((refused as ViewerError).code).toBe('REFUSED');
    expect((await failed).error).toBe(refused);
    const forged = invitation.connectionString.replace(
      /KH2="[^"]*"/,
      'KH2="sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="',
    );
    const mismatch = await viewer.connect(forged, 'mallory', 'right').catch((e: unknown) => e);
    expect((mismatch as ViewerError).code).toBe('KEY_MISMATCH');
  });

  it('types into an application once the sharer grants INTERACTIVE', async () => {
    session.colorDepth = 32;
    const grant = session.events.attendeeConnected$.subscribe(({ attendee }) => {
      attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
    });
    try {
      const invitation = session.invitations.createInvitation({
        groupName: 'g-typing',
        password: 'pw',
        attendeeLimit: 1,
      });
      const typed = await typeLineIntoXterm(shared, async () => {
        const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
        await viewer.connect(invitation.connectionString, 'typist', 'pw');
        return viewer;
      });
      expect(typed).toBe('hi');
    } finally {
      grant.unsubscribe();
    }
  });

  it('exchanges app channel data both ways with the sharer', async () => {
    const chat = session.virtualChannelManager.createVirtualChannel('vchat', CHANNEL_PRIORITY.MED, 0);
    const granted = session.events.attendeeConnected$.subscribe(({ attendee }) =>
      chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE),
    );
    const atSharer = firstValueFrom(session.events.channelDataReceived$);
    const invitation = session.invitations.createInvitation({ groupName: 'g-chat', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
    const mine = viewer.virtualChannelManager.createVirtualChannel('vchat', ChannelPriority.MED, 0);
    const atViewer = firstValueFrom(viewer.events.channelDataReceived$);
    try {
      await viewer.connect(invitation.connectionString, 'chatter', 'pw');
      await waitFor(() => session.attendees.count === 1, 5000, 'the attendee');
      mine.sendData('ping');
      const received = await atSharer;
      expect(received.channel).toBe(chat);
      // A string goes as UTF-16LE, a BSTR's bytes, as Windows' SendData(bstrData) sends it.
      expect(Buffer.from(received.data).toString('utf16le')).toBe('ping');
      chat.sendData(new TextEncoder().encode('pong'), received.attendeeId, 0);
      const back = await atViewer;
      expect(back.channel).toBe(mine);
      expect(new TextDecoder().decode(back.data)).toBe('pong');
    } finally {
      granted.unsubscribe();
      viewer.disconnect();
    }
  });

  it("reverse connect: the sharer dials the viewer's listener and the viewer shows the desktop", async () => {
    session.colorDepth = 32;
    const listener = await startReverseConnectListener({ addresses: ['127.0.0.1'] });
    try {
      expect(listener.connectionString).toMatch(
        /^<E><A\/><C><T ID="1" SID="0"><L P="\d+" N="127.0.0.1"\/><\/T><\/C><\/E>$/,
      );
      const invitation = session.invitations.createInvitation({
        groupName: 'g-reverse',
        password: 'pw',
        attendeeLimit: 1,
      });
      const viewer = new RdpViewer({ crypto, transport: listener.transport });
      const connected = viewer.connect(invitation.connectionString, 'reverse', 'pw');
      await session.connectToClient(listener.connectionString);
      await connected;
      await expectFrameBufferEqualsScreen(viewer, shared, 32);
      viewer.disconnect();
    } finally {
      listener.close();
    }
  });

  it("a network stream (SetNetworkStream) to the sharer's connectUsingTransportStream shows the desktop", async () => {
    session.colorDepth = 32;
    const [viewerEnd, sharerEnd] = await socketPair();
    const invitation = session.invitations.createInvitation({
      groupName: 'g-stream',
      password: 'pw',
      attendeeLimit: 1,
    });
    await session.connectUsingTransportStream(sharerEnd, 'g-stream', 'streamer');
    const viewer = new RdpViewer({ crypto, transport: streamTransport(viewerEnd) });
    await viewer.connect(invitation.connectionString, 'ignored by a trusted stream', '');
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    viewer.disconnect();
  });

  it('a control request round-trips: the sharer app grants it and the viewer hears the response and its new level', async () => {
    const requests = session.events.controlLevelChangeRequest$.subscribe(({ attendee, requestedLevel }) => {
      attendee.controlLevel = askedLevel(requestedLevel);
      session.sendControlLevelChangeResponse(attendee, requestedLevel, 0);
    });
    const invitation = session.invitations.createInvitation({
      groupName: 'g-control',
      password: 'pw',
      attendeeLimit: 1,
    });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
    try {
      await viewer.connect(invitation.connectionString, 'asker', 'pw');
      await waitFor(() => viewer.attendees.size > 0, 5000, 'the sharer to announce the participants');
      const response = firstValueFrom(viewer.events.controlLevelChangeResponse$);
      const promoted = firstValueFrom(
        viewer.events.attendeeUpdate$.pipe(filter(({ attendee }) => attendee.isSelf && attendee.controlLevel === 3)),
      );
      viewer.requestControl(ControlLevel.INTERACTIVE);
      expect(await response).toMatchObject({ requestedLevel: ControlLevel.INTERACTIVE, reasonCode: 0 });
      expect((await promoted).attendee.remoteName).toBe('asker');
    } finally {
      requests.unsubscribe();
      viewer.disconnect();
    }
  });
});
