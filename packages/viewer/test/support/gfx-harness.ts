import {
  decodeGfxPdus,
  encodeGfxPdus,
  encodeSegmentedData,
  type GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
  type ProtocolError,
} from '@rdshare/protocol';
import { FrameBuffer, type FrameRect } from '../../src/frame-buffer.js';
import { GfxClient } from '../../src/graphics-pipeline/gfx-client.js';

/**
 * A {@link GfxClient} on a frame buffer of `size` with a host that records what it does: the messages it sent
 * (`sent`, decoded by `sentPdus()`), the rects of each frame composed, the failures. `feed` delivers PDUs as one
 * message; a ResetGraphics replaces the frame buffer, so `frame()` is the current one.
 */
export function gfxHarness(options: ConstructorParameters<typeof GfxClient>[1] = {}, size = { width: 8, height: 4 }) {
  const sent: Uint8Array[] = [];
  const frames: FrameRect[][] = [];
  const failures: ProtocolError[] = [];
  let frame = new FrameBuffer(size.width, size.height);
  const client = new GfxClient(
    {
      send: (m) => sent.push(m),
      frameBuffer: () => frame,
      resize: (w, h) => {
        frame = new FrameBuffer(w, h);
      },
      frame: (rects) => frames.push(rects),
      fail: (e) => failures.push(e),
    },
    options,
  );
  const feed = (pdus: GfxPdu[]) => client.receive(encodeSegmentedData(encodeGfxPdus(pdus)));
  const sentPdus = () => sent.flatMap((m) => decodeGfxPdus(m));
  return { client, sent, sentPdus, frames, failures, feed, frame: () => frame };
}

/** A WireToSurface1 to surface 1 in XRGB_8888. */
export function wireToSurface1(
  codecId: GfxCodecId,
  destRect: { left: number; top: number; right: number; bottom: number },
  bitmapData: Uint8Array,
): GfxPdu {
  return { type: 'wireToSurface1', surfaceId: 1, codecId, pixelFormat: GfxPixelFormat.XRGB_8888, destRect, bitmapData };
}
