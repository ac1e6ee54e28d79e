import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpViewer } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('requestColorDepthChange against our sharer (RdpSession on Xvfb, TLS)', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await plasmaDisplay();
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silent,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('32 -> 16 -> 24 bpp: the frame buffer equals the shared display at each depth, the viewer stays connected', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'depth', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
    const terminated: unknown[] = [];
    const depths: number[] = [];
    viewer.events.connectionTerminated$.subscribe((e) => terminated.push(e));
    viewer.events.sharedDesktopSettingsChanged$.subscribe(({ colorDepth }) => depths.push(colorDepth));
    await viewer.connect(invitation.connectionString, 'depth-viewer', 'pw');
    try {
      await expectFrameBufferEqualsScreen(viewer, shared, 32);
      for (const depth of [16, 24] as const) {
        await viewer.requestColorDepthChange(depth);
        expect(viewer.desktop).toEqual({ width: shared.width, height: shared.height, colorDepth: depth });
        await expectFrameBufferEqualsScreen(viewer, shared, depth);
        // The invitation admits one attendee: the old connection is gone at the sharer, the new one in.
        await waitFor(() => session.attendees.count === 1, 5000, 'one attendee at the sharer');
        expect([...session.attendees].map((a) => a.remoteName)).toEqual(['depth-viewer']);
        // The viewer's own list has one self entry, the id the sharer gave the new connection, beside the host.
        const self = [...session.attendees][0];
        await waitFor(() => viewer.attendees.has(self.id), 5000, 'the sharer to greet the new connection');
        expect([...viewer.attendees.values()].filter((a) => a.isSelf).map((a) => a.id)).toEqual([self.id]);
        expect(viewer.attendees.size).toBe(2);
      }
      expect(depths).toEqual([32, 16, 24]);
      expect(terminated).toEqual([]);
    } finally {
      viewer.disconnect();
    }
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});
