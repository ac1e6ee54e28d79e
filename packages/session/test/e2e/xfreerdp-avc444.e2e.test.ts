import { Avc444Lc, decodeAvc444BitmapStream, GfxCodecId, type GfxPdu } from '@rdshare/protocol';
import { type Animation, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { avcSessionFixture } from './avc-fixture.js';
import { HEIGHT, WIDTH } from './fixtures.js';
import { sentGfxPdus } from './wire-tap.js';

type WireToSurface1 = Extract<GfxPdu, { type: 'wireToSurface1' }>;

const wireToSurface = (pdus: GfxPdu[]) => pdus.filter((p): p is WireToSurface1 => p.type === 'wireToSurface1');
const codecsOf = (pdus: GfxPdu[]) => new Set(wireToSurface(pdus).map((p) => p.codecId));

/** The tile size of the sharer's store: lossy pictures cover whole tiles. */
const TILE = 64;
/**
 * xfreerdp's `/gfx:...,mask:` bits of the capability sets it leaves out, one per set in its list (8.0, 8.1, 10.0,
 * 10.1, ...): these are 10.1 and every later one.
 */
const CAPS_ABOVE_10_0 = '0x7f8';
/** How long the sharer's CPU and bytes are measured while the square moves. */
const MEASURE_MS = 3000;
/** Below this luma PSNR the viewer's square is not where the shared one is. */
const MISPLACED_LUMA_PSNR = 25;
/** The animation's moving square: stripes 8 pixels wide of changing colour, framed in white. */
const BOX = 192;

/** Where the moving square is on an RGBA screen: the top left of its white frame (a row of BOX white pixels). */
function findBox(screen: Uint8Array): { x: number; y: number } | undefined {
  for (let y = 0; y + BOX <= HEIGHT; y++) {
    let run = 0;
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 4;
      run = screen[i] === 255 && screen[i + 1] === 255 && screen[i + 2] === 255 ? run + 1 : 0;
      if (run === BOX) return { x: x - BOX + 1, y };
    }
  }
  return undefined;
}

/**
 * How faithfully a viewer shows the moving square (its coloured stripes are sharp chroma edges, what 4:2:0 blurs):
 * PSNR of luma and of chroma (BT.709 Y, Cb, Cr from RGB) inside its frame.
 */
function fidelity(expected: Uint8Array, actual: Uint8Array): { luma: number; chroma: number } | undefined {
  const box = findBox(expected);
  // At an even column its 8-pixel stripes fill whole 2x2 chroma blocks, which 4:2:0 codes without loss.
  if (!box || box.x % 2 === 0) return undefined;
  let lumaSquares = 0;
  let chromaSquares = 0;
  let pixels = 0;
  for (let y = box.y + 2; y < box.y + BOX - 2; y++) {
    for (let x = box.x + 2; x < box.x + BOX - 2; x++) {
      const i = (y * WIDTH + x) * 4;
      const dr = expected[i] - actual[i];
      const dg = expected[i + 1] - actual[i + 1];
      const db = expected[i + 2] - actual[i + 2];
      const dy = 0.2126 * dr + 0.7152 * dg + 0.0722 * db;
      const dcb = -0.1146 * dr - 0.3854 * dg + 0.5 * db;
      const dcr = 0.5 * dr - 0.4542 * dg - 0.0458 * db;
      lumaSquares += dy * dy;
      chromaSquares += (dcb * dcb + dcr * dcr) / 2;
      pixels++;
    }
  }
  const psnr = (squares: number) =>
    squares === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255 * pixels) / squares);
  return { luma: psnr(lumaSquares), chroma: psnr(chromaSquares) };
}

