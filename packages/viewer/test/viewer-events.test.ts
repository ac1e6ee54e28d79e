import { ErrorInfo, encodeEncomspPdus, type InputEvent } from '@rdshare/protocol';
import type { EventRect } from '@rdshare/rx';
import { describe, expect, it } from 'vitest';
import { FocusDirection, KeyboardCodeType, RdpViewer, type ViewerError, ViewerState } from '../src/index.js';
import { nodeCryptoProvider } from '../src/node/index.js';
import { AcceptorTransport, AUTH } from './support/acceptor-transport.js';
import { acceptorOptions, H, publicKey, ticket, W } from './support/fixtures.js';

const crypto = nodeCryptoProvider();
const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise<void>((r) => setTimeout(r, 0));
};
const CTRL = 0x1d;
const ALT = 0x38;
const LEFT = 0x4b;
const RIGHT = 0x4d;

async function connected(transport: AcceptorTransport): Promise<RdpViewer> {
  const viewer = new RdpViewer({ crypto, transport });
  await viewer.connect(ticket(), 'Ann', AUTH.password);
  return viewer;
}

describe('focusReleased$ (OnFocusReleased): Ctrl+Alt+Left/Right hands the focus back to the app', () => {
  it('fires -1 / 1 and keeps the arrow (down and up) from the sharer; other keys and lone arrows go through', async () => {
    const input: InputEvent[] = [];
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey, [], {
      onInput: (events) => input.push(...events),
    });
    const viewer = await connected(transport);
    const directions: number[] = [];
    viewer.events.focusReleased$.subscribe(({ direction }) => directions.push(direction));
    const key = (code: number, up: boolean, extended = false) =>
      viewer.sendKeyboard(KeyboardCodeType.SCANCODE, code, up, false, extended);

    key(LEFT, false, true); // a lone arrow is the sharer's
    key(LEFT, true, true);
    key(CTRL, false);
    key(ALT, false, true); // right Alt (AltGr) counts as Alt
    key(RIGHT, false, true);
    key(RIGHT, true, true);
    key(LEFT, false, true);
    key(LEFT, true, true);
    key(LEFT, false); // numeric-keypad 4 (not extended) is not an arrow
    key(LEFT, true);
    key(ALT, true, true);
    key(CTRL, true);
    await settle();

    expect(directions).toEqual([FocusDirection.RIGHT, FocusDirection.LEFT]);
    const sent = input.map((e) => (e.type === 'scancode' ? [e.code, e.release, e.extended] : e.type));
    expect(sent).toEqual([
      [LEFT, false, true],
      [LEFT, true, true],
      [CTRL, false, false],
      [ALT, false, true],
      [LEFT, false, false],
      [LEFT, true, false],
      [ALT, true, true],
      [CTRL, true, false],
    ]);
    viewer.disconnect();
  });
});

describe('viewingSizeChanged$ (OnViewingSizeChanged): the viewed rectangle, for renderers to size their surface', () => {
  it('fires with the whole desktop when it appears and when a reactivation resizes it, not when nothing changed', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
    const viewer = new RdpViewer({ crypto, transport });
    const rects: EventRect[] = [];
    viewer.events.viewingSizeChanged$.subscribe((r) => rects.push(r));
    await viewer.connect(ticket(), 'Ann', AUTH.password);
    expect(rects).toEqual([{ left: 0, top: 0, right: W, bottom: H }]);
    transport.acceptor?.resize(80, 50);
    await settle();
    transport.acceptor?.resize(80, 50);
    await settle();
    viewer.smartSizing = true;
    expect(rects).toEqual([
      { left: 0, top: 0, right: W, bottom: H },
      { left: 0, top: 0, right: 80, bottom: 50 },
    ]);
    viewer.disconnect();
  });
});

