import {
  BitmapDataFlags,
  type BitmapSource,
  ErrorInfo,
  encodeBitmapUpdate,
  encodeEncomspPdus,
  encodeFastPathPointerUpdate,
  encodeInterleaved,
  encodePaletteUpdate,
  encodePlanar,
  encodeRaw,
  encodeRsaPublicKey,
  FastPathUpdateCode,
  FIXED_PALETTE,
  fixedPaletteIndex,
  type InputEvent,
  invitationKeyHashes,
  ParticipantFlags,
  pointerFromArgb,
} from '@rdshare/protocol';
import { ControlLevel } from '@rdshare/rx';
import { to555, to565 } from '@rdshare/testkit';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ChannelPriority,
  DisconnectReason,
  FrameBuffer,
  KeyboardCodeType,
  MouseButton,
  RdpViewer,
  ViewerError,
  ViewerState,
} from '../src/index.js';
import { nodeCryptoProvider } from '../src/node/index.js';
import { AcceptorTransport, AUTH } from './support/acceptor-transport.js';
import { acceptorOptions, H, publicKey, rsaKey, ticket, W } from './support/fixtures.js';

const crypto = nodeCryptoProvider();

/** A W x H BGRX test image where every pixel differs from its neighbours. */
function image(): Uint8Array {
  const px = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    px[i * 4] = (i * 7) & 0xff;
    px[i * 4 + 1] = (i * 13 + 50) & 0xff;
    px[i * 4 + 2] = (i * 31 + 100) & 0xff;
    px[i * 4 + 3] = 0xff;
  }
  return px;
}

/** The RGBA the viewer should show for a BGRX source at `bpp`. */
function expectedRgba(src: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    let [r, g, b] = [src[i + 2], src[i + 1], src[i]];
    if (bpp === 8) {
      const v = FIXED_PALETTE[fixedPaletteIndex(b, g, r)];
      [r, g, b] = [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
    }
    out.set([r, g, b, 0xff], i);
  }
  return out;
}

function sameAtDepth(actual: Uint8Array, expected: Uint8Array, bpp: number): number {
  const reduce = bpp === 16 ? to565 : bpp === 15 ? to555 : (v: number) => v;
  let differing = 0;
  for (let i = 0; i < actual.length; i += 4) {
    for (let c = 0; c < 3; c++) if (reduce(actual[i + c], c) !== reduce(expected[i + c], c)) differing++;
  }
  return differing;
}

async function connected(transport: AcceptorTransport, viewer = new RdpViewer({ crypto, transport })) {
  await viewer.connect(ticket(), 'Ann', AUTH.password);
  return viewer;
}

const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise<void>((r) => setTimeout(r, 0));
};

