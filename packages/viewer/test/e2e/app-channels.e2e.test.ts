import {
  CHANNEL_ACCESS_ENUM,
  CHANNEL_FLAGS,
  CHANNEL_PRIORITY,
  RDPENCOMAPI_CONSTANTS,
  RdpSession,
  type VirtualChannel,
} from '@rdshare/session';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelFlags, ChannelPriority, decodeChannelText, RdpViewer } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("application channels between RdpSession's virtualChannelManager and RdpViewer's", () => {
  let display: XvfbDisplay;
  let session: RdpSession;
  let chat: VirtualChannel;
  let bulk: VirtualChannel;
  const atSharer: { channel: VirtualChannel; attendeeId: number; data: Uint8Array }[] = [];

  beforeAll(async () => {
    display = await startXvfb({ width: 320, height: 240 });
    session = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', logger: silent });
    chat = session.virtualChannelManager.createVirtualChannel('chat', CHANNEL_PRIORITY.MED, 0);
    bulk = session.virtualChannelManager.createVirtualChannel('bulk', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.LEGACY);
    session.events.channelDataReceived$.subscribe((e) => atSharer.push(e));
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await display?.stop();
  });

  it('carries messages both ways once the sharer grants access, small and legacy-sized', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'app', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
    const viewerChat = viewer.virtualChannelManager.createVirtualChannel('chat', ChannelPriority.MED, 0);
    const viewerBulk = viewer.virtualChannelManager.createVirtualChannel(
      'bulk',
      ChannelPriority.LO,
      ChannelFlags.LEGACY,
    );
    const atViewer: { channel: string; data: Uint8Array }[] = [];
    viewer.events.channelDataReceived$.subscribe(({ channel, data }) =>
      atViewer.push({ channel: channel.name, data: data.slice() }),
    );
    const connected = firstValueFrom(session.events.attendeeConnected$);
    await viewer.connect(invitation.connectionString, 'app-viewer', 'pw');
    const { attendee } = await connected;
    try {
      // Not granted yet: the viewer's message is dropped at the sharer.
      viewerChat.sendData(Uint8Array.of(1));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(atSharer).toEqual([]);

      chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      bulk.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      viewerChat.sendData(Uint8Array.of(2, 3));
      await waitFor(() => atSharer.length === 1, 5000, 'the viewer message at the sharer');
      expect(atSharer[0]).toEqual({ channel: chat, attendeeId: attendee.id, data: Uint8Array.of(2, 3) });

      chat.sendData(Uint8Array.of(4, 5, 6), RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE, 0);
      await waitFor(() => atViewer.length === 1, 5000, 'the sharer message at the viewer');
      expect(atViewer[0]).toEqual({ channel: 'chat', data: Uint8Array.of(4, 5, 6) });

      // Text both ways is UTF-16LE, a BSTR's bytes, as Windows' SendData(bstrData) sends it; surrogate pairs too.
      const toSharer = 'viewer says héllo ✓ 😀';
      viewerChat.sendData(toSharer);
      await waitFor(() => atSharer.length === 2, 5000, 'the viewer text at the sharer');
      expect(Buffer.from(atSharer[1].data).equals(Buffer.from(toSharer, 'utf16le'))).toBe(true);
      const toViewer = 'sharer says ñ → 😀';
      chat.sendData(toViewer, attendee.id, 0);
      await waitFor(() => atViewer.length === 2, 5000, 'the sharer text at the viewer');
      expect(Buffer.from(atViewer[1].data).equals(Buffer.from(toViewer, 'utf16le'))).toBe(true);
      expect(decodeChannelText(atViewer[1].data)).toBe(toViewer);
      atSharer.length = 1;
      atViewer.length = 1;

      const big = Uint8Array.from({ length: 409600 }, (_, i) => (i * 13) & 0xff);
      bulk.sendData(big, attendee.id, 0);
      viewerBulk.sendData(big);
      await waitFor(() => atViewer.length === 2 && atSharer.length === 2, 10_000, 'the 409600-byte messages');
      expect(atViewer[1].channel).toBe('bulk');
      expect(Buffer.from(atViewer[1].data).equals(big)).toBe(true);
      expect(atSharer[1].channel).toBe(bulk);
      expect(Buffer.from(atSharer[1].data).equals(big)).toBe(true);
    } finally {
      viewer.disconnect();
    }
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
