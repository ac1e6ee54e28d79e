import { ProtocolError } from '@rdshare/protocol';
import type { H264Decoder, H264DecoderFactory, H264Picture } from './h264-decoder.js';

/** The parts of WebCodecs used here, typed locally: the core compiles without the DOM library. */
interface VideoFrameLike {
  readonly displayWidth: number;
  readonly displayHeight: number;
  copyTo(destination: Uint8Array, options: { format: 'BGRA'; colorSpace?: 'srgb' }): Promise<unknown>;
  close(): void;
}
interface VideoDecoderLike {
  readonly state: string;
  configure(config: { codec: string; optimizeForLatency: boolean }): void;
  decode(chunk: unknown): void;
  close(): void;
}
interface WebCodecs {
  VideoDecoder: new (init: {
    output: (frame: VideoFrameLike) => void;
    error: (error: Error) => void;
  }) => VideoDecoderLike;
  EncodedVideoChunk: new (init: { type: 'key' | 'delta'; timestamp: number; data: Uint8Array }) => unknown;
}

/**
 * The codec string configured: High profile level 5.1 covers what RDP servers send (constrained baseline from
 * OpenH264, main/high from hardware encoders) at any desktop size. No `description`: chunks are Annex B.
 */
const AVC_CODEC = 'avc1.640033';
const NAL_TYPE_MASK = 0x1f;
const NAL_IDR_SLICE = 5;

/** Whether an Annex B access unit holds an IDR slice (a key chunk for WebCodecs). */
export function isKeyAccessUnit(au: Uint8Array): boolean {
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1 && (au[i + 3] & NAL_TYPE_MASK) === NAL_IDR_SLICE) return true;
  }
  return false;
}

/**
 * An {@link H264DecoderFactory} over the browser's WebCodecs `VideoDecoder` (Annex B, `optimizeForLatency`, so
 * each access unit's picture comes out before the next is fed): pictures are copied out as BGRA. Access units
 * before the first key frame produce no picture. Throws UNSUPPORTED where WebCodecs is missing.
 *
 * @example
 * const viewer = new RdpViewer({ crypto, transport, graphicsPipeline: true, h264Decoder: webCodecsH264Decoder });
 */
export const webCodecsH264Decoder: H264DecoderFactory = () => {
  const codecs = globalThis as unknown as Partial<WebCodecs>;
  if (!codecs.VideoDecoder || !codecs.EncodedVideoChunk) {
    throw new ProtocolError('UNSUPPORTED', 'this runtime has no WebCodecs VideoDecoder', 'H.264');
  }
  const Chunk = codecs.EncodedVideoChunk;
  const pending: { resolve(p: H264Picture | undefined): void; reject(e: Error): void }[] = [];
  let failure: Error | undefined;
  const decoder = new codecs.VideoDecoder({
    output: (frame) => {
      const waiter = pending.shift();
      const width = frame.displayWidth;
      const height = frame.displayHeight;
      const data = new Uint8Array(width * height * 4);
      frame.copyTo(data, { format: 'BGRA', colorSpace: 'srgb' }).then(
        () => {
          frame.close();
          waiter?.resolve({ width, height, data });
        },
        (error: Error) => {
          frame.close();
          waiter?.reject(error);
        },
      );
    },
    error: (error) => {
      failure = error;
      for (const waiter of pending.splice(0)) waiter.reject(error);
    },
  });
  decoder.configure({ codec: AVC_CODEC, optimizeForLatency: true });
  let keySeen = false;
  let timestamp = 0;
  const h264: H264Decoder = {
    decode(accessUnit) {
      if (failure) return Promise.reject(new ProtocolError('INVALID', `H.264: ${failure.message}`, 'H.264'));
      const key = isKeyAccessUnit(accessUnit);
      if (!key && !keySeen) return Promise.resolve(undefined);
      keySeen = true;
      return new Promise<H264Picture | undefined>((resolve, reject) => {
        pending.push({ resolve, reject: (e) => reject(new ProtocolError('INVALID', `H.264: ${e.message}`, 'H.264')) });
        decoder.decode(new Chunk({ type: key ? 'key' : 'delta', timestamp: timestamp++, data: accessUnit }));
      });
    },
    close() {
      if (decoder.state !== 'closed') decoder.close();
      for (const waiter of pending.splice(0)) waiter.resolve(undefined);
    },
  };
  return h264;
};
