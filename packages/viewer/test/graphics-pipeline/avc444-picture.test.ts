import { describe, expect, it } from 'vitest';
import { Avc444Picture, type Avc444Version } from '../../src/graphics-pipeline/avc444-picture.js';
import type { H264Planes } from '../../src/graphics-pipeline/h264-decoder.js';
import { prng } from '../support/prng.js';

const W = 32;
const H = 32;

/** A 4:2:0 picture's planes, tightly packed. */
function planes(width: number, height: number): H264Planes {
  return {
    width,
    height,
    y: new Uint8Array(width * height),
    u: new Uint8Array((width / 2) * (height / 2)),
    v: new Uint8Array((width / 2) * (height / 2)),
    yStride: width,
    uvStride: width / 2,
  };
}

/**
 * Packs a YUV444 picture into the two views as MS-RDPEGFX 3.3.8.3.2 (v1) and 3.3.8.3.3 (v2) lay them out, written
 * from the spec's block descriptions (B1 to B9) independently of the viewer's code. Each 2x2 block's chroma is
 * chosen so its mean is whole: the main view's rounding then loses nothing and the picture comes back exactly.
 */
function split(y: Uint8Array, u: Uint8Array, v: Uint8Array, version: Avc444Version): [H264Planes, H264Planes] {
  const main = planes(W, H);
  const aux = planes(W, H);
  main.y.set(y);
  for (let by = 0; by < H / 2; by++) {
    for (let bx = 0; bx < W / 2; bx++) {
      const at = 2 * by * W + 2 * bx;
      const mean = (p: Uint8Array) => (p[at] + p[at + 1] + p[at + W] + p[at + W + 1]) / 4;
      main.u[by * (W / 2) + bx] = mean(u);
      main.v[by * (W / 2) + bx] = mean(v);
    }
  }
  for (let row = 0; row < H; row++) {
    for (let x = 0; x < W; x++) {
      const at = row * W + x;
      if (version === 1) {
        // B4/B5: odd rows of U then V, 8 rows each per 16 rows of the auxiliary luma; B6/B7: odd columns of even rows.
        if (row % 2 === 1) {
          const block = Math.floor(row / 16) * 16;
          const i = ((row % 16) - 1) / 2;
          aux.y[(block + i) * W + x] = u[at];
          aux.y[(block + 8 + i) * W + x] = v[at];
        } else if (x % 2 === 1) {
          aux.u[(row / 2) * (W / 2) + (x - 1) / 2] = u[at];
          aux.v[(row / 2) * (W / 2) + (x - 1) / 2] = v[at];
        }
      } else if (x % 2 === 1) {
        // B4/B5: odd columns, U's in the left half of the auxiliary luma, V's in the right.
        aux.y[row * W + (x - 1) / 2] = u[at];
        aux.y[row * W + W / 2 + (x - 1) / 2] = v[at];
      } else if (row % 2 === 1) {
        // B6 to B9: even columns of odd rows; 4k in the U plane, 4k + 2 in the V plane, each U's then V's.
        const plane = x % 4 === 0 ? aux.u : aux.v;
        const at2 = ((row - 1) / 2) * (W / 2) + Math.floor(x / 4);
        plane[at2] = u[at];
        plane[at2 + W / 4] = v[at];
      }
    }
  }
  return [main, aux];
}

/** FreeRDP's BT.709 full-range conversion of one pixel, as BGRA. */
function bgra(y: number, u: number, v: number): number[] {
  const clip = (n: number) => Math.min(255, Math.max(0, n));
  const d = u - 128;
  const e = v - 128;
  return [clip((y * 256 + 475 * d) >> 8), clip((y * 256 - 48 * d - 120 * e) >> 8), clip((y * 256 + 403 * e) >> 8), 255];
}

function picture444(seed: number) {
  const random = prng(seed);
  const y = Uint8Array.from({ length: W * H }, () => Math.floor(random() * 256));
  const u = new Uint8Array(W * H);
  const v = new Uint8Array(W * H);
  // Per 2x2 block: three free samples, the fourth makes the sum a multiple of 4 (and stays within 0..255).
  for (let by = 0; by < H / 2; by++) {
    for (let bx = 0; bx < W / 2; bx++) {
      for (const plane of [u, v]) {
        const at = 2 * by * W + 2 * bx;
        const others = [at + 1, at + W, at + W + 1];
        for (const o of others) plane[o] = 4 + Math.floor(random() * 248);
        const sum = others.reduce((s, o) => s + plane[o], 0);
        plane[at] = 4 * Math.ceil(sum / 4) - sum + 4 * Math.floor(random() * 60);
      }
    }
  }
  return { y, u, v };
}

describe('Avc444Picture: two 4:2:0 views back into one 4:4:4 picture (MS-RDPEGFX 3.3.8.3.2, 3.3.8.3.3)', () => {
  it.each([1, 2] as const)('v%i: every pixel comes back exactly, converted as FreeRDP converts', (version) => {
    const { y, u, v } = picture444(version);
    const [main, aux] = split(y, u, v, version);
    const picture = new Avc444Picture(W, H);
    const all = [{ left: 0, top: 0, right: W, bottom: H }];
    picture.applyMain(main, all);
    picture.applyAuxiliary(aux, version, all);
    const out = new Uint8Array(W * H * 4);
    picture.toBgra(all[0], out, 0, W * 4);
    const expected = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) expected.set(bgra(y[i], u[i], v[i]), i * 4);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(expected))).toBe(0);
  });

  it('each view changes only its regions; a main view alone keeps the chroma the auxiliary view brought', () => {
    const first = picture444(7);
    const [main, aux] = split(first.y, first.u, first.v, 2);
    const picture = new Avc444Picture(W, H);
    const all = [{ left: 0, top: 0, right: W, bottom: H }];
    picture.applyMain(main, all);
    picture.applyAuxiliary(aux, 2, all);
    // A new main view (LC = 1) in the top-left 16x16 only: luma and means change there, the rest stays.
    const second = picture444(8);
    const [main2] = split(second.y, second.u, second.v, 2);
    picture.applyMain(main2, [{ left: 0, top: 0, right: 16, bottom: 16 }]);
    const out = new Uint8Array(W * H * 4);
    picture.toBgra(all[0], out, 0, W * 4);
    const px = (x: number, row: number) => [...out.subarray((row * W + x) * 4, (row * W + x) * 4 + 4)];
    const at = (x: number, row: number) => row * W + x;
    // Outside the region: the first picture, exactly.
    expect(px(20, 20)).toEqual(bgra(first.y[at(20, 20)], first.u[at(20, 20)], first.v[at(20, 20)]));
    // Inside: the new luma with the auxiliary samples from before (odd column: no mean involved).
    expect(px(5, 4)).toEqual(bgra(second.y[at(5, 4)], first.u[at(5, 4)], first.v[at(5, 4)]));
  });

  it('refuses a view of another size', () => {
    const picture = new Avc444Picture(W, H);
    expect(() => picture.applyMain(planes(16, 16), [])).toThrow(/16x16 view in a 32x32/);
  });
});