describe('requestColorDepthChange (IRDPSRAPIViewer::RequestColorDepthChange)', () => {
  it('rejects depths RDP cannot carry and a viewer that is not connected with typed errors', async () => {
    const viewer = new RdpViewer({ crypto, transport: new AcceptorTransport(acceptorOptions(false), publicKey) });
    for (const bpp of [0, 4, 12, 30, 48, 16.5, Number.NaN])
      await expect(viewer.requestColorDepthChange(bpp)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(viewer.requestColorDepthChange(16)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('joins again at the new depth, capped by the sharer, without connectionTerminated$', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false, 24), publicKey);
    const viewer = await connected(transport);
    expect(viewer.desktop?.colorDepth).toBe(24);
    const perJoin = transport.attempts.length;
    const terminated: unknown[] = [];
    const settings: number[] = [];
    viewer.events.connectionTerminated$.subscribe((e) => terminated.push(e));
    viewer.events.sharedDesktopSettingsChanged$.subscribe((s) => settings.push(s.colorDepth));
    await viewer.requestColorDepthChange(15);
    expect(viewer.state).toBe(ViewerState.CONNECTED);
    expect(viewer.desktop).toEqual({ width: W, height: H, colorDepth: 15 });
    await viewer.requestColorDepthChange(32);
    expect(viewer.desktop?.colorDepth).toBe(24);
    expect(settings).toEqual([15, 24]);
    expect(terminated).toEqual([]);
    expect(transport.attempts).toHaveLength(3 * perJoin);
    viewer.disconnect();
    expect(terminated).toHaveLength(1);
  });

  it('the attendee list follows the rejoin: the old self entry goes, the new one comes, those gone meanwhile go', async () => {
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey);
    const viewer = await connected(transport);
    const events: string[] = [];
    viewer.events.attendeeConnected$.subscribe(({ attendee }) => events.push(`connected ${attendee.id}`));
    viewer.events.attendeeUpdate$.subscribe(({ attendee }) => events.push(`update ${attendee.id}`));
    viewer.events.attendeeDisconnected$.subscribe(({ info }) => events.push(`left ${info.attendee.id}`));
    const greet = (self: number, others: number[]) =>
      transport.acceptor?.sendChannelData(
        'encomsp',
        encodeEncomspPdus([
          { type: 'participantCreated', participantId: self, groupId: 1, flags: 5, friendlyName: 'Ann' },
          ...others.map((id) => ({
            type: 'participantCreated' as const,
            participantId: id,
            groupId: id === 0 ? 0 : 1,
            flags: 1,
            friendlyName: `p${id}`,
          })),
        ]),
      );
    const roster = () => [...viewer.attendees.values()].map((a) => [a.id, a.isSelf]).sort();
    greet(7, [0, 8, 9]);
    await settle();
    expect(roster()).toEqual([
      [0, false],
      [7, true],
      [8, false],
      [9, false],
    ]);
    await viewer.requestColorDepthChange(16);
    // The sharer saw Ann leave and greets her new connection as participant 10; 9 left in between.
    greet(10, [0, 8]);
    await settle();
    expect(roster()).toEqual([
      [0, false],
      [10, true],
      [8, false],
    ]);
    expect(viewer.attendees.get(10)?.remoteName).toBe('Ann');
    expect(events).toEqual([
      'connected 7',
      'connected 0',
      'connected 8',
      'connected 9',
      'left 7',
      'connected 10',
      'update 0',
      'update 8',
      'left 9',
    ]);
    viewer.disconnect();
    await settle();
    expect(viewer.attendees.size).toBe(0);
  });

  it('a sharer that refuses the new connection ends the viewer with connectionTerminated$ and a typed error', async () => {
    let admitted = 0;
    const transport = new AcceptorTransport(acceptorOptions(false), publicKey, [], {
      authenticate: () =>
        admitted++ === 0
          ? { accept: true }
          : { accept: false, errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES, reason: 'limit reached' },
    });
    const viewer = await connected(transport);
    const terminated: { reason: number }[] = [];
    viewer.events.connectionTerminated$.subscribe((e) => terminated.push(e));
    const error = (await viewer.requestColorDepthChange(16).catch((e: unknown) => e)) as ViewerError;
    expect(error.code).toBe('REFUSED');
    expect(viewer.state).toBe(ViewerState.IDLE);
    expect(terminated).toEqual([{ reason: 3, extendedInfo: 0 }]);
  });
});
