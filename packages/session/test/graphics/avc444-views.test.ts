import type { I420Frame, Yuv444Frame } from '@rdshare/native';
import { describe, expect, it } from 'vitest';
import { type Avc444Version, allocateI420, splitAvc444Views } from '../../src/graphics/avc444-views.js';

const WIDTH = 48;
const HEIGHT = 32;

/** A YUV444 picture of noise: every sample differs from its neighbours, so any misplaced sample shows. */
function noise(seed: number): Yuv444Frame {
  let state = seed;
  const plane = () =>
    Uint8Array.from({ length: WIDTH * HEIGHT }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    });
  return { width: WIDTH, height: HEIGHT, stride: WIDTH, y: plane(), u: plane(), v: plane() };
}

const at = (plane: Uint8Array, stride: number, x: number, y: number) => plane[y * stride + x];

/**
 * The client's side, written from MS-RDPEGFX 3.3.8.3.2 (v1) and 3.3.8.3.3 (v2) independently of the split: luma
 * from the main view, the three odd samples of each 2x2 chroma block from the auxiliary view, and the even-even
 * one as four times the main view's value minus the other three.
 */
function combine(main: I420Frame, aux: I420Frame, version: Avc444Version): Yuv444Frame {
  const out: Yuv444Frame = {
    width: WIDTH,
    height: HEIGHT,
    stride: WIDTH,
    y: main.y.slice(0, WIDTH * HEIGHT),
    u: new Uint8Array(WIDTH * HEIGHT),
    v: new Uint8Array(WIDTH * HEIGHT),
  };
  const set = (plane: Uint8Array, x: number, y: number, value: number) => {
    plane[y * WIDTH + x] = value;
  };
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const odd = x % 2 === 1 || y % 2 === 1;
      if (!odd) continue;
      let u: number;
      let v: number;
      if (version === 1) {
        if (y % 2 === 1) {
          // Odd row 16b + 2i + 1: auxiliary luma row 16b + i (U) or 16b + 8 + i (V).
          const block = Math.floor(y / 16) * 16;
          const i = (y - block - 1) / 2;
          u = at(aux.y, aux.yStride, x, block + i);
          v = at(aux.y, aux.yStride, x, block + 8 + i);
        } else {
          u = at(aux.u, aux.uvStride, (x - 1) / 2, y / 2);
          v = at(aux.v, aux.uvStride, (x - 1) / 2, y / 2);
        }
      } else if (x % 2 === 1) {
        u = at(aux.y, aux.yStride, (x - 1) / 2, y);
        v = at(aux.y, aux.yStride, WIDTH / 2 + (x - 1) / 2, y);
      } else {
        const plane = x % 4 === 0 ? aux.u : aux.v;
        const column = Math.floor(x / 4);
        u = at(plane, aux.uvStride, column, (y - 1) / 2);
        v = at(plane, aux.uvStride, WIDTH / 4 + column, (y - 1) / 2);
      }
      set(out.u, x, y, u);
      set(out.v, x, y, v);
    }
  }
  for (let y = 0; y < HEIGHT; y += 2) {
    for (let x = 0; x < WIDTH; x += 2) {
      for (const [plane, view] of [
        [out.u, main.u],
        [out.v, main.v],
      ] as const) {
        const others = plane[y * WIDTH + x + 1] + plane[(y + 1) * WIDTH + x] + plane[(y + 1) * WIDTH + x + 1];
        set(plane, x, y, Math.min(255, Math.max(0, 4 * at(view, main.uvStride, x / 2, y / 2) - others)));
      }
    }
  }
  return out;
}

