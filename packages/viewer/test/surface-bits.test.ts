import {
  CLIENT_REMOTEFX_CODEC_ID,
  ProtocolError,
  RlgrMode,
  type SurfaceCommand,
  SurfaceCommandType,
  SurfaceFrameAction,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { FrameBuffer } from '../src/frame-buffer.js';
import { SurfaceBits } from '../src/surface-bits.js';
import { greyTileRfxStream } from './support/rfx-stream.js';

function px(frame: FrameBuffer, x: number, y: number): number[] {
  const i = (y * frame.width + x) * 4;
  return [...frame.data.subarray(i, i + 4)];
}

/** One grey tile (Y 50) on an 8x4 channel, drawn only in a 3x2 rect; RLGR3, which the graphics pipeline test leaves out. */
const STREAM = greyTileRfxStream(RlgrMode.RLGR3);

const bits = (codecId: number, destLeft: number, destTop: number): SurfaceCommand => ({
  cmdType: SurfaceCommandType.STREAM_SURFACE_BITS,
  destLeft,
  destTop,
  destRight: destLeft + 8,
  destBottom: destTop + 4,
  bitmap: { bpp: 32, codecId, width: 8, height: 4, bitmapData: STREAM },
});
const marker = (frameAction: SurfaceFrameAction): SurfaceCommand => ({
  cmdType: SurfaceCommandType.FRAME_MARKER,
  frameAction,
  frameId: 1,
});

describe('SurfaceBits', () => {
  it('draws RemoteFX surface bits at the destination, only within the region rects, and counts them', () => {
    const frame = new FrameBuffer(16, 8);
    const surfaceBits = new SurfaceBits();
    const changed = surfaceBits.apply(
      [
        marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN),
        bits(CLIENT_REMOTEFX_CODEC_ID, 2, 1),
        marker(SurfaceFrameAction.SURFACECMD_FRAMEACTION_END),
      ],
      frame,
    );
    expect(changed).toEqual([{ x: 2, y: 1, width: 3, height: 2 }]);
    // Y 50 above the centre, no colour: grey 178, on the 3x2 rect from 2,1 only.
    expect([px(frame, 2, 1), px(frame, 4, 2)]).toEqual([
      [178, 178, 178, 255],
      [178, 178, 178, 255],
    ]);
    expect([px(frame, 5, 1), px(frame, 2, 3), px(frame, 1, 1)]).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(surfaceBits.stats).toEqual({ codecs: new Map([[CLIENT_REMOTEFX_CODEC_ID, 1]]), frames: 1 });
  });

  it('clips what falls outside the frame', () => {
    const frame = new FrameBuffer(4, 2);
    expect(new SurfaceBits().apply([bits(CLIENT_REMOTEFX_CODEC_ID, 2, 1)], frame)).toEqual([
      { x: 2, y: 1, width: 2, height: 1 },
    ]);
    expect(px(frame, 3, 1)).toEqual([178, 178, 178, 255]);
  });

  it('refuses surface bits in a codec it did not offer with an UNSUPPORTED ProtocolError', () => {
    const apply = () => new SurfaceBits().apply([bits(1, 0, 0)], new FrameBuffer(8, 4));
    expect(apply).toThrow(ProtocolError);
    expect(apply).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});
