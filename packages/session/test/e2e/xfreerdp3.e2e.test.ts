import { decodeAvc420BitmapStream, GfxCodecId, type GfxPdu } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { avcSessionFixture } from './avc-fixture.js';
import { sentGfxPdus } from './wire-tap.js';

type WireToSurface1 = Extract<GfxPdu, { type: 'wireToSurface1' }>;

const ANIMATE_MS = 2500;

/** The AVC420 and AVC444 commands among `pdus` that draw something (a region list that is not empty). */
function drawingAvc(pdus: GfxPdu[]): WireToSurface1[] {
  return pdus.filter(
    (p): p is WireToSurface1 =>
      p.type === 'wireToSurface1' &&
      ((p.codecId === GfxCodecId.AVC420 && decodeAvc420BitmapStream(p.bitmapData).regionRects.length > 0) ||
        p.codecId === GfxCodecId.AVC444 ||
        p.codecId === GfxCodecId.AVC444V2),
  );
}

/**
 * FreeRDP 3 (xfreerdp3 3.10 from bookworm-backports: what current distributions and Remmina ship) as a viewer:
 * a second independent client beside FreeRDP 2, with its own graphics pipeline capability sets (up to 10.7), its
 * own H.264 path and its own quirks. Each way it asks for graphics, it sees the shared display pixel for pixel
 * once the motion stops.
 */
describe('xfreerdp3 (FreeRDP 3) as a viewer', () => {
  const avcSession = avcSessionFixture(0);
  const { fixture, viewers, settles } = avcSession;

  it.each([
    ['/gfx:AVC420', ['/gfx:AVC420', '/bpp:32'], 'avc420'],
    ['/gfx:AVC444', ['/gfx:AVC444', '/bpp:32'], 'avc444v2'],
    // Its default: the graphics pipeline with everything it decodes, as a ticket alone starts it.
    ['no graphics flags', [], 'avc444v2'],
  ])('%s: a moving picture arrives as H.264; stopped, the screen equals the shared display', async (_, args, avc) => {
    const { client, tap, pipeline } = await avcSession.join(viewers[0], args, 3);
    expect(pipeline.fields?.avc).toBe(avc);
    await settles(viewers[0], client);
    const from = sentGfxPdus(tap.sent()).length;
    const animation = await avcSession.animate({ fps: 30 });
    await new Promise((r) => setTimeout(r, ANIMATE_MS));
    animation.pause();
    const drawing = drawingAvc(sentGfxPdus(tap.sent()).slice(from));
    expect(drawing.length).toBeGreaterThan(10);
    const took = await settles(viewers[0], client);
    console.info(
      `xfreerdp3 ${args.join(' ') || '(no flags)'}: ${drawing.length} H.264 pictures drawing; exact ${took} ms after the stop`,
    );
    expect(client.output()).not.toMatch(/rdpgfx.*(error|failed)/i);
    expect(fixture.lines.some((l) => l.message === 'malformed graphics pipeline message')).toBe(false);
  });

  it('/gfx with AVC420 and AVC444 off: lossless planar, exact', async () => {
    const { client, tap, pipeline } = await avcSession.join(viewers[0], ['/gfx:AVC420:off,AVC444:off', '/bpp:32'], 3);
    expect(pipeline.fields?.avc).toBe('none');
    const animation = await avcSession.animate({ fps: 30 });
    await new Promise((r) => setTimeout(r, ANIMATE_MS));
    animation.pause();
    const pdus = sentGfxPdus(tap.sent());
    expect(pdus.filter((p) => p.type === 'wireToSurface1' && p.codecId === GfxCodecId.PLANAR).length).toBeGreaterThan(
      30,
    );
    expect(drawingAvc(pdus)).toHaveLength(0);
    await settles(viewers[0], client);
  });
});
