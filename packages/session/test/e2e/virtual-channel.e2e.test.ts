import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_ACCESS_ENUM,
  CHANNEL_FLAGS,
  CHANNEL_PRIORITY,
  RDPENCOMAPI_CONSTANTS,
  RdpSession,
  type RdshareError,
  type VirtualChannel,
} from '../../src/index.js';
import { RdpTestClient } from '../support/rdp-test-client.js';
import { silentLogger } from './logger.js';

type Line = { level: string; message: string; fields?: Record<string, unknown> };

const bytes = (...v: number[]) => Uint8Array.from(v);
const sameBytes = (expected: Uint8Array) => (d: Uint8Array) =>
  d.byteLength === expected.byteLength && d.every((b, i) => b === expected[i]);

describe('application virtual channels with a client that joins the same channel name', () => {
  let display: XvfbDisplay;
  let session: RdpSession;
  let chat: VirtualChannel;
  let bulk: VirtualChannel;
  const lines: Line[] = [];
  const received: { channel: VirtualChannel; attendeeId: number; data: Uint8Array }[] = [];
  const sent: { channel: VirtualChannel; attendeeId: number; bytesSent: number }[] = [];

  beforeAll(async () => {
    display = await startXvfb({ width: 320, height: 240 });
    session = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', logger: silentLogger(lines) });
    chat = session.virtualChannelManager.createVirtualChannel('chat', CHANNEL_PRIORITY.HI, 0);
    bulk = session.virtualChannelManager.createVirtualChannel('bulk', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.LEGACY);
    session.events.channelDataReceived$.subscribe((e) => received.push(e));
    session.events.channelDataSent$.subscribe((e) => sent.push(e));
    await session.open();
    session.invitations.createInvitation({ authString: 'chan', groupName: 'g', password: 'pw', attendeeLimit: 4 });
  });

  afterAll(async () => {
    await session?.close();
    await display?.stop();
  });

  /** A test client that declares `channels`, and what it receives on them. */
  async function join(channels: string[], name = 'tester', port = session.port) {
    const connected = firstValueFrom(session.events.attendeeConnected$);
    const { client, outcome } = await RdpTestClient.connect({
      port,
      channels,
      authString: 'chan',
      password: 'pw',
      userName: name,
    });
    expect(outcome).toEqual({ kind: 'active' });
    const { attendee } = await connected;
    const inbox: { channel: string; data: Uint8Array }[] = [];
    client.onChannel((channel, data) => inbox.push({ channel, data: data.slice() }));
    /** Waits for a message on `channel` that `match` accepts; rejects after `timeoutMs`. */
    const message = (channel: string, match: (data: Uint8Array) => boolean, timeoutMs = 5000) =>
      waitFor(() => inbox.find((m) => m.channel === channel && match(m.data)), timeoutMs, `a message on ${channel}`);
    return { client, attendee, message };
  }

  it('exchanges data both ways only with SENDRECEIVE access, and raises both events', async () => {
    const { client, attendee, message } = await join(['encomsp', 'chat', 'bulk']);
    try {
      // Default access is NONE: nothing flows either way.
      client.sendChannel('chat', bytes(1, 2, 3));
      chat.sendData(bytes(4, 5), attendee.id, 0);
      await expect(message('chat', () => true, 500)).rejects.toThrow(/timed out/);
      expect(received).toEqual([]);
      expect(sent).toEqual([]);
      expect(lines.filter((l) => l.message.includes('without access')).map((l) => l.fields?.channel)).toEqual([
        'chat',
        'chat',
      ]);

      chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      client.sendChannel('chat', bytes(6, 7, 8));
      await waitFor(() => received.length === 1, 5000, 'channelDataReceived$');
      expect(received[0]).toEqual({ channel: chat, attendeeId: attendee.id, data: bytes(6, 7, 8) });

      chat.sendData(bytes(9, 10), attendee.id, 0);
      await message('chat', sameBytes(bytes(9, 10)));
      expect(sent).toEqual([{ channel: chat, attendeeId: attendee.id, bytesSent: 2 }]);

      // Text goes as UTF-16LE, and a broadcast reaches every attendee with access.
      chat.sendData('hé', RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE, CHANNEL_FLAGS.UNCOMPRESSED);
      await message('chat', sameBytes(bytes(0x68, 0, 0xe9, 0)));

      // Access revoked: gated again.
      chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.NONE);
      client.sendChannel('chat', bytes(11));
      chat.sendData(bytes(12), attendee.id, 0);
      await expect(message('chat', sameBytes(bytes(12)), 500)).rejects.toThrow();
      expect(received).toHaveLength(1);
    } finally {
      client.close();
      await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
    }
  });

  it('enforces the message size limits, 1024 bytes or 409600 on a LEGACY channel, chunked on the wire', async () => {
    const { client, attendee, message } = await join(['chat', 'bulk']);
    received.length = 0;
    sent.length = 0;
    try {
      chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      bulk.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      expect(() => chat.sendData(new Uint8Array(1025), attendee.id, 0)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
      client.sendChannel('chat', new Uint8Array(1025).fill(1));
      client.sendChannel('chat', new Uint8Array(1024).fill(2));
      await waitFor(() => received.length === 1, 5000, 'the 1024-byte message');
      expect(received[0].data).toEqual(new Uint8Array(1024).fill(2));
      expect(lines.some((l) => l.message.includes('oversized') && l.fields?.attendee === attendee.id)).toBe(true);

      const big = Uint8Array.from({ length: 409600 }, (_, i) => (i * 7) & 0xff);
      bulk.sendData(big, attendee.id, 0);
      await message('bulk', sameBytes(big), 10_000);
      expect(sent).toEqual([{ channel: bulk, attendeeId: attendee.id, bytesSent: 409600 }]);
      client.sendChannel('bulk', big);
      await waitFor(() => received.length === 2, 10_000, 'the 409600-byte message');
      expect(received[1]).toMatchObject({ channel: bulk, attendeeId: attendee.id });
      // Byte comparison: a deep equality over 409600 elements takes seconds.
      expect(Buffer.from(received[1].data).equals(big)).toBe(true);
    } finally {
      client.close();
      await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
    }
  });

  it('binds by name regardless of case, only attendees whose client declared it; broadcasts skip those without access', async () => {
    // Static channel names bind regardless of case on Windows and FreeRDP servers.
    const a = await join(['CHAT'], 'a');
    const b = await join(['encomsp'], 'b');
    const c = await join(['chat'], 'c');
    sent.length = 0;
    try {
      for (const { attendee } of [a, b, c]) chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      chat.setAccess(c.attendee.id, CHANNEL_ACCESS_ENUM.NONE);
      chat.sendData(bytes(42), RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE, 0);
      await a.message('CHAT', sameBytes(bytes(42)));
      await expect(c.message('chat', () => true, 500)).rejects.toThrow();
      expect(sent.map((s) => s.attendeeId)).toEqual([a.attendee.id]);
      received.length = 0;
      a.client.sendChannel('CHAT', bytes(43));
      await waitFor(() => received.length === 1, 5000, 'the message from the CHAT client');
      expect(received[0]).toEqual({ channel: chat, attendeeId: a.attendee.id, data: bytes(43) });
    } finally {
      for (const { client } of [a, b, c]) client.close();
      await waitFor(() => session.attendees.count === 0, 5000, 'the attendees to leave');
    }
  });

  it('bounds what waits for a stalled attendee: targeted sends fail, broadcasts skip it, nothing is lost', async () => {
    // A relay between the client and the session whose sharer-to-client direction the test can stop, as an
    // attendee whose network or machine stalls.
    let toClient: { from: Socket; to: Socket } | undefined;
    const relay: Server = createServer((client) => {
      const sharer = netConnect({ host: '127.0.0.1', port: session.port });
      client.pipe(sharer);
      sharer.pipe(client);
      toClient = { from: sharer, to: client };
      client.on('error', () => sharer.destroy());
      sharer.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const slow = await join(['bulk'], 'slow', (relay.address() as { port: number }).port);
    const fast = await join(['bulk'], 'fast');
    const errors: { error: Error; attendee?: unknown }[] = [];
    const subscription = session.events.error$.subscribe((e) => errors.push(e));
    const slowInbox: number[] = [];
    slow.client.onChannel((_, data) => slowInbox.push(data[0]));
    try {
      for (const { attendee } of [slow, fast]) bulk.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
      const relayed = toClient as { from: Socket; to: Socket };
      relayed.from.unpipe(relayed.to);
      relayed.from.pause();
      const big = new Uint8Array(409600);
      let accepted = 0;
      let refused: RdshareError | undefined;
      // The kernel's socket buffers take several MB first; then the connection's backlog, then the bounded queue.
      for (; accepted < 200 && !refused; ) {
        try {
          big[0] = accepted;
          bulk.sendData(big, slow.attendee.id, 0);
          accepted++;
        } catch (error) {
          refused = error as RdshareError;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(refused).toMatchObject({ code: 'CHANNEL_QUEUE_FULL' });

      big[0] = 0xff;
      for (let i = 0; i < 3; i++) bulk.sendData(big, RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE, 0);
      await fast.message('bulk', (d) => d[0] === 0xff, 10_000);
      expect(errors.map((e) => [(e.error as RdshareError).code, e.attendee])).toEqual([
        ['CHANNEL_QUEUE_FULL', slow.attendee],
      ]);

      relayed.from.pipe(relayed.to);
      relayed.from.resume();
      await waitFor(() => slowInbox.length === accepted, 30_000, `all ${accepted} accepted messages to arrive`);
      expect(slowInbox).toEqual(Array.from({ length: accepted }, (_, i) => i & 0xff));
    } finally {
      subscription.unsubscribe();
      slow.client.close();
      fast.client.close();
      relay.close();
      await waitFor(() => session.attendees.count === 0, 5000, 'the attendees to leave');
    }
  });
});
