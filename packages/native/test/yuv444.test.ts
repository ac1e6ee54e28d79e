import { describe, expect, it } from 'vitest';
import {
  allocateFrame,
  allocateYuv444,
  bgrxToYuv444,
  H264Decoder,
  H264Encoder,
  NativeError,
  shufflePlanes,
} from '../src/index.js';

describe('bgrxToYuv444', () => {
  it('converts each pixel with the BT.709 full-range weights of the 4:2:0 path', async () => {
    const frame = allocateFrame(4, 2);
    const colours = [
      [0, 0, 255], // red (B, G, R)
      [0, 255, 0],
      [255, 0, 0],
      [255, 255, 255],
      [0, 0, 0],
      [128, 128, 128],
      [40, 90, 200],
      [200, 90, 40],
    ];
    for (const [i, c] of colours.entries()) frame.data.set([...c, 0], i * 4);
    const out = allocateYuv444(4, 2);
    await bgrxToYuv444(frame, out);
    // Red: Y = 0.2126 * 255, U = 128 - 0.1146 * 255, V = 128 + 0.5 * 255 clamped.
    expect([out.y[0], out.u[0], out.v[0]]).toEqual([54, 99, 255]);
    expect([out.y[1], out.u[1], out.v[1]]).toEqual([182, 30, 12]);
    expect([out.y[2], out.u[2], out.v[2]]).toEqual([18, 255, 116]);
    expect([out.y[3], out.u[3], out.v[3]]).toEqual([255, 128, 128]);
    expect([out.y[4], out.u[4], out.v[4]]).toEqual([0, 128, 128]);
    expect([out.y[5], out.u[5], out.v[5]]).toEqual([128, 128, 128]);
  });

  it('rejects planes smaller than the picture', async () => {
    const frame = allocateFrame(8, 8);
    const out = { ...allocateYuv444(8, 8), u: new Uint8Array(10) };
    await expect(bgrxToYuv444(frame, out)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(bgrxToYuv444(frame, allocateYuv444(16, 8))).rejects.toBeInstanceOf(NativeError);
  });
});

describe('H264Encoder with I420 input and two temporal layers', () => {
  const WIDTH = 160;
  const HEIGHT = 96;

  /** A grey picture (chroma neutral) whose luma is a diagonal ramp moved by `shift`, mirrored when `flip`. */
  function grey(shift: number, flip: boolean) {
    const y = new Uint8Array(WIDTH * HEIGHT);
    for (let r = 0; r < HEIGHT; r++) {
      for (let c = 0; c < WIDTH; c++) {
        const ramp = (c + r + shift) % 200;
        y[r * WIDTH + c] = flip ? 230 - ramp : 30 + ramp;
      }
    }
    const chroma = () => new Uint8Array((WIDTH / 2) * (HEIGHT / 2)).fill(128);
    return { y, u: chroma(), v: chroma(), yStride: WIDTH, uvStride: WIDTH / 2 };
  }

  /** nal_ref_idc of the first coded slice (NAL types 1 and 5) of an access unit. */
  function sliceRefIdc(unit: Uint8Array): number {
    for (let i = 0; i + 3 < unit.length; i++) {
      if (unit[i] === 0 && unit[i + 1] === 0 && unit[i + 2] === 1) {
        const type = unit[i + 3] & 0x1f;
        if (type === 1 || type === 5) return (unit[i + 3] >> 5) & 3;
      }
    }
    return -1;
  }

  it('interleaves two pictures per instant in one stream that one decoder follows', async () => {
    const encoder = H264Encoder.create({
      width: WIDTH,
      height: HEIGHT,
      frameRate: 60,
      bitrate: 2_000_000,
      temporalLayers: 2,
    });
    const decoder = H264Decoder.create();
    const output = new Uint8Array(WIDTH * HEIGHT * 4);
    const picture = new Uint8Array(WIDTH * HEIGHT * 4);
    const refIdc: number[] = [];
    try {
      for (let step = 0; step < 6; step++) {
        for (const flip of [false, true]) {
          const frame = grey(step * 3, flip);
          const { byteLength, keyFrame } = await encoder.encode(frame, output, { keyFrame: step === 3 && !flip });
          if (!flip) expect(keyFrame).toBe(step === 0 || step === 3);
          refIdc.push(sliceRefIdc(output.subarray(0, byteLength)));
          expect(await decoder.decode(output.subarray(0, byteLength), picture)).toEqual({
            width: WIDTH,
            height: HEIGHT,
          });
          let error = 0;
          for (let p = 0; p < WIDTH * HEIGHT; p++) error += Math.abs(picture[p * 4 + 1] - frame.y[p]);
          // Each view decodes to its own picture: the other view is a different image (mean difference > 50).
          expect(error / (WIDTH * HEIGHT)).toBeLessThan(3);
        }
      }
    } finally {
      encoder.close();
      decoder.close();
    }
    // Base frames are references, the frames between them are not.
    expect(refIdc.map((r) => r > 0)).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 0));
  });

  it('rejects I420 planes smaller than the picture', async () => {
    const encoder = H264Encoder.create({ width: WIDTH, height: HEIGHT, frameRate: 30, bitrate: 1_000_000 });
    try {
      const frame = { ...grey(0, false), u: new Uint8Array(16) };
      await expect(encoder.encode(frame, new Uint8Array(WIDTH * HEIGHT * 4))).rejects.toMatchObject({
        code: 'OUT_OF_BOUNDS',
      });
    } finally {
      encoder.close();
    }
  });

  it('with a fixed qp, codes finer at a lower qp whatever the bitrate says', async () => {
    const sizes: number[] = [];
    for (const qp of [20, 40]) {
      const encoder = H264Encoder.create({ width: WIDTH, height: HEIGHT, frameRate: 30, bitrate: 100_000, qp });
      const output = new Uint8Array(WIDTH * HEIGHT * 4);
      try {
        sizes.push((await encoder.encode(grey(0, false), output)).byteLength);
      } finally {
        encoder.close();
      }
    }
    expect(sizes[0]).toBeGreaterThan(sizes[1] * 2);
    expect(() => H264Encoder.create({ width: WIDTH, height: HEIGHT, frameRate: 30, bitrate: 1, qp: 52 })).toThrow(/qp/);
  });

  it('refuses a third temporal layer', () => {
    expect(() =>
      H264Encoder.create({
        width: WIDTH,
        height: HEIGHT,
        frameRate: 30,
        bitrate: 1_000_000,
        temporalLayers: 3 as 2,
      }),
    ).toThrow(/temporalLayers/);
  });
});