describe('RdpViewer against our acceptor (in memory)', () => {
  for (const tls of [false, true]) {
    it(`connects over ${tls ? 'TLS' : 'Standard RDP Security'} and publishes established, authenticated, settings`, async () => {
      const transport = new AcceptorTransport(acceptorOptions(tls), publicKey);
      const viewer = new RdpViewer({ crypto, transport });
      const seen: string[] = [];
      viewer.events.connectionEstablished$.subscribe(() => seen.push('established'));
      viewer.events.connectionAuthenticated$.subscribe(() => seen.push('authenticated'));
      viewer.events.sharedDesktopSettingsChanged$.subscribe((s) =>
        seen.push(`settings ${s.width}x${s.height}x${s.colorDepth}`),
      );
      await viewer.connect(ticket(), 'Ann', AUTH.password);
      expect(viewer.state).toBe(ViewerState.CONNECTED);
      expect(seen).toEqual(['established', 'authenticated', `settings ${W}x${H}x32`]);
      expect(viewer.frameBuffer?.width).toBe(W);
      expect(transport.acceptor?.client?.clientInfo.userName).toBe('Ann');
      expect(transport.acceptor?.client?.securityLayer).toBe(tls ? 'tls' : 'rdp');
      // A sharer without TLS refuses the negotiation; the viewer retries with Standard RDP Security alone.
      expect(transport.attempts).toHaveLength(tls ? 1 : 2);
      viewer.disconnect();
    });
  }

  const codecs = [
    ['planar', 32, (s: BitmapSource) => encodePlanar(s), true],
    ['interleaved', 24, (s: BitmapSource) => encodeInterleaved(s, { bpp: 24 }), true],
    ['interleaved', 16, (s: BitmapSource) => encodeInterleaved(s, { bpp: 16 }), true],
    ['interleaved', 15, (s: BitmapSource) => encodeInterleaved(s, { bpp: 15 }), true],
    ['interleaved', 8, (s: BitmapSource) => encodeInterleaved(s, { bpp: 8 }), true],
    ['raw', 32, (s: BitmapSource) => encodeRaw(s, { bpp: 32 }), false],
    ['raw', 24, (s: BitmapSource) => encodeRaw(s, { bpp: 24 }), false],
    ['raw', 16, (s: BitmapSource) => encodeRaw(s, { bpp: 16 }), false],
    ['raw', 8, (s: BitmapSource) => encodeRaw(s, { bpp: 8 }), false],
  ] as const;
  for (const [name, bpp, encode, compressed] of codecs) {
    it(`keeps the frame buffer equal to the desktop: ${name} at ${bpp} bpp, in tiles`, async () => {
      const transport = new AcceptorTransport(acceptorOptions(false, bpp), publicKey);
      const viewer = await connected(transport);
      expect(viewer.desktop?.colorDepth).toBe(bpp);
      const frames = firstValueFrom(viewer.frame$.pipe(take(4), toArray()));
      const src = image();
      const updates = [];
      if (bpp === 8) updates.push({ code: FastPathUpdateCode.PALETTE, data: encodePaletteUpdate(FIXED_PALETTE) });
      for (const [x, y] of [
        [0, 0],
        [32, 0],
        [0, 20],
        [32, 20],
      ]) {
        const bitmap = encode({ data: src, stride: W * 4, x, y, width: 32, height: 20 });
        const flags = compressed ? BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR : 0;
        updates.push({
          code: FastPathUpdateCode.BITMAP,
          data: encodeBitmapUpdate([
            {
              destLeft: x,
              destTop: y,
              destRight: x + 31,
              destBottom: y + 19,
              width: bitmap.width,
              height: bitmap.height,
              bitsPerPixel: bpp,
              flags,
              data: bitmap.data,
            },
          ]),
        });
      }
      transport.acceptor?.sendFastPath(updates);
      expect(await frames).toEqual([
        { x: 0, y: 0, width: 32, height: 20 },
        { x: 32, y: 0, width: 32, height: 20 },
        { x: 0, y: 20, width: 32, height: 20 },
        { x: 32, y: 20, width: 32, height: 20 },
      ]);
      expect(sameAtDepth(viewer.frameBuffer?.data as Uint8Array, expectedRgba(src, bpp), bpp)).toBe(0);
      viewer.disconnect();
    });
  }

  it('follows pointer shapes, the cache and the position', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
    const viewer = await connected(transport);
    const views = firstValueFrom(viewer.pointer$.pipe(take(4), toArray()));
    const shape = pointerFromArgb({
      width: 4,
      height: 4,
      xhot: 1,
      yhot: 2,
      pixels: new Uint32Array(16).fill(0x80ff0000),
    });
    transport.acceptor?.sendFastPath([
      encodeFastPathPointerUpdate({ type: 'new', ...shape, cacheIndex: 3 }),
      encodeFastPathPointerUpdate({ type: 'position', x: 10, y: 11 }),
      encodeFastPathPointerUpdate({ type: 'system', pointer: 'null' }),
      encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: 3 }),
    ]);
    const [first, moved, hidden, cached] = await views;
    expect(first.image).toMatchObject({ width: 4, height: 4, hotX: 1, hotY: 2 });
    expect(Array.from(first.image?.rgba.subarray(0, 4) ?? [])).toEqual([0xff, 0, 0, 0x80]);
    expect(moved).toMatchObject({ x: 10, y: 11, visible: true });
    expect(hidden.visible).toBe(false);
    expect(cached.image).toBe(first.image);
    viewer.disconnect();
  });

  it('sends every input kind as fast-path events', async () => {
    const input: InputEvent[] = [];
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey, [], {
      onInput: (events) => input.push(...events),
    });
    const viewer = await connected(transport);
    viewer.sendMouseMove(5, 6);
    viewer.sendMouseButton(MouseButton.BUTTON2, true, 5, 6);
    viewer.sendMouseButton(MouseButton.XBUTTON1, false, 5, 6);
    viewer.sendMouseWheel(-120);
    viewer.sendMouseWheel(120, true);
    viewer.sendKeyboard(KeyboardCodeType.SCANCODE, 0x1c, false, false, true);
    viewer.sendKeyboard(KeyboardCodeType.UNICODE, 0x20ac, true);
    viewer.sendSync(2 | 4);
    await settle();
    expect(input).toEqual([
      { type: 'mouse', flags: 0x0800, x: 5, y: 6 },
      { type: 'mouse', flags: 0x2000 | 0x8000, x: 5, y: 6 },
      { type: 'mousex', flags: 0x0001, x: 5, y: 6 },
      { type: 'mouse', flags: 0x0200 | 0x0188, x: 5, y: 6 },
      { type: 'mouse', flags: 0x0400 | 120, x: 5, y: 6 },
      { type: 'scancode', code: 0x1c, release: false, extended: true, extended1: false },
      { type: 'unicode', code: 0x20ac, release: true },
      { type: 'sync', toggleFlags: 6 },
    ]);
    expect(() => viewer.sendMouseButton(MouseButton.XBUTTON3, true, 0, 0)).toThrow(ViewerError);
    expect(() => viewer.sendMouseMove(-1, 0)).toThrow(/position/);
    viewer.disconnect();
    expect(() => viewer.sendMouseMove(1, 1)).toThrow(/the viewer is idle/);
  });

  it('learns participants, asks for control and hears the answer and pauses over encomsp', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
    const viewer = new RdpViewer({ crypto, transport });
    const events: string[] = [];
    viewer.events.attendeeConnected$.subscribe(({ attendee }) =>
      events.push(`connected ${attendee.remoteName} ${attendee.controlLevel}`),
    );
    viewer.events.attendeeUpdate$.subscribe(({ attendee }) => events.push(`update ${attendee.controlLevel}`));
    viewer.events.attendeeDisconnected$.subscribe(({ info }) =>
      events.push(`left ${info.attendee.remoteName} ${info.reason}`),
    );
    viewer.events.controlLevelChangeResponse$.subscribe((r) =>
      events.push(`response ${r.requestedLevel} ${r.reasonCode}`),
    );
    viewer.events.graphicsStreamPaused$.subscribe(() => events.push('paused'));
    viewer.events.graphicsStreamResumed$.subscribe(() => events.push('resumed'));
    await connected(transport, viewer);
    transport.acceptor?.sendChannelData(
      'encomsp',
      encodeEncomspPdus([
        {
          type: 'participantCreated',
          participantId: 7,
          groupId: 1,
          flags: ParticipantFlags.MAY_VIEW | ParticipantFlags.IS_PARTICIPANT,
          friendlyName: 'Ann',
        },
        { type: 'participantCreated', participantId: 8, groupId: 1, flags: 0, friendlyName: 'Bob' },
      ]),
    );
    await settle();
    viewer.requestControl(ControlLevel.INTERACTIVE);
    await settle();
    expect(transport.channelData).toEqual([['encomsp', Uint8Array.of(0x09, 0, 0x0a, 0, 0x03, 0, 7, 0, 0, 0)]]);
    transport.acceptor?.sendChannelData(
      'encomsp',
      encodeEncomspPdus([
        { type: 'participantCtrlChangeResponse', flags: 3, participantId: 7, reasonCode: 0 },
        {
          type: 'participantCreated',
          participantId: 7,
          groupId: 1,
          flags: 3 | ParticipantFlags.IS_PARTICIPANT,
          friendlyName: 'Ann',
        },
        { type: 'participantRemoved', participantId: 8, discType: 2, discCode: 0 },
        { type: 'graphicsStreamPaused' },
        { type: 'graphicsStreamResumed' },
      ]),
    );
    await settle();
    expect(events).toEqual([
      'connected Ann 2',
      'connected Bob 1',
      'response 3 0',
      'update 3',
      'left Bob 2',
      'paused',
      'resumed',
    ]);
    expect([...viewer.attendees.values()].map((a) => [a.remoteName, a.isSelf])).toEqual([['Ann', true]]);
    viewer.disconnect();
  });

  it('exchanges app channel data both ways', async () => {
    const transport = new AcceptorTransport(acceptorOptions(true), publicKey);
    const viewer = new RdpViewer({ crypto, transport });
    const chat = viewer.virtualChannelManager.createVirtualChannel('chat', ChannelPriority.MED, 0);
    expect(() => viewer.virtualChannelManager.createVirtualChannel('chat', ChannelPriority.MED, 0)).toThrow(/exists/);
    expect(() => viewer.virtualChannelManager.createVirtualChannel('toolongname', ChannelPriority.MED, 0)).toThrow(
      ViewerError,
    );
    const received = firstValueFrom(viewer.events.channelDataReceived$);
    await connected(transport, viewer);
    chat.sendData('hello');
    transport.acceptor?.sendChannelData('chat', Uint8Array.of(1, 2, 3));
    const message = await received;
    expect(message.channel).toBe(chat);
    expect(message.attendeeId).toBe(0);
    expect(message.data).toEqual(Uint8Array.of(1, 2, 3));
    await settle();
    expect(transport.channelData).toEqual([['chat', new Uint8Array(Buffer.from('hello', 'utf16le'))]]);
    expect(() => viewer.virtualChannelManager.createVirtualChannel('late', ChannelPriority.LO, 0)).toThrow(
      /before connect/,
    );
    viewer.disconnect();
  });

  it('follows a desktop resize', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
    const viewer = await connected(transport);
    const settings = firstValueFrom(viewer.events.sharedDesktopSettingsChanged$);
    transport.acceptor?.resize(80, 50);
    expect(await settings).toEqual({ width: 80, height: 50, colorDepth: 32 });
    expect([viewer.frameBuffer?.width, viewer.frameBuffer?.height]).toEqual([80, 50]);
    viewer.disconnect();
  });

  describe('failures end in a typed error and an event, never an unhandled rejection', () => {
    async function failure(
      transport: AcceptorTransport,
      connectionString: string,
      password = AUTH.password,
    ): Promise<{ error: ViewerError; event: unknown }> {
      const viewer = new RdpViewer({ crypto, transport });
      const event = firstValueFrom(viewer.events.connectionFailed$);
      const error = await viewer.connect(connectionString, 'Ann', password).then(
        () => {
          throw new Error('connect() resolved');
        },
        (e: ViewerError) => e,
      );
      expect(viewer.state).toBe(ViewerState.IDLE);
      return { error, event: await event };
    }

    it('a bad ticket', async () => {
      const { error, event } = await failure(new AcceptorTransport(acceptorOptions(false)), '<E><A/></E>');
      expect(error).toBeInstanceOf(ViewerError);
      expect(error.code).toBe('BAD_TICKET');
      expect(event).toEqual({ error });
    });

    it('a refused password', async () => {
      const { error } = await failure(
        new AcceptorTransport(acceptorOptions(false), publicKey),
        ticket(),
        'wrong' as typeof AUTH.password,
      );
      expect(error.code).toBe('REFUSED');
    });

    for (const tls of [false, true]) {
      it(`a sharer key that is not the invitation's (${tls ? 'TLS' : 'Standard RDP Security'})`, async () => {
        const other = invitationKeyHashes(encodeRsaPublicKey(rsaKey()), crypto);
        const transport = new AcceptorTransport(acceptorOptions(tls), publicKey);
        const { error } = await failure(transport, ticket(other));
        expect(error.code).toBe('KEY_MISMATCH');
        expect(transport.active).toBe(false);
      });
    }

    it('no address answering, after trying each in turn', async () => {
      const transport = new AcceptorTransport(acceptorOptions(false), publicKey, ['10.9.9.9', '10.9.9.10']);
      const { error } = await failure(transport, ticket({ addresses: ['10.9.9.9', '10.9.9.10'] }));
      expect(error.code).toBe('CONNECT_FAILED');
      expect(transport.attempts).toEqual(['10.9.9.9', '10.9.9.10']);
    });

    it('the first address failing and the second answering', async () => {
      const transport = new AcceptorTransport(acceptorOptions(true), publicKey, ['10.9.9.9']);
      const viewer = new RdpViewer({ crypto, transport });
      await viewer.connect(ticket({ addresses: ['10.9.9.9', '127.0.0.1'] }), 'Ann', AUTH.password);
      expect(transport.attempts).toEqual(['10.9.9.9', '127.0.0.1']);
      viewer.disconnect();
    });

    it('the sharer ending the session, the viewer leaving, a second connect', async () => {
      const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
      const viewer = await connected(transport);
      const terminated = firstValueFrom(viewer.events.connectionTerminated$);
      transport.acceptor?.disconnect(ErrorInfo.LOGON_TIMEOUT);
      expect(await terminated).toEqual({ reason: DisconnectReason.BY_SERVER, extendedInfo: ErrorInfo.LOGON_TIMEOUT });
      expect(viewer.state).toBe(ViewerState.IDLE);
      await viewer.connect(ticket(), 'Ann', AUTH.password);
      const local = firstValueFrom(viewer.events.connectionTerminated$);
      viewer.disconnect();
      expect(await local).toEqual({ reason: DisconnectReason.LOCAL_NOT_ERROR, extendedInfo: 0 });
      await expect(viewer.connect(ticket(), 'x'.repeat(256), 'pw')).rejects.toThrow(/at most 255/);
    });

    it('a dropped connection', async () => {
      const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
      const viewer = await connected(transport);
      const terminated = firstValueFrom(viewer.events.connectionTerminated$);
      transport.acceptor?.transportClosed('cable cut');
      // The in-memory pipe closes from the sharer's side, as a dropped TCP connection does.
      expect((await terminated).reason).toBe(DisconnectReason.SOCKET_CLOSED);
    });
  });
});

describe('FrameBuffer', () => {
  it('refuses a bitmap larger than the desktop before allocating for it', () => {
    const fb = new FrameBuffer(100, 80);
    const huge = {
      destLeft: 0,
      destTop: 0,
      destRight: 99,
      destBottom: 79,
      width: 65535,
      height: 65535,
      bitsPerPixel: 32,
      flags: 0,
      data: new Uint8Array(16),
    };
    expect(() => fb.applyBitmap(huge)).toThrow(/bitmap of 65535x65535/);
    expect(() => fb.applyBitmap({ ...huge, width: 104, height: 80 })).toThrow(/TS_BITMAP_DATA/);
  });
});
