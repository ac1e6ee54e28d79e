import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpViewer, type ViewerTransport } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import {
  decodeRecording,
  encodeRecording,
  frameBufferDigest,
  replaySession,
  SessionRecorder,
  type SessionRecording,
} from '../support/session-recording.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const crypto = nodeCryptoProvider();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** How long the sharer must stay quiet before an 8 bpp picture (not comparable to the screen) counts as complete. */
const QUIET_MS = 500;
let recordings = 0;

/** Records a TLS session of our sharer at `depth`, stopped once the viewer shows the whole desktop. */
async function recordSession(
  session: RdpSession,
  shared: XvfbDisplay,
  depth: 8 | 15 | 16 | 24 | 32,
): Promise<{ recording: SessionRecording; digest: string }> {
  session.colorDepth = depth;
  const invitation = session.invitations.createInvitation({
    groupName: `rec-${depth}-${++recordings}`,
    password: 'pw',
    attendeeLimit: 1,
  });
  const recorder = new SessionRecorder(tcpTransport());
  const viewer = new RdpViewer({ crypto, transport: recorder, security: { tls: true, rdp: false } });
  let lastFrame = Date.now();
  viewer.frame$.subscribe(() => {
    lastFrame = Date.now();
  });
  await viewer.connect(invitation.connectionString, `rec-${depth}`, 'pw');
  if (depth === 8) await waitFor(() => Date.now() - lastFrame > QUIET_MS, 20_000, 'the 8 bpp picture to settle');
  else await expectFrameBufferEqualsScreen(viewer, shared, depth);
  // Snapshot and digest in one turn: no byte can arrive between them.
  const recording = recorder.snapshot(invitation.connectionString, `rec-${depth}`, 'pw');
  const digest = frameBufferDigest(viewer);
  viewer.disconnect();
  await waitFor(() => session.attendees.count === 0, 5000, 'the recording viewer to leave');
  return { recording, digest };
}

const replayViewer = (transport: ViewerTransport) =>
  new RdpViewer({ crypto, transport, security: { tls: true, rdp: false } });

describe('a recorded session of our sharer replays to the same pixels (test/support/session-recording)', () => {
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

  it.each([32, 24, 16, 15, 8] as const)('at %i bpp, through its JSON form', async (depth) => {
    const { recording, digest } = await recordSession(session, shared, depth);
    expect(recording.tlsPublicKey).toBeDefined();
    const replayed = await replaySession(decodeRecording(encodeRecording(recording)), replayViewer);
    expect(replayed.desktop?.colorDepth).toBe(depth);
    expect(frameBufferDigest(replayed)).toBe(digest);
    replayed.disconnect();
  });

  it('a recording cut short replays to a different picture (the digest sees what is missing)', async () => {
    const { recording, digest } = await recordSession(session, shared, 32);
    const cut = { ...recording, chunks: recording.chunks.slice(0, Math.ceil(recording.chunks.length * 0.6)) };
    const replayed = await replaySession(cut, replayViewer);
    expect(frameBufferDigest(replayed)).not.toBe(digest);
    replayed.disconnect();
  });
});
