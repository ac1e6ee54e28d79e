import {
  type BitmapData,
  BitmapDataFlags,
  type BitmapSource,
  type EncodedBitmap,
  encodeInterleaved,
  encodePlanar,
  encodeRaw,
} from '@rdshare/protocol';
import { expect, it } from 'vitest';
import { FrameBuffer } from '../src/index.js';

// Decode throughput of each bitmap codec into the viewer's frame buffer, beside a plain copy of the same bytes
// in the same run. A 1280x800 desktop-like frame (smooth gradients, text-like noise bands) in 64x64 tiles, as
// sharers send it; one pass decodes every tile into the RGBA frame: 4 096 000 bytes of pixels. MB/s counts
// those output bytes (10^6 bytes per MB), for the decoders and for the copy alike.
const WIDTH = 1280;
const HEIGHT = 800;
const TILE = 64;
const FRAME_BYTES = WIDTH * HEIGHT * 4;
/** Each measurement runs this long after a warm-up; the copy is measured before and after each codec. */
const MEASURE_MS = 1000;
const WARMUP_PASSES = 3;

const frame = new Uint8Array(FRAME_BYTES);
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

function tiles(encode: (src: BitmapSource) => EncodedBitmap, compressed: boolean): BitmapData[] {
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

const paths: [string, BitmapData[]][] = [
  ['planar 32 bpp', tiles((s) => encodePlanar(s), true)],
  ['interleaved 24 bpp', tiles((s) => encodeInterleaved(s, { bpp: 24 }), true)],
  ['interleaved 16 bpp', tiles((s) => encodeInterleaved(s, { bpp: 16 }), true)],
  ['interleaved 15 bpp', tiles((s) => encodeInterleaved(s, { bpp: 15 }), true)],
  ['interleaved 8 bpp', tiles((s) => encodeInterleaved(s, { bpp: 8 }), true)],
  ['raw 32 bpp', tiles((s) => encodeRaw(s, { bpp: 32 }), false)],
  ['raw 16 bpp', tiles((s) => encodeRaw(s, { bpp: 16 }), false)],
];

/** MB/s of `pass`, which moves `bytes` bytes each call. */
function throughput(pass: () => void, bytes: number): number {
  for (let i = 0; i < WARMUP_PASSES; i++) pass();
  let passes = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    pass();
    passes++;
    elapsed = performance.now() - start;
  }
  return (passes * bytes) / (elapsed / 1000) / 1e6;
}

it('decodes each codec into the frame buffer; MB/s beside a plain copy of the frame', () => {
  const fb = new FrameBuffer(WIDTH, HEIGHT);
  const copy = new Uint8Array(FRAME_BYTES);
  const copyPass = () => copy.set(frame);
  const rows: string[] = [];
  for (const [name, rects] of paths) {
    const before = throughput(copyPass, FRAME_BYTES);
    const decode = throughput(() => {
      for (const rect of rects) fb.applyBitmap(rect);
    }, FRAME_BYTES);
    const baseline = (before + throughput(copyPass, FRAME_BYTES)) / 2;
    const wire = rects.reduce((n, r) => n + r.data.byteLength, 0);
    expect(decode).toBeGreaterThan(0);
    rows.push(
      `| ${name} | ${(wire / 1024).toFixed(0)} KiB | ${decode.toFixed(0)} | ${baseline.toFixed(0)} | ${((decode / baseline) * 100).toFixed(1)} % |`,
    );
  }
  console.log(
    [
      `viewer decode throughput, 1280x800 frame in 64x64 tiles (${FRAME_BYTES} RGBA bytes per pass)`,
      '| codec | encoded frame | decode MB/s | plain copy MB/s | decode / copy |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
}, 120_000);
