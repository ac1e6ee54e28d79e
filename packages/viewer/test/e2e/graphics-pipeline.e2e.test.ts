import { encodeConnectionString, GfxCapsFlags, GfxCapsVersion, GfxCodecId } from '@rdshare/protocol';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { type FreerdpShadow, startFreerdpShadow, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpViewer } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const crypto = nodeCryptoProvider();
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('RdpViewer with the graphics pipeline against our sharer (RdpSession on Xvfb, real TCP and TLS)', () => {
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

  it('planar frames over RDPGFX: the frame buffer equals the shared display, then follows a change; frames are acknowledged', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'gfx', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport(), graphicsPipeline: true });
    await viewer.connect(invitation.connectionString, 'gfx-viewer', 'pw');
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    const stats = viewer.graphicsPipelineStats;
    expect(stats?.capsConfirmed).toBeDefined();
    expect(stats?.codecs.get(GfxCodecId.PLANAR)).toBeGreaterThan(0);
    const before = stats?.framesDecoded ?? 0;
    expect(before).toBeGreaterThan(0);

    await shared.exec('xsetroot', ['-solid', '#2a6f3b']);
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    expect(viewer.graphicsPipelineStats?.framesDecoded).toBeGreaterThan(before);
    const terminated = firstValueFrom(viewer.events.connectionTerminated$);
    viewer.disconnect();
    expect((await terminated).reason).toBe(1);
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('a viewer that does not ask for the pipeline still gets bitmap updates', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'bmp', password: 'pw', attendeeLimit: 1 });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
    await viewer.connect(invitation.connectionString, 'bitmap-viewer', 'pw');
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    expect(viewer.graphicsPipelineStats).toBeUndefined();
    viewer.disconnect();
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });
});

describe('RdpViewer with the graphics pipeline against freerdp-shadow-cli', () => {
  let shared: XvfbDisplay;
  let shadow: FreerdpShadow;

  beforeAll(async () => {
    shared = await plasmaDisplay();
    shadow = await startFreerdpShadow(shared);
  });

  afterAll(async () => {
    await shadow?.stop();
    await shared?.stop();
  });

  // freerdp-shadow-cli 2.11 draws on a graphics surface only with H.264 (its surface path starts with
  // `GfxH264`); with AVC disabled it confirms the pipeline and goes on with bitmap updates.
  it('negotiates RDPGFX without AVC (shadow confirms 10.7) and keeps showing the display pixel for pixel', async () => {
    const ticket = encodeConnectionString({
      authString: '',
      transportId: 1,
      sessionId: 0,
      addresses: [{ address: '127.0.0.1', port: shadow.port }],
    });
    const viewer = new RdpViewer({
      crypto,
      transport: tcpTransport(),
      security: { tls: true, rdp: false },
      graphicsPipeline: true,
    });
    await viewer.connect(ticket, 'viewer', '');
    await waitFor(() => viewer.graphicsPipelineStats?.capsConfirmed, 10_000, 'shadow to confirm capabilities');
    expect(viewer.graphicsPipelineStats?.capsConfirmed).toEqual({
      version: GfxCapsVersion.VERSION107,
      flags: GfxCapsFlags.SMALL_CACHE | GfxCapsFlags.AVC_DISABLED | GfxCapsFlags.SCALEDMAP_DISABLE,
    });
    await shared.exec('xsetroot', ['-solid', '#7a1f5c']);
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    viewer.disconnect();
  });
});
