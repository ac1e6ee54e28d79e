import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkCompressionFlag, type GfxPdu } from '@rdshare/protocol';
import { diffRgba, startXfreerdp, waitFor, type XfreerdpViewer, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';
import { sentCompressionFlags, sentGfxPdus, sentOrders, startWireTap, viaTap, type WireTap } from './wire-tap.js';

/**
 * The lossless graphics pipeline against real xfreerdp, read on the wire: scrolls go as surface-to-surface
 * copies, one-colour areas as solid fills, content that comes back from the client's cache, and after each the
 * viewer's screen equals the shared one pixel for pixel. A second xfreerdp on bitmap updates watches the same
 * session and gets the same as drawing orders: scrolls as ScrBlt, content that comes back as MemBlt from its
 * revision 2 bitmap cache, all of it MPPC bulk-compressed.
 */
describe('xfreerdp /gfx lossless and bitmap updates: scroll copies, solid fills and the bitmap caches', () => {
  let shared: XvfbDisplay;
  let gfxScreen: XvfbDisplay;
  let bitmapScreen: XvfbDisplay;
  let session: RdpSession;
  let gfxTap: WireTap;
  let bitmapTap: WireTap;
  let gfxClient: XfreerdpViewer;
  let bitmapClient: XfreerdpViewer;
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const images = mkdtempSync(join(tmpdir(), 'rdshare-gfx-lossless-'));

  beforeAll(async () => {
    shared = await sharedDisplay();
    gfxScreen = await viewerDisplay();
    bitmapScreen = await viewerDisplay();
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    await session.open();
    gfxTap = await startWireTap({ host: '127.0.0.1', port: session.port });
    bitmapTap = await startWireTap({ host: '127.0.0.1', port: session.port });
    const invitation = session.invitations.createInvitation({ groupName: 'g', password: 'pw-1', attendeeLimit: 2 });
    // /gfx:RFX offers no H.264, so everything the pipeline sends is lossless.
    gfxClient = startXfreerdp({
      display: gfxScreen,
      connectionString: viaTap(invitation.connectionString, gfxTap),
      password: 'pw-1',
      name: 'gfx',
      args: ['/gfx:RFX', '/bpp:32', '/sec:tls'],
    });
    bitmapClient = startXfreerdp({
      display: bitmapScreen,
      connectionString: viaTap(invitation.connectionString, bitmapTap),
      password: 'pw-1',
      name: 'bitmap',
      // xfreerdp 2.11 negotiates MemBlt only with its bitmap cache on (Windows clients have it on by default).
      args: ['/bpp:32', '/sec:tls', '+bitmap-cache'],
    });
    await waitFor(() => lines.some((l) => l.message === 'graphics pipeline ready'), 30_000, 'the pipeline').catch(
      (error) => {
        throw new Error(`${error.message}\n${gfxClient.output()}`);
      },
    );
    await settled();
  }, 90_000);

  afterAll(async () => {
    await gfxClient?.stop();
    await bitmapClient?.stop();
    await session?.close();
    await gfxTap?.close();
    await bitmapTap?.close();
    await gfxScreen?.stop();
    await bitmapScreen?.stop();
    await shared?.stop();
  });

  /** Waits until both viewers show exactly the shared display. */
  async function settled(): Promise<void> {
    for (const [screen, client] of [
      [gfxScreen, gfxClient],
      [bitmapScreen, bitmapClient],
    ] as const) {
      await waitFor(
        async () => diffRgba(await shared.screenshot(), await screen.screenshot(), WIDTH, HEIGHT).differing === 0,
        45_000,
        'the viewer to show the shared display',
      ).catch(async (error) => {
        const diff = diffRgba(await shared.screenshot(), await screen.screenshot(), WIDTH, HEIGHT);
        throw new Error(`${error.message}: ${diff.differing} pixels differ, first ${JSON.stringify(diff.first)}
${client.output()}`);
      });
    }
  }

  /**
   * What the sharer sent each viewer from now on: bytes on the wire, the pipeline's PDUs and the bitmap viewer's
   * drawing orders.
   */
  function mark() {
    const gfxStart = gfxTap.sent().byteLength;
    const bitmapStart = bitmapTap.sent().byteLength;
    const pdusStart = sentGfxPdus(gfxTap.sent()).length;
    const ordersStart = sentOrders(bitmapTap.sent()).length;
    return {
      gfxBytes: () => gfxTap.sent().byteLength - gfxStart,
      bitmapBytes: () => bitmapTap.sent().byteLength - bitmapStart,
      pdus: (): GfxPdu[] => sentGfxPdus(gfxTap.sent()).slice(pdusStart),
      orders: () => sentOrders(bitmapTap.sent()).slice(ordersStart),
    };
  }
  const count = <T extends { type: string }>(items: T[], type: T['type']) =>
    items.filter((p) => p.type === type).length;

  it('sends a terminal scrolling line by line as copies to both viewers', async () => {
    const since = mark();
    // The fixed font (6x13) fills the display; xterm scrolls with XCopyArea, as every terminal does. Lines come
    // at about ten a second, a log being followed, so both viewers keep up with every line and the bytes compare
    // like for like (output at full speed moves a whole screen between two captures: every pixel is new anyway).
    const done = join(images, 'scrolled');
    const text = `for i in $(seq 1 150); do echo "line $i: the quick brown fox jumps over the lazy dog"; sleep 0.1; done
touch ${done}; sleep 600`;
    const xterm = shared.spawn('xterm', ['-geometry', '105x36+0+0', '-e', 'sh', '-c', text]);
    try {
      await waitFor(() => existsSync(done), 120_000, 'the terminal to print every line');
      await settled();
      const pdus = since.pdus();
      const copies = count(pdus, 'surfaceToSurface');
      const scrBlts = count(since.orders(), 'scrBlt');
      const figures = { copies, scrBlts, gfxBytes: since.gfxBytes(), bitmapBytes: since.bitmapBytes() };
      console.info('150 lines scrolling in a full-screen xterm', figures);
      // Lines come at ten a second and the capture runs at thirty: nearly every line is a copy of its own.
      expect(copies).toBeGreaterThan(50);
      expect(scrBlts).toBeGreaterThan(50);
      // xfreerdp asks for bulk compression: the bitmap viewer's updates went MPPC-compressed (and it decoded them
      // to the right pixels, as settled() checks).
      const compressed = sentCompressionFlags(bitmapTap.sent()).filter(
        (flags) => flags !== undefined && flags & BulkCompressionFlag.PACKET_COMPRESSED,
      );
      expect(compressed.length).toBeGreaterThan(50);
      expect(lines.some((l) => l.message === 'malformed graphics pipeline message')).toBe(false);
    } finally {
      xterm.kill();
    }
    await settled();
  }, 180_000);

  it('fills a one-colour desktop with solid fills and no pixels', async () => {
    const since = mark();
    await shared.exec('xsetroot', ['-solid', '#2080c0']);
    await settled();
    const pdus = since.pdus();
    expect(count(pdus, 'solidFill')).toBeGreaterThan(0);
    expect(pdus.find((p) => p.type === 'solidFill')).toMatchObject({ fillPixel: 0xff2080c0 });
    expect(count(pdus, 'wireToSurface1')).toBe(0);
  }, 120_000);

  it('draws pictures that come back from the client cache, pixel for pixel', async () => {
    const pictures = ['a', 'b'].map((name, i) => {
      const file = join(images, `${name}.png`);
      execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', String(31 + i), file]);
      return file;
    });
    const show = async (file: string) => {
      // ImageMagick's `display -window root` sets the root background and then exits with status 1.
      await shared.exec('display', ['-window', 'root', file]).catch(() => undefined);
      await settled();
    };
    await show(pictures[0]);
    await show(pictures[1]);
    const since = mark();
    for (const file of [...pictures, ...pictures]) await show(file);
    const pdus = since.pdus();
    const orders = since.orders();
    const tiles = Math.ceil(WIDTH / 64) * Math.ceil(HEIGHT / 64);
    const figures = {
      cacheToSurface: count(pdus, 'cacheToSurface'),
      memBlt: count(orders, 'memBlt'),
      cacheBitmapRev2: count(orders, 'cacheBitmapRev2'),
      bitmapBytes: since.bitmapBytes(),
      tiles,
    };
    console.info('alternating pictures, cache hits', figures);
    expect(figures.cacheToSurface).toBeGreaterThanOrEqual(4 * tiles * 0.9);
    expect(count(pdus, 'wireToSurface1')).toBeLessThan(tiles * 0.1);
    // The bitmap viewer draws every tile from its cache, which the first two pictures filled: 21 bytes a tile.
    expect(figures.memBlt).toBeGreaterThanOrEqual(4 * tiles * 0.9);
    expect(figures.cacheBitmapRev2).toBeLessThan(tiles * 0.1);
    expect(figures.bitmapBytes).toBeLessThan(4 * tiles * 200);
  }, 180_000);
});
