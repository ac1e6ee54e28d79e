import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H264Encoder } from '@rdshare/native';
import {
  encodeAvc420BitmapStream,
  encodeConnectionString,
  encodeGfxPdus,
  encodePlanar,
  encodeSegmentedData,
  GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
} from '@rdshare/protocol';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { startFreerdpShadow, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpViewer } from '../../src/index.js';
import { nativeH264Decoder, nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import {
  composeGraphicsMessages,
  replayGraphicsMessages,
  replayGraphicsSession,
} from '../support/browser-gfx-replay.js';
import { bundleForBrowser, CHROMIUM_ARGS } from '../support/headless-chromium.js';
import { encodeRecording, frameBufferDigest, SessionRecorder } from '../support/session-recording.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const crypto = nodeCryptoProvider();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** The test's browser module (the viewer core from source) bundled as one script that sets `window.gfxReplay`. */
const bundle = () =>
  bundleForBrowser(
    "import * as replay from './browser-gfx-replay.ts'; globalThis.gfxReplay = replay;",
    join(import.meta.dirname, '..', 'support'),
  );

/** Synthetic graphics messages using every codec and command the viewer decodes without H.264. */
function syntheticMessages(): { messages: string[]; width: number; height: number } {
  const width = 96;
  const height = 64;
  const tile = (w: number, h: number, seed: number) =>
    new Uint8Array(w * h * 4).map((_, i) => (i * seed + (i >> 7)) & 0xff);
  const planarSrc = tile(32, 32, 13);
  const frames: GfxPdu[][] = [
    [
      { type: 'resetGraphics', width, height, monitors: [] },
      { type: 'createSurface', surfaceId: 3, width, height, pixelFormat: GfxPixelFormat.XRGB_8888 },
      { type: 'mapSurfaceToOutput', surfaceId: 3, outputOriginX: 0, outputOriginY: 0 },
    ],
    [
      { type: 'startFrame', timestamp: 0, frameId: 1 },
      {
        type: 'solidFill',
        surfaceId: 3,
        fillPixel: 0x336699,
        fillRects: [{ left: 0, top: 0, right: width, bottom: height }],
      },
      {
        type: 'wireToSurface1',
        surfaceId: 3,
        codecId: GfxCodecId.UNCOMPRESSED,
        pixelFormat: GfxPixelFormat.XRGB_8888,
        destRect: { left: 5, top: 7, right: 29, bottom: 27 },
        bitmapData: tile(24, 20, 7),
      },
      {
        type: 'wireToSurface1',
        surfaceId: 3,
        codecId: GfxCodecId.PLANAR,
        pixelFormat: GfxPixelFormat.XRGB_8888,
        destRect: { left: 40, top: 10, right: 72, bottom: 42 },
        bitmapData: encodePlanar({ data: planarSrc, stride: 128, width: 32, height: 32 }, { bottomUp: false }).data,
      },
      { type: 'endFrame', frameId: 1 },
    ],
    [
      { type: 'startFrame', timestamp: 0, frameId: 2 },
      {
        type: 'surfaceToCache',
        surfaceId: 3,
        cacheKey: 0xfeedn,
        cacheSlot: 17,
        rectSrc: { left: 40, top: 10, right: 56, bottom: 26 },
      },
      {
        type: 'cacheToSurface',
        cacheSlot: 17,
        surfaceId: 3,
        destPts: [
          { x: 0, y: 44 },
          { x: 80, y: 48 },
        ],
      },
      {
        type: 'surfaceToSurface',
        surfaceIdSrc: 3,
        surfaceIdDest: 3,
        rectSrc: { left: 0, top: 0, right: 48, bottom: 32 },
        destPts: [{ x: 20, y: 20 }],
      },
      { type: 'evictCacheEntry', cacheSlot: 17 },
      { type: 'endFrame', frameId: 2 },
    ],
  ];
  const messages = frames.map((pdus) => Buffer.from(encodeSegmentedData(encodeGfxPdus(pdus))).toString('base64'));
  return { messages, width, height };
}

/** Two AVC420 frames (a key frame over the whole surface, then a P-frame for its right half) of real H.264. */
async function avc420Messages(): Promise<{ messages: string[]; width: number; height: number; source: Uint8Array }> {
  const width = 128;
  const height = 64;
  const picture = (shift: number) => {
    const bgrx = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        bgrx.set([(x * 2 + shift) & 0xff, (y * 3) & 0xff, (x + y) & 0xff, 0], (y * width + x) * 4);
    return bgrx;
  };
  const encoder = H264Encoder.create({ width, height, frameRate: 30, bitrate: 4_000_000 });
  const output = new Uint8Array(width * height * 4);
  const frames: GfxPdu[][] = [
    [
      { type: 'resetGraphics', width, height, monitors: [] },
      { type: 'createSurface', surfaceId: 1, width, height, pixelFormat: GfxPixelFormat.XRGB_8888 },
      { type: 'mapSurfaceToOutput', surfaceId: 1, outputOriginX: 0, outputOriginY: 0 },
    ],
  ];
  const first = picture(0);
  const second = picture(60);
  const regions = [
    { left: 0, top: 0, right: width, bottom: height },
    { left: width / 2, top: 0, right: width, bottom: height },
  ];
  for (const [i, source] of [first, second].entries()) {
    const { byteLength } = await encoder.encode({ data: source, stride: width * 4 }, output);
    frames.push([
      { type: 'startFrame', timestamp: 0, frameId: i + 1 },
      {
        type: 'wireToSurface1',
        surfaceId: 1,
        codecId: GfxCodecId.AVC420,
        pixelFormat: GfxPixelFormat.XRGB_8888,
        destRect: { left: 0, top: 0, right: width, bottom: height },
        bitmapData: encodeAvc420BitmapStream({
          regionRects: [regions[i]],
          quantQualityVals: [{ qp: 22, progressive: false, qualityVal: 100 }],
          bitstream: output.slice(0, byteLength),
        }),
      },
      { type: 'endFrame', frameId: i + 1 },
    ]);
  }
  encoder.close();
  // What the screen should show: the first picture's left half, the second's right half, as RGBA.
  const source = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = x < width / 2 ? first : second;
      const i = (y * width + x) * 4;
      source.set([from[i + 2], from[i + 1], from[i], 255], i);
    }
  const messages = frames.map((pdus) => Buffer.from(encodeSegmentedData(encodeGfxPdus(pdus))).toString('base64'));
  return { messages, width, height, source };
}

