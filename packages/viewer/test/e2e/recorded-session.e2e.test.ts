import { join } from 'node:path';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpViewer, type ViewerTransport } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import { bundleForBrowser, CHROMIUM_ARGS } from '../support/headless-chromium.js';
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
const DEPTHS = [32, 24, 16, 15, 8] as const;
type Depth = (typeof DEPTHS)[number];
/** How long the sharer must stay quiet before an 8 bpp picture (not comparable to the screen) counts as complete. */
const QUIET_MS = 500;
let recordings = 0;

/** Records a TLS session of our sharer at `depth`, stopped once the viewer shows the whole desktop. */
async function recordSession(
  session: RdpSession,
  shared: XvfbDisplay,
  depth: Depth,
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

describe('recorded sessions of our sharer replay to the same pixels (test/support/session-recording)', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  const recorded = new Map<Depth, { recording: SessionRecording; digest: string }>();

  beforeAll(async () => {
    shared = await plasmaDisplay();
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silent,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
    for (const depth of DEPTHS) recorded.set(depth, await recordSession(session, shared, depth));
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it.each(DEPTHS)('in Node, at %i bpp, through its JSON form', async (depth) => {
    const { recording, digest } = recorded.get(depth) as { recording: SessionRecording; digest: string };
    expect(recording.tlsPublicKey).toBeDefined();
    const replayed = await replaySession(decodeRecording(encodeRecording(recording)), replayViewer);
    expect(replayed.desktop?.colorDepth).toBe(depth);
    expect(frameBufferDigest(replayed)).toBe(digest);
    replayed.disconnect();
  });

  it('a recording cut short replays to a different picture (the digest sees what is missing)', async () => {
    const { recording, digest } = recorded.get(32) as { recording: SessionRecording; digest: string };
    const cut = { ...recording, chunks: recording.chunks.slice(0, Math.ceil(recording.chunks.length * 0.6)) };
    const replayed = await replaySession(cut, replayViewer);
    expect(frameBufferDigest(replayed)).not.toBe(digest);
    replayed.disconnect();
  });

  it('in headless Chromium, a bundle of the viewer core decodes each recording to the same digest as Node', async () => {
    const bundle = await bundleForBrowser("import './replay-page.ts';", join(import.meta.dirname, '..', 'support'));
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.setContent('<!doctype html><title>rdshare replay</title>');
      await page.addScriptTag({ content: bundle });
      await page.waitForFunction(() => typeof globalThis.replayRecording === 'function');
      const digests: Record<number, string> = {};
      const expected: Record<number, string> = {};
      for (const [depth, { recording, digest }] of recorded) {
        expected[depth] = digest;
        digests[depth] = await page.evaluate((json) => globalThis.replayRecording(json), encodeRecording(recording));
      }
      expect(pageErrors).toEqual([]);
      expect(digests).toEqual(expected);
    } finally {
      await browser?.close();
    }
  }, 120_000);
});