describe('shufflePlanes', () => {
  it('copies with steps and takes 2x2 means, in order', async () => {
    const source = { data: Uint8Array.from({ length: 16 }, (_, i) => i * 10), stride: 4 }; // 4x4: 0, 10, ... 150
    const target = { data: new Uint8Array(8), stride: 4 }; // 4x2
    await shufflePlanes(
      [source, target],
      [
        // Row 0 of the target: the odd columns of rows 0 and 2 of the source, side by side.
        { from: 0, fromX: 1, fromY: 0, stepX: 2, stepY: 2, to: 1, toX: 0, toY: 0, width: 2, height: 1 },
        { from: 0, fromX: 1, fromY: 2, stepX: 2, stepY: 2, to: 1, toX: 2, toY: 0, width: 2, height: 1 },
      ],
    );
    expect([...target.data.subarray(0, 4)]).toEqual([10, 30, 90, 110]);
    // The means of the four 2x2 blocks: (0 + 10 + 40 + 50 + 2) >> 2 = 25, ...
    const means = { data: new Uint8Array(4), stride: 2 };
    await shufflePlanes(
      [source, means],
      [{ from: 0, fromX: 0, fromY: 0, stepX: 2, stepY: 2, to: 1, toX: 0, toY: 0, width: 2, height: 2, mean: true }],
    );
    expect([...means.data]).toEqual([25, 45, 105, 125]);
  });

  it('refuses a copy that reaches outside its planes, before writing anything', async () => {
    const a = { data: new Uint8Array(16).fill(1), stride: 4 };
    const b = { data: new Uint8Array(16), stride: 4 };
    const inside = { from: 0, fromX: 0, fromY: 0, stepX: 1, stepY: 1, to: 1, toX: 0, toY: 0, width: 4, height: 4 };
    await expect(shufflePlanes([a, b], [inside, { ...inside, fromX: 1 }])).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
    await expect(shufflePlanes([a, b], [{ ...inside, to: 2 }])).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(
      shufflePlanes([a, b], [{ ...inside, width: 2, height: 2, fromX: 3, mean: true }]),
    ).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
    expect(b.data.every((v) => v === 0)).toBe(true);
  });
});
