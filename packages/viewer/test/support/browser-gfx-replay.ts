import { FrameBuffer } from '../../src/frame-buffer.js';
import { GfxClient } from '../../src/graphics-pipeline/gfx-client.js';
import { webCodecsH264Decoder } from '../../src/graphics-pipeline/web-codecs-h264-decoder.js';
import { RdpViewer, scriptCryptoProvider, type ViewerTransport } from '../../src/index.js';
import { decodeRecording, frameBufferDigest, frameDigest, replaySession } from './session-recording.js';

// Browser-safe (no node: imports): bundled for headless Chromium, and imported by the Node side of the same test
// so both run this very code.

/** Replays a recorded session (JSON form) through a viewer with the graphics pipeline on; the frame buffer digest. */
export async function replayGraphicsSession(json: string, useWebCodecs: boolean): Promise<string> {
  const make = (transport: ViewerTransport) =>
    new RdpViewer({
      crypto: scriptCryptoProvider(),
      transport,
      security: { tls: true, rdp: false },
      graphicsPipeline: true,
      ...(useWebCodecs ? { h264Decoder: webCodecsH264Decoder } : {}),
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
  let frame = new FrameBuffer(width, height);
  let failure: Error | undefined;
  const client = new GfxClient({
    send() {},
    frameBuffer: () => frame,
    resize: (w, h) => {
      frame = new FrameBuffer(w, h);
    },
    frame() {},
    fail: (error) => {
      failure = error;
    },
  });
  for (const message of messages) {
    const binary = atob(message);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    client.receive(bytes);
  }
  await client.idle();
  if (failure) throw failure;
  return frameDigest(frame);
}

/** Whether this runtime's WebCodecs decodes H.264 (what `webCodecsH264Decoder` configures). */
export async function webCodecsDecodesH264(): Promise<boolean> {
  const codecs = globalThis as unknown as {
    VideoDecoder?: { isConfigSupported(c: { codec: string }): Promise<{ supported?: boolean }> };
  };
  if (!codecs.VideoDecoder) return false;
  return (await codecs.VideoDecoder.isConfigSupported({ codec: 'avc1.640033' })).supported === true;
}
