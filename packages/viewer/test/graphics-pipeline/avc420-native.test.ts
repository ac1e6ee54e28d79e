import { H264Encoder } from '@rdshare/native';
import {
  encodeAvc420BitmapStream,
  encodeGfxPdus,
  encodeSegmentedData,
  GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
  type ProtocolError,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { FrameBuffer } from '../../src/frame-buffer.js';
import { GfxClient } from '../../src/graphics-pipeline/gfx-client.js';
import { nativeH264Decoder } from '../../src/node/index.js';

const W = 64;
const H = 48;
/** Lossy codec: the largest difference per channel accepted on a smooth gradient at a generous bitrate. */
const TOLERANCE = 12;

function gradient(shift: number): Uint8Array {
  const frame = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) frame.set([(x * 3 + shift) & 0xff, (y * 4) & 0xff, 128, 0], (y * W + x) * 4);
  return frame;
}

describe('AVC420 through the native OpenH264 decoder (nativeH264Decoder)', () => {
  it('decodes real H.264 into the metablock regions only, close to the source, cropped to the surface', async () => {
    const encoder = H264Encoder.create({ width: W, height: H, frameRate: 30, bitrate: 4_000_000 });
    const output = new Uint8Array(W * H * 4);
    let frame = new FrameBuffer(W, H);
    const failures: ProtocolError[] = [];
    const client = new GfxClient(
      {
        send() {},
        frameBuffer: () => frame,
        resize: (w, h) => {
          frame = new FrameBuffer(w, h);
        },
        frame() {},
        fail: (e) => failures.push(e),
      },
      { h264: nativeH264Decoder() },
    );
    const avc = async (
      source: Uint8Array,
      frameId: number,
      region: { left: number; top: number; right: number; bottom: number },
    ) => {
      const { byteLength } = await encoder.encode({ data: source, stride: W * 4 }, output);
      const pdus: GfxPdu[] = [
        { type: 'startFrame', timestamp: 0, frameId },
        {
          type: 'wireToSurface1',
          surfaceId: 0,
          codecId: GfxCodecId.AVC420,
          pixelFormat: GfxPixelFormat.XRGB_8888,
          destRect: { left: 0, top: 0, right: W, bottom: H },
          bitmapData: encodeAvc420BitmapStream({
            regionRects: [region],
            quantQualityVals: [{ qp: 22, progressive: false, qualityVal: 100 }],
            bitstream: output.slice(0, byteLength),
          }),
        },
        { type: 'endFrame', frameId },
      ];
      client.receive(encodeSegmentedData(encodeGfxPdus(pdus)));
      await client.idle();
    };
    client.receive(
      encodeSegmentedData(
        encodeGfxPdus([
          { type: 'resetGraphics', width: W, height: H, monitors: [] },
          { type: 'createSurface', surfaceId: 0, width: W, height: H, pixelFormat: GfxPixelFormat.XRGB_8888 },
          { type: 'mapSurfaceToOutput', surfaceId: 0, outputOriginX: 0, outputOriginY: 0 },
          {
            type: 'solidFill',
            surfaceId: 0,
            fillPixel: 0x00ff00ff,
            fillRects: [{ left: 0, top: 0, right: W, bottom: H }],
          },
        ]),
      ),
    );
    const first = gradient(0);
    await avc(first, 1, { left: 0, top: 0, right: 32, bottom: H });
    const second = gradient(40);
    await avc(second, 2, { left: 32, top: 16, right: W, bottom: H });
    expect(failures).toEqual([]);

    const off = (x: number, y: number, source: Uint8Array) => {
      const f = (y * W + x) * 4;
      const s = (y * W + x) * 4;
      // Frame RGBA against source BGRX.
      return Math.max(
        Math.abs(frame.data[f] - source[s + 2]),
        Math.abs(frame.data[f + 1] - source[s + 1]),
        Math.abs(frame.data[f + 2] - source[s]),
      );
    };
    let worst = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < 32; x++) worst = Math.max(worst, off(x, y, first));
    for (let y = 16; y < H; y++) for (let x = 32; x < W; x++) worst = Math.max(worst, off(x, y, second));
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    // Outside both regions the solid fill stays: magenta.
    const i = (4 * W + 50) * 4;
    expect([...frame.data.subarray(i, i + 4)]).toEqual([255, 0, 255, 255]);
    encoder.close();
    client.close();
  });
});
