import { FrameBuffer } from '../../src/frame-buffer.js';
import { GfxClient } from '../../src/graphics-pipeline/gfx-client.js';
import type { H264DecoderFactory } from '../../src/graphics-pipeline/h264-decoder.js';
import { webCodecsH264Decoder } from '../../src/graphics-pipeline/web-codecs-h264-decoder.js';
import { RdpViewer, scriptCryptoProvider, type ViewerTransport } from '../../src/index.js';
import { decodeRecording, frameBufferDigest, frameDigest, replaySession } from './session-recording.js';

// Browser-safe (no node: imports): bundled for headless Chromium, and imported by the Node side of the same test
// so both run this very code.

/**
 * Replays a recorded session (JSON form) through a viewer with the graphics pipeline on, H.264 decoded by `h264`
 * ('webcodecs' for the browser's, a factory for another); the frame buffer digest.
 */
export async function replayGraphicsSession(json: string, h264?: 'webcodecs' | H264DecoderFactory): Promise<string> {
  const decoder = h264 === 'webcodecs' ? webCodecsH264Decoder : h264;
  const make = (transport: ViewerTransport) =>
    new RdpViewer({
      crypto: scriptCryptoProvider(),
      transport,
      security: { tls: true, rdp: false },
      graphicsPipeline: true,
      ...(decoder ? { h264Decoder: decoder } : {}),
    });
  const viewer = await replaySession(decodeRecording(json), make);
  await viewer.graphicsIdle();
  const digest = frameBufferDigest(viewer);
  viewer.disconnect();
  return digest;
}

/**
 * Feeds graphics channel messages (RDP_SEGMENTED_DATA, base64) straight to a graphics pipeline client over a
 * `width x height` frame buffer; the frame buffer digest once all are composed.
 */
export async function replayGraphicsMessages(
  messages: readonly string[],
  width: number,
  height: number,
): Promise<string> {
  return frameDigest(await composeGraphicsMessages(messages, width, height));
}

/** {@link replayGraphicsMessages} with AVC420 through WebCodecs; the frame's RGBA bytes in base64. */
export async function replayGraphicsMessagesWithWebCodecs(
  messages: readonly string[],
  width: number,
  height: number,
): Promise<string> {
  const frame = await composeGraphicsMessages(messages, width, height, webCodecsH264Decoder);
  let binary = '';
  for (let i = 0; i < frame.data.length; i += 0x8000)
    binary += String.fromCharCode(...frame.data.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The frame buffer once `messages` went through a graphics pipeline client (with `h264` for AVC420). */
export async function composeGraphicsMessages(
  messages: readonly string[],
  width: number,
  height: number,
  h264?: H264DecoderFactory,
): Promise<FrameBuffer> {
  let frame = new FrameBuffer(width, height);
  let failure: Error | undefined;
  const client = new GfxClient(
    {
      send() {},
      frameBuffer: () => frame,
      resize: (w, h) => {
        frame = new FrameBuffer(w, h);
      },
      frame() {},
      fail: (error) => {
        failure = error;
      },
    },
    h264 ? { h264 } : {},
  );
  for (const message of messages) client.receive(Uint8Array.from(atob(message), (c) => c.charCodeAt(0)));
  await client.idle();
  client.close();
  if (failure) throw failure;
  return frame;
}

/** Whether this runtime's WebCodecs decodes H.264 (what `webCodecsH264Decoder` configures). */
export async function webCodecsDecodesH264(): Promise<boolean> {
  const codecs = globalThis as unknown as {
    VideoDecoder?: { isConfigSupported(c: { codec: string }): Promise<{ supported?: boolean }> };
  };
  if (!codecs.VideoDecoder) return false;
  return (await codecs.VideoDecoder.isConfigSupported({ codec: 'avc1.640033' })).supported === true;
}
