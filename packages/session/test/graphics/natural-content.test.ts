import { describe, expect, it } from 'vitest';
import { DRAWN_CONTENT_COLOURS, isNaturalContent } from '../../src/graphics/natural-content.js';
import type { FramePixels } from '../../src/graphics/tile-store.js';
import { photoPixels } from './memory-screen.js';

const WIDTH = 192;
const HEIGHT = 64;

/** A 192x64 frame (three tiles side by side), pixels painted by `paint(x, y)` as 0xRRGGBB. */
function frame(paint: (x: number, y: number) => number): FramePixels {
  const data = new Uint8Array(WIDTH * HEIGHT * 4);
  const view = new DataView(data.buffer);
  for (let y = 0; y < HEIGHT; y++) {
    // The X byte is garbage in captures: it must not count as colour.
    for (let x = 0; x < WIDTH; x++) view.setUint32((y * WIDTH + x) * 4, (paint(x, y) | ((x * 37) << 24)) >>> 0, true);
  }
  return { width: WIDTH, height: HEIGHT, stride: WIDTH * 4, data };
}

const tile = (column: number) => ({ x: column * 64, y: 0, width: 64, height: 64 });

describe('isNaturalContent', () => {
  it('takes one colour, text in two and a 256-shade ramp for drawn content', () => {
    expect(
      isNaturalContent(
        frame(() => 0x3060a0),
        tile(0),
      ),
    ).toBe(false);
    const text = frame((x, y) => ((x * 7 + y * 3) % 11 < 3 ? 0x000000 : 0xffffff));
    expect(isNaturalContent(text, tile(1))).toBe(false);
    // Antialiased edges and gradients of a UI: as many shades as the limit, not one more.
    const ramp = frame((x, y) => ((x + y * 64) % DRAWN_CONTENT_COLOURS) * 0x010101);
    expect(isNaturalContent(ramp, tile(0))).toBe(false);
  });

  it('takes a photo (every pixel its own colour) and a smooth picture of many shades for natural content', () => {
    const photo: FramePixels = { width: WIDTH, height: HEIGHT, stride: WIDTH * 4, data: photoPixels(WIDTH, HEIGHT) };
    expect(isNaturalContent(photo, tile(2))).toBe(true);
    const waves = frame((x, y) => {
      const r = 128 + Math.round(90 * Math.sin(x / 9 + Math.sin(y / 7)));
      return (r << 16) | (((x * 255) / WIDTH) << 8) | (128 + Math.round(60 * Math.cos(y / 5)));
    });
    expect(isNaturalContent(waves, tile(1))).toBe(true);
  });

  it('reads only the rectangle it is given, and forgets each call’s colours', () => {
    // Left tile photo, middle tile flat: the flat one stays drawn however often the photo was counted.
    const data = photoPixels(WIDTH, HEIGHT);
    for (let y = 0; y < HEIGHT; y++) data.fill(0x40, (y * WIDTH + 64) * 4, (y * WIDTH + 128) * 4);
    const mixed: FramePixels = { width: WIDTH, height: HEIGHT, stride: WIDTH * 4, data };
    for (let i = 0; i < 3; i++) {
      expect(isNaturalContent(mixed, tile(0))).toBe(true);
      expect(isNaturalContent(mixed, tile(1))).toBe(false);
    }
  });
});