/** PSNR in dB of the RGB channels of two RGBA pictures of the same size; 0 when sizes differ. */
function psnrRgb(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let squared = 0;
  for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) squared += (a[i + c] - b[i + c]) ** 2;
  const mse = squared / ((a.length / 4) * 3);
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

describe('the viewer core decodes the same graphics pipeline session to the same pixels in Node and in headless Chromium', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-gfx-chromium-'));

  beforeAll(async () => {
    const script = await bundle();
    server = createServer((req, res) => {
      if (req.url === '/replay.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/replay.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    shared = await plasmaDisplay();
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silent,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    // http://127.0.0.1 is a secure context: WebCodecs is exposed there.
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForFunction(() => 'gfxReplay' in globalThis);
  });

  afterAll(async () => {
    await context?.close();
    await session?.close();
    await shared?.stop();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Digests of a recorded session replayed in Node and in Chromium (H.264 through OpenH264 and WebCodecs). */
  async function replayInNodeAndChromium(
    recording: ReturnType<SessionRecorder['snapshot']>,
    h264: boolean,
  ): Promise<[string, string]> {
    const json = encodeRecording(recording);
    const inNode = await replayGraphicsSession(json, h264 ? nativeH264Decoder() : undefined);
    const inChromium = await page.evaluate(
      ([text, decoder]) =>
        (
          globalThis as unknown as { gfxReplay: typeof import('../support/browser-gfx-replay.js') }
        ).gfxReplay.replayGraphicsSession(text, decoder),
      [json, h264 ? 'webcodecs' : undefined] as const,
    );
    return [inNode, inChromium];
  }

  const shadowTicket = (port: number) =>
    encodeConnectionString({
      authString: '',
      transportId: 1,
      sessionId: 0,
      addresses: [{ address: '127.0.0.1', port }],
    });

  it('a recorded RDPGFX (planar) session of our sharer: the live viewer, a Node replay and a Chromium replay agree', async () => {
    const invitation = session.invitations.createInvitation({ groupName: 'rec-gfx', password: 'pw', attendeeLimit: 1 });
    const recorder = new SessionRecorder(tcpTransport());
    const viewer = new RdpViewer({
      crypto,
      transport: recorder,
      security: { tls: true, rdp: false },
      graphicsPipeline: true,
    });
    await viewer.connect(invitation.connectionString, 'rec-gfx', 'pw');
    await expectFrameBufferEqualsScreen(viewer, shared, 32);
    await viewer.graphicsIdle();
    const recording = recorder.snapshot(invitation.connectionString, 'rec-gfx', 'pw');
    const live = frameBufferDigest(viewer);
    expect(viewer.graphicsPipelineStats?.framesDecoded).toBeGreaterThan(0);
    viewer.disconnect();
    await waitFor(() => session.attendees.count === 0, 5000, 'the recording viewer to leave');

    const json = encodeRecording(recording);
    const inNode = await replayGraphicsSession(json);
    const inChromium = await page.evaluate(
      (text) =>
        (
          globalThis as unknown as { gfxReplay: typeof import('../support/browser-gfx-replay.js') }
        ).gfxReplay.replayGraphicsSession(text),
      json,
    );
    expect(inNode).toBe(live);
    expect(inChromium).toBe(live);
  });

  it('solid fill, uncompressed, planar, surface-to-surface and the cache: Node and Chromium agree', async () => {
    const { messages, width, height } = syntheticMessages();
    const inNode = await replayGraphicsMessages(messages, width, height);
    const inChromium = await page.evaluate(
      ([m, w, h]) =>
        (
          globalThis as unknown as { gfxReplay: typeof import('../support/browser-gfx-replay.js') }
        ).gfxReplay.replayGraphicsMessages(m, w, h),
      [messages, width, height] as const,
    );
    expect(inChromium).toBe(inNode);
    // Not the digest of an untouched frame: the messages drew.
    expect(inNode).not.toBe(await replayGraphicsMessages(messages.slice(0, 1), width, height));
  });

  it('AVC420: Debian Chromium decodes H.264 through WebCodecs, Node through OpenH264, both to the source picture', async () => {
    type Replay = typeof import('../support/browser-gfx-replay.js');
    expect(
      await page.evaluate(() => (globalThis as unknown as { gfxReplay: Replay }).gfxReplay.webCodecsDecodesH264()),
    ).toBe(true);
    const { messages, width, height, source } = await avc420Messages();
    const inNode = (await composeGraphicsMessages(messages, width, height, nativeH264Decoder())).data;
    const inChromium = Buffer.from(
      await page.evaluate(
        ([m, w, h]) =>
          (globalThis as unknown as { gfxReplay: Replay }).gfxReplay.replayGraphicsMessagesWithWebCodecs(m, w, h),
        [messages, width, height] as const,
      ),
      'base64',
    );
    // Lossy, and the two decoders convert YUV to RGB each their own way: the same picture, not the same bytes.
    expect(psnrRgb(source, inNode)).toBeGreaterThan(35);
    expect(psnrRgb(source, inChromium)).toBeGreaterThan(30);
    expect(psnrRgb(inNode, inChromium)).toBeGreaterThan(30);
  });

  it('AVC444 from freerdp-shadow-cli (recorded): Node (OpenH264) and Chromium (WebCodecs) show the same pixels as the live viewer', async () => {
    const display = await plasmaDisplay();
    const shadow = await startFreerdpShadow(display);
    try {
      const ticket = shadowTicket(shadow.port);
      const recorder = new SessionRecorder(tcpTransport());
      const viewer = new RdpViewer({
        crypto,
        transport: recorder,
        security: { tls: true, rdp: false },
        graphicsPipeline: true,
        h264Decoder: nativeH264Decoder(),
      });
      await viewer.connect(ticket, 'viewer', '');
      const avc444 = () =>
        (viewer.graphicsPipelineStats?.codecs.get(GfxCodecId.AVC444) ?? 0) +
        (viewer.graphicsPipelineStats?.codecs.get(GfxCodecId.AVC444V2) ?? 0);
      // Colour detail one pixel wide, where the auxiliary view matters, then still.
      // Shadow (FreeRDP 2.11) may send its first picture before the client's graphics pipeline is up, on a loaded
      // machine; a still screen then never comes as AVC444. Repainting the root every 2 s until it does is a
      // change shadow must encode.
      let pokes = 0;
      await waitFor(
        async () => {
          if (avc444() > 0) return true;
          await new Promise((resolve) => setTimeout(resolve, 2000));
          if (avc444() === 0) await display.exec('xsetroot', ['-solid', pokes++ % 2 ? '#203040' : '#405060']);
          return avc444() > 0;
        },
        30_000,
        'the first AVC444 frame',
      );
      await display.exec('xsetroot', ['-mod', '2', '2', '-fg', '#ff3020', '-bg', '#2040ff']);
      let last = -1;
      await waitFor(
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const quiet = avc444() === last;
          last = avc444();
          return quiet;
        },
        10_000,
        'shadow to stop sending',
      );
      await viewer.graphicsIdle();
      const live = frameBufferDigest(viewer);
      const recording = recorder.snapshot(ticket, 'viewer', '');
      expect(avc444()).toBeGreaterThan(1);
      viewer.disconnect();

      const [inNode, inChromium] = await replayInNodeAndChromium(recording, true);
      // H.264 decoding is exact and the views are recombined and converted by the same TypeScript: byte for byte.
      expect(inNode).toBe(live);
      expect(inChromium).toBe(live);
    } finally {
      await shadow.stop();
      await display.stop();
    }
  });

  it('RemoteFX Progressive from freerdp-shadow-cli 3 (recorded): Node and Chromium show the same pixels as the live viewer', async () => {
    const display = await plasmaDisplay();
    const shadow = await startFreerdpShadow(display, { version: 3 });
    try {
      const ticket = shadowTicket(shadow.port);
      const recorder = new SessionRecorder(tcpTransport());
      // No H.264 decoder: shadow 3 sends progressive tiles, decoded by the protocol package's TypeScript alone.
      const viewer = new RdpViewer({
        crypto,
        transport: recorder,
        security: { tls: true, rdp: false },
        graphicsPipeline: true,
      });
      await viewer.connect(ticket, 'viewer', '');
      const progressive = () => viewer.graphicsPipelineStats?.codecs.get(GfxCodecId.CAPROGRESSIVE) ?? 0;
      await display.exec('xsetroot', ['-mod', '2', '2', '-fg', '#ff3020', '-bg', '#2040ff']);
      await waitFor(() => progressive() > 0, 15_000, 'the first RemoteFX Progressive tiles');
      // Shadow 3 keeps sending tiles of the still screen, so there is no quiet moment to wait for; the tiles are
      // the same, and so are the pixels of whatever the recording holds past the live viewer's last frame.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await viewer.graphicsIdle();
      const live = frameBufferDigest(viewer);
      const recording = recorder.snapshot(ticket, 'viewer', '');
      viewer.disconnect();

      const [inNode, inChromium] = await replayInNodeAndChromium(recording, false);
      expect(inNode).toBe(live);
      expect(inChromium).toBe(live);
    } finally {
      await shadow.stop();
      await display.stop();
    }
  });
});