describe('xfreerdp with AVC444 (/gfx:AVC444): motion in full colour from one shared encoder, exact once still', () => {
  const avcSession = avcSessionFixture(2);
  const { fixture, viewers, running, settles } = avcSession;
  /** Chroma PSNR during motion, by viewer flags (the AVC420 run first). */
  const chroma = new Map<string, number>();

  /** Joins like the fixture, with xfreerdp logging the graphics pipeline's H.264 metablocks it parsed. */
  const join = (viewer: XvfbDisplay, args: string[]) =>
    avcSession.join(viewer, [...args, '/bpp:32', '/log-filters:com.freerdp.channels.rdpgfx.client:DEBUG']);

  // An odd speed puts the square at an odd column every other frame.
  const animate = () => avcSession.animate({ fps: 30, speed: 7 });

  /**
   * The viewer's fidelity while the picture moves: the animation is frozen for a moment, shorter than the
   * 300 ms after which still tiles are refined losslessly, and the screens compared; the best of the first three
   * looks that catch the square at an odd column (a look may also catch an access unit still on its way).
   */
  async function fidelityInMotion(viewer: XvfbDisplay, animation: Animation) {
    const looks: { luma: number; chroma: number }[] = [];
    for (let i = 0; i < 12 && looks.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 500 + 33 * i));
      animation.pause();
      await new Promise((r) => setTimeout(r, 120));
      const actual = await viewer.screenshot();
      const expected = await fixture.shared.screenshot();
      animation.resume();
      const look = fidelity(expected, actual);
      // A look whose luma is this far off caught the viewer's square elsewhere (an access unit on its way).
      if (look && look.luma > MISPLACED_LUMA_PSNR) looks.push(look);
    }
    expect(looks.length).toBeGreaterThan(0);
    return looks.reduce((best, look) => (look.chroma > best.chroma ? look : best));
  }

  it.each([
    ['/gfx:AVC420', GfxCodecId.AVC420],
    ['/gfx:AVC444', GfxCodecId.AVC444V2],
    // Capability sets 10.1 to 10.7 filtered out: a 10.0 client gets the original layout.
    [`/gfx:AVC444,mask:${CAPS_ABOVE_10_0}`, GfxCodecId.AVC444],
  ])(
    '%s: motion arrives as its H.264 format; stopped, the screen equals the shared display exactly',
    async (flag, codec) => {
      const { client, tap } = await join(viewers[0], [flag]);
      await settles(viewers[0], client);
      const animation = await animate();
      // The sharer's cost while the square moves: its CPU (this process: the session and its encoder threads) and
      // the bytes sent, over 3 s of uninterrupted motion.
      await new Promise((r) => setTimeout(r, 500));
      const cpuFrom = process.cpuUsage();
      const bytesFrom = tap.sent().byteLength;
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const cpu = process.cpuUsage(cpuFrom);
      const cpuShare = (cpu.user + cpu.system) / 1000 / MEASURE_MS;
      const bytesPerSecond = ((tap.sent().byteLength - bytesFrom) * 1000) / MEASURE_MS;
      const look = await fidelityInMotion(viewers[0], animation);
      animation.pause();
      const pdus = sentGfxPdus(tap.sent());
      const avc = wireToSurface(pdus).filter((p) => p.codecId === codec);
      expect(avc.length).toBeGreaterThan(10);
      // Only planar besides this viewer's H.264 format: AVC444 never reaches the AVC420 viewer, AVC420 never the other.
      expect(codecsOf(pdus)).toEqual(new Set([GfxCodecId.PLANAR, codec]));
      if (codec !== GfxCodecId.AVC420) {
        for (const command of avc) {
          const stream = decodeAvc444BitmapStream(command.bitmapData);
          // Both views in every access unit, the same regions in each, one tile row high.
          expect(stream.lc).toBe(Avc444Lc.LUMA_AND_CHROMA);
          if (stream.lc !== Avc444Lc.LUMA_AND_CHROMA) continue;
          expect(stream.auxiliary.regionRects).toEqual(stream.main.regionRects);
          for (const r of stream.main.regionRects) expect(r.bottom - r.top).toBeLessThanOrEqual(TILE);
        }
        // xfreerdp parsed each access unit's two metablocks (its rdpgfx debug log) and reported no decoding failure.
        expect(client.output()).toMatch(/H264_METABLOCK/);
        expect(client.output()).not.toMatch(/avc444_decompress failure/);
      }
      chroma.set(flag, look.chroma);
      console.info(
        `${flag}: ${avc.length} access units; the moving square: luma ${look.luma.toFixed(1)} dB, chroma ${look.chroma.toFixed(1)} dB; sharer CPU ${Math.round(cpuShare * 100)} % of a core, ${Math.round(bytesPerSecond / 1000)} kB/s`,
      );
      await settles(viewers[0], client);
      expect(fixture.lines.some((l) => l.message === 'malformed graphics pipeline message')).toBe(false);
    },
  );

  it('AVC444v2 shows the moving colours more faithfully than AVC420 (same animation)', () => {
    const avc420 = chroma.get('/gfx:AVC420');
    expect(avc420).toBeDefined();
    expect(chroma.get('/gfx:AVC444')).toBeGreaterThan(avc420! + 2);
    // v1 is decoded too (its access units above draw, and the screen settles exact), but how close xfreerdp 2.11
    // shows its colours varies from run to run here (30.0 to 35.5 dB; AVC420's 30.8 to 35.4), so a comparison
    // with AVC420's run fails by chance: asserted is a floor under every run seen. Only a client whose newest set
    // is 10.0 gets v1.
    expect(chroma.get(`/gfx:AVC444,mask:${CAPS_ABOVE_10_0}`)).toBeGreaterThan(28);
  });

  it('AVC444, AVC420 and lossless viewers of one session each get their own stream, all exact once still', async () => {
    const full = await join(viewers[0], ['/gfx:AVC444']);
    const half = await join(viewers[1], ['/gfx:AVC420']);
    const lossless = await join(viewers[2], ['/gfx:RFX']);
    const animation = await animate();
    await new Promise((r) => setTimeout(r, 3000));
    animation.pause();
    await settles(viewers[0], full.client);
    await settles(viewers[1], half.client);
    await settles(viewers[2], lossless.client);
    expect(codecsOf(sentGfxPdus(full.tap.sent()))).toEqual(new Set([GfxCodecId.PLANAR, GfxCodecId.AVC444V2]));
    expect(codecsOf(sentGfxPdus(half.tap.sent()))).toEqual(new Set([GfxCodecId.PLANAR, GfxCodecId.AVC420]));
    expect(codecsOf(sentGfxPdus(lossless.tap.sent()))).toEqual(new Set([GfxCodecId.PLANAR]));
    const closed = () => fixture.lines.filter((l) => l.message === 'H.264 encoder closed');
    const before = closed().length;
    for (const r of running.splice(0).reverse()) await r.stop();
    await waitFor(() => closed().length >= before + 2, 10_000, 'both shared encoders to close');
    // One encoder per format, each encoding for its viewer.
    const formats = closed()
      .slice(before)
      .map((l) => (l.fields as { format: string; encodes: number }).format)
      .sort();
    expect(formats).toEqual(['avc420', 'avc444v2']);
    for (const line of closed().slice(before)) expect((line.fields as { encodes: number }).encodes).toBeGreaterThan(10);
  });
});
