import {
  type BitmapData,
  BitmapDataFlags,
  type EncodedBitmap,
  encodeInterleaved,
  encodePlanar,
  encodeRaw,
} from '@rdshare/protocol';
import { bench, describe } from 'vitest';
import { FrameBuffer } from '../src/index.js';

// A 1280x800 desktop-like frame (smooth gradients, text-like noise bands) in 64x64 tiles, as sharers send it;
// each iteration decodes every tile into the viewer's RGBA frame buffer: 4 000 KiB of pixels.
// MB/s = hz * 4.096. The plain copy of the same bytes in each group is the baseline vitest compares against.
const WIDTH = 1280;
const HEIGHT = 800;
const TILE = 64;
const frame = new Uint8Array(WIDTH * HEIGHT * 4);
for (let y = 0; y < HEIGHT; y++) {
  for (let x = 0; x < WIDTH; x++) {
    const i = (y * WIDTH + x) * 4;
    const text = (y >> 4) % 3 === 0 && ((x * 7 + y * 13) & 15) < 5;
    frame[i] = text ? 0 : (x >> 3) & 0xff;
    frame[i + 1] = text ? 0 : (y >> 2) & 0xff;
    frame[i + 2] = text ? 0 : 0x80;
    frame[i + 3] = 0xff;
  }
}

function tiles(encode: (src: Parameters<typeof encodePlanar>[0]) => EncodedBitmap, compressed: boolean): BitmapData[] {
  const rects: BitmapData[] = [];
  for (let y = 0; y < HEIGHT; y += TILE) {
    for (let x = 0; x < WIDTH; x += TILE) {
      const width = Math.min(TILE, WIDTH - x);
      const height = Math.min(TILE, HEIGHT - y);
      const bitmap = encode({ data: frame, stride: WIDTH * 4, x, y, width, height });
      rects.push({
        destLeft: x,
        destTop: y,
        destRight: x + width - 1,
        destBottom: y + height - 1,
        width: bitmap.width,
        height: bitmap.height,
        bitsPerPixel: bitmap.bpp,
        flags: compressed ? BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR : 0,
        data: bitmap.data,
      });
    }
  }
  return rects;
}

const paths = {
  'planar 32 bpp': tiles((s) => encodePlanar(s), true),
  'interleaved 16 bpp': tiles((s) => encodeInterleaved(s, { bpp: 16 }), true),
  'raw 32 bpp': tiles((s) => encodeRaw(s, { bpp: 32 }), false),
};
const fb = new FrameBuffer(WIDTH, HEIGHT);
const copy = new Uint8Array(frame.length);

for (const [name, rects] of Object.entries(paths)) {
  describe(`viewer frame buffer, ${name}, 1280x800 in 64x64 tiles`, () => {
    bench('plain copy of the frame (baseline)', () => {
      copy.set(frame);
    });
    bench(`decode ${name} into the RGBA frame buffer`, () => {
      for (const rect of rects) fb.applyBitmap(rect);
    });
  });
}
