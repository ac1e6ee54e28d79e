import type { XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpSession } from '../../src/index.js';
import { HEIGHT, sharedDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';

/** The RGBA pixels of a rectangle of a full-screen RGBA image, as BGRA with alpha 255. */
function bgraOf(rgba: Uint8Array, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = ((y + row) * WIDTH + x + col) * 4;
      out.set([rgba[i + 2], rgba[i + 1], rgba[i], 255], (row * w + col) * 4);
    }
  }
  return out;
}

describe('frameBuffer: the shared display as bits', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await sharedDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('needs an open session', () => {
    expect(() => session.frameBuffer.width).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it("equals ImageMagick's screenshot of the display, whole and in part, with nobody watching", async () => {
    await session.open();
    const fb = session.frameBuffer;
    expect([fb.width, fb.height, fb.bpp]).toEqual([WIDTH, HEIGHT, 32]);
    const screen = await shared.screenshot();
    expect(
      Buffer.from(await fb.getFrameBufferBits(0, 0, WIDTH, HEIGHT)).equals(bgraOf(screen, 0, 0, WIDTH, HEIGHT)),
    ).toBe(true);
    const part = await fb.getFrameBufferBits(123, 45, 67, 89);
    expect(Buffer.from(part).equals(bgraOf(screen, 123, 45, 67, 89))).toBe(true);
  });

  it('follows the screen as it changes', async () => {
    await shared.exec('xsetroot', ['-solid', '#102030']);
    const [b, g, r, a] = await session.frameBuffer.getFrameBufferBits(WIDTH - 1, HEIGHT - 1, 1, 1);
    expect([r, g, b, a]).toEqual([0x10, 0x20, 0x30, 255]);
  });

  it('refuses rectangles outside the frame buffer with INVALID_ARGUMENT', async () => {
    await expect(session.frameBuffer.getFrameBufferBits(WIDTH - 10, 0, 11, 1)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(session.frameBuffer.getFrameBufferBits(0, 0, 0, 0)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
