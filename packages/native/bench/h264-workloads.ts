// The pictures of the session bench's two H.264 workloads, drawn in memory the way the testkit's X clients draw
// them, so the encoder can be measured without a display: `motion-client` (every pixel moves every frame) and
// `animation-client` (a box moving over a detailed still background).
import { allocateFrame, type Frame } from '../src/index.js';

/** A sequence of frames: `next()` draws the next one into `frame` and returns it. */
export interface Workload {
  readonly name: string;
  readonly frame: Frame;
  next(): Frame;
}

const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

function put(data: Uint8Array, at: number, r: number, g: number, b: number): void {
  data[at] = clamp255(b);
  data[at + 1] = clamp255(g);
  data[at + 2] = clamp255(r);
}

/** motion-client.c: a picture larger than the screen copied in 12-pixel bands, each shifted by its own wave. */
export function rippleWorkload(width: number, height: number): Workload {
  const SWING = 48;
  const BAND = 12;
  const pw = width + 2 * SWING;
  const ph = height + 2 * SWING;
  const picture = new Uint8Array(pw * ph * 4);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const v = Math.sin(x / 41 + Math.sin(y / 53) * 2) + Math.cos(y / 31 - x / 97);
      const ring = Math.hypot(x - pw / 2, y - ph / 2) % 60;
      let r = 128 + Math.trunc(70 * v);
      let g = Math.trunc((x * 255) / pw);
      let b = 128 + Math.trunc(100 * Math.sin((x + y) / 47));
      if (x % 48 === 0 || y % 40 === 0 || ring < 2) r = g = b = 30;
      put(picture, (y * pw + x) * 4, r, g, b);
    }
  }
  const frame = allocateFrame(width, height);
  let n = 0;
  return {
    name: `${width}x${height} full-screen motion (motion-client)`,
    frame,
    next() {
      n++;
      const dy = SWING + Math.trunc(SWING * Math.sin(n / 23));
      for (let y = 0; y < height; y++) {
        const band = y - (y % BAND);
        const dx = SWING + Math.trunc(SWING * Math.sin(n / 11 + band / 97));
        const from = ((y + dy) * pw + dx) * 4;
        frame.data.set(picture.subarray(from, from + width * 4), y * frame.stride);
      }
      return frame;
    },
  };
}

/** animation-client.c: a 192-pixel striped box moving 10 pixels a frame over grainy colour waves and a grid. */
export function movingBoxWorkload(width: number, height: number): Workload {
  const SIZE = 192;
  const SPEED = 10;
  const frame = allocateFrame(width, height);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const grain = ((seed >>> 16) & 31) - 16;
      const v = Math.sin(x / 23 + Math.sin(y / 37) * 2) + Math.cos(y / 19 - x / 71);
      let r = 128 + Math.trunc(60 * v) + grain;
      let g = Math.trunc((x * 255) / width) + Math.trunc(grain / 2);
      let b = 128 + Math.trunc(100 * Math.sin((x + y) / 29)) - grain;
      if (x % 32 === 0 || y % 24 === 0) r = g = b = 40;
      put(frame.data, y * frame.stride + x * 4, r, g, b);
    }
  }
  const background = new Uint8Array(frame.data);
  const sprite = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = x - (x % 8);
      const edge = x === 0 || y === 0 || x === SIZE - 1 || y === SIZE - 1;
      if (edge) put(sprite, (y * SIZE + x) * 4, 255, 255, 255);
      else put(sprite, (y * SIZE + x) * 4, 255 - (i % 256), (i * 3) % 256, 60);
    }
  }
  let x = 0;
  let y = 0;
  let dx = SPEED;
  let dy = SPEED / 2;
  const blit = (bx: number, by: number, from: Uint8Array, fromStride: number, fromX: number, fromY: number) => {
    for (let row = 0; row < SIZE; row++) {
      const at = (fromY + row) * fromStride + fromX * 4;
      frame.data.set(from.subarray(at, at + SIZE * 4), (by + row) * frame.stride + bx * 4);
    }
  };
  return {
    name: `${width}x${height} moving box (animation-client)`,
    frame,
    next() {
      let nx = x + dx;
      let ny = y + dy;
      if (nx < 0 || nx + SIZE > width) {
        dx = -dx;
        nx = x + dx;
      }
      if (ny < 0 || ny + SIZE > height) {
        dy = -dy;
        ny = y + dy;
      }
      blit(x, y, background, frame.stride, x, y);
      blit(nx, ny, sprite, SIZE * 4, 0, 0);
      x = nx;
      y = ny;
      return frame;
    },
  };
}