describe.each([1, 2] as const)('AVC444 v%i views', (version) => {
  it('carries the main view in the auxiliary macroblocks of pixels nobody is shown, real chroma in the others', async () => {
    const input = noise(5);
    const main = allocateI420(WIDTH, HEIGHT);
    const aux = allocateI420(WIDTH, HEIGHT);
    // Shown: the surface's left 16 columns of the top 16 rows.
    await splitAvc444Views(input, version, main, aux, (x, y) => x < 16 && y < 16);
    const hidden = (mx: number, my: number) => {
      for (let r = 0; r < 16; r++) {
        for (let c = 0; c < 16; c++) {
          if (at(aux.y, aux.yStride, mx * 16 + c, my * 16 + r) !== at(main.y, main.yStride, mx * 16 + c, my * 16 + r))
            return false;
        }
      }
      for (let r = 0; r < 8; r++) {
        for (let c = 0; c < 8; c++) {
          const x = mx * 8 + c;
          const y = my * 8 + r;
          if (at(aux.u, aux.uvStride, x, y) !== at(main.u, main.uvStride, x, y)) return false;
          if (at(aux.v, aux.uvStride, x, y) !== at(main.v, main.uvStride, x, y)) return false;
        }
      }
      return true;
    };
    // v1's macroblock (0, 0) holds chroma of the surface's (0, 0) block; v2's left-half (0, 0) of its U samples
    // and right-half (W/32, 0) of its V samples (the 32x16 block at the origin).
    const shownBlocks =
      version === 1
        ? [[0, 0]]
        : [
            [0, 0],
            [WIDTH / 32, 0],
          ];
    for (let my = 0; my < HEIGHT / 16; my++) {
      for (let mx = 0; mx < WIDTH / 16; mx++) {
        const shown = shownBlocks.some(([x, y]) => x === mx && y === my);
        expect(hidden(mx, my), `macroblock ${mx},${my}`).toBe(!shown);
      }
    }
  });

  it('combine back to the YUV444 picture: every sample exact but the even-even chroma, within the rounding of the mean', async () => {
    const input = noise(version * 7);
    const main = allocateI420(WIDTH, HEIGHT);
    const aux = allocateI420(WIDTH, HEIGHT);
    await splitAvc444Views(input, version, main, aux);
    const output = combine(main, aux, version);
    expect(output.y).toEqual(input.y);
    let exact = 0;
    for (const plane of ['u', 'v'] as const) {
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const i = y * WIDTH + x;
          if (x % 2 === 1 || y % 2 === 1) expect(output[plane][i], `${plane} ${x},${y}`).toBe(input[plane][i]);
          else {
            // The main view holds the mean rounded to 8 bits: four times it is the block's sum to within 2.
            expect(Math.abs(output[plane][i] - input[plane][i]), `${plane} ${x},${y}`).toBeLessThanOrEqual(2);
            if (output[plane][i] === input[plane][i]) exact++;
          }
        }
      }
    }
    // A quarter of the blocks sum to a multiple of 4 and come back exact.
    expect(exact).toBeGreaterThan((WIDTH * HEIGHT) / 4 / 8);
  });

  it('leaves a main view that is the 4:2:0 picture on its own (luma, and the mean chroma of each block)', async () => {
    const input = noise(3);
    const main = allocateI420(WIDTH, HEIGHT);
    await splitAvc444Views(input, version, main, allocateI420(WIDTH, HEIGHT));
    expect(main.y).toEqual(input.y);
    const mean = (x: number, y: number) =>
      Math.round(
        (at(input.u, WIDTH, 2 * x, 2 * y) +
          at(input.u, WIDTH, 2 * x + 1, 2 * y) +
          at(input.u, WIDTH, 2 * x, 2 * y + 1) +
          at(input.u, WIDTH, 2 * x + 1, 2 * y + 1)) /
          4,
      );
    for (let y = 0; y < HEIGHT / 2; y++) {
      for (let x = 0; x < WIDTH / 2; x++) expect(at(main.u, main.uvStride, x, y)).toBe(mean(x, y));
    }
  });
});

it('splits a 1920x1088 picture in a few milliseconds', async () => {
  const width = 1920;
  const height = 1088;
  const plane = () => new Uint8Array(width * height).fill(77);
  const input: Yuv444Frame = { width, height, stride: width, y: plane(), u: plane(), v: plane() };
  const main = allocateI420(width, height);
  const aux = allocateI420(width, height);
  for (const version of [1, 2] as const) {
    await splitAvc444Views(input, version, main, aux);
    const start = performance.now();
    await splitAvc444Views(input, version, main, aux, (x, y) => x < 512 && y < 512);
    const took = performance.now() - start;
    console.info(`split v${version} 1920x1088: ${took.toFixed(1)} ms`);
    expect(took).toBeLessThan(100);
  }
});
