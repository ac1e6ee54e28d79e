import { CTRL_LEVEL, RdpSession, type RdpSession as Session } from '@rdshare/session';
import type { XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  RdpViewer,
  scriptCryptoProvider,
  ViewerError,
  type WebSocketLike,
  webSocketTransport,
} from '../../src/index.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** `ws` in Node stands in for the browser's WebSocket. */
const createWebSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

describe('RdpViewer over the session WebSocket listener (script crypto, Standard RDP Security)', () => {
  let shared: XvfbDisplay;
  let session: Session;
  let url: string;

  beforeAll(async () => {
    shared = await plasmaDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silent });
    session.properties.DefaultAttendeeControlLevel = CTRL_LEVEL.VIEW;
    await session.open();
    const listener = await session.listenWebSocket({ port: 0, host: '127.0.0.1' });
    url = listener.url;
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('joins with the script crypto provider, its frame buffer equals the display, the peer is the WebSocket client', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'web', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({
      crypto: scriptCryptoProvider(),
      transport: webSocketTransport(url, { createWebSocket }),
    });
    const connected = firstValueFrom(session.events.attendeeConnected$);
    await viewer.connect(invitation.connectionString, 'web-ann', 'pw');
    const { attendee } = await connected;
    expect(attendee.remoteName).toBe('web-ann');
    expect(attendee.connectivityInfo.peerIp).toBe('127.0.0.1');
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    viewer.disconnect();
  });

  it('refuses a wrong password through the same admission path', async () => {
    const invitation = session.invitations.createInvitation({
      groupName: 'web-bad',
      password: 'right',
      attendeeLimit: 1,
    });
    const viewer = new RdpViewer({
      crypto: scriptCryptoProvider(),
      transport: webSocketTransport(url, { createWebSocket }),
    });
    const error = await viewer.connect(invitation.connectionString, 'mallory', 'wrong').catch((e) => e);
    expect(error).toBeInstanceOf(ViewerError);
    expect((error as ViewerError).code).toBe('REFUSED');
  });
});
