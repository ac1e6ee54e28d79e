import { ProtocolError } from '@rdshare/protocol';
import type { H264Decoder, H264DecoderFactory, H264Picture, H264Planes } from './h264-decoder.js';

/** The parts of WebCodecs used here, typed locally: the core compiles without the DOM library. */
interface PlaneLayout {
  offset: number;
  stride: number;
}
interface VideoFrameLike {
  readonly displayWidth: number;
  readonly displayHeight: number;
  /** The pixel format the decoder produced ('I420', 'NV12', ...). */
  readonly format: string | null;
  allocationSize(): number;
  copyTo(destination: Uint8Array, options?: { format: 'BGRA'; colorSpace?: 'srgb' }): Promise<PlaneLayout[]>;
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
 * A frame's planes as decoded (`copyTo` without a format copies them as they are): I420 as is, NV12's interleaved
 * chroma split into U and V.
 */
async function framePlanes(frame: VideoFrameLike): Promise<H264Planes> {
  const width = frame.displayWidth;
  const height = frame.displayHeight;
  const buffer = new Uint8Array(frame.allocationSize());
  const layout = await frame.copyTo(buffer);
  const uvStride = Math.ceil(width / 2);
  const chromaRows = Math.ceil(height / 2);
  const y = buffer.subarray(layout[0].offset);
  if (frame.format === 'I420') {
    const u = buffer.subarray(layout[1].offset);
    const v = buffer.subarray(layout[2].offset);
    return { width, height, y, u, v, yStride: layout[0].stride, uvStride: layout[1].stride };
  }
  if (frame.format === 'NV12') {
    const u = new Uint8Array(uvStride * chromaRows);
    const v = new Uint8Array(uvStride * chromaRows);
    for (let row = 0; row < chromaRows; row++) {
      const from = layout[1].offset + row * layout[1].stride;
      for (let x = 0; x < uvStride; x++) {
        u[row * uvStride + x] = buffer[from + 2 * x];
        v[row * uvStride + x] = buffer[from + 2 * x + 1];
      }
    }
    return { width, height, y, u, v, yStride: layout[0].stride, uvStride };
  }
  throw new ProtocolError('UNSUPPORTED', `WebCodecs decoded to ${frame.format}, not I420 or NV12`, 'H.264');
}

/**
 * An {@link H264DecoderFactory} over the browser's WebCodecs `VideoDecoder` (Annex B, `optimizeForLatency`, so
 * each access unit's picture comes out before the next is fed): pictures are copied out as BGRA, or as their
 * planes for AVC444 (which it therefore offers). Access units before the first key frame produce no picture.
 * Throws UNSUPPORTED where WebCodecs is missing.
 *
 * @example
 * const viewer = new RdpViewer({ crypto, transport, graphicsPipeline: true, h264Decoder: webCodecsH264Decoder });
 */
export const webCodecsH264Decoder: H264DecoderFactory = Object.assign(
  (): H264Decoder => {
    const codecs = globalThis as unknown as Partial<WebCodecs>;
    if (!codecs.VideoDecoder || !codecs.EncodedVideoChunk) {
      throw new ProtocolError('UNSUPPORTED', 'this runtime has no WebCodecs VideoDecoder', 'H.264');
    }
    const Chunk = codecs.EncodedVideoChunk;
    /** Each decode waiting for its frame, with how it reads the frame out. */
    const pending: { read(frame: VideoFrameLike): void; resolve(p: undefined): void; reject(e: Error): void }[] = [];
    let failure: Error | undefined;
    const decoder = new codecs.VideoDecoder({
      output: (frame) => {
        const waiter = pending.shift();
        if (waiter) waiter.read(frame);
        else frame.close();
      },
      error: (error) => {
        failure = error;
        for (const waiter of pending.splice(0)) waiter.reject(error);
      },
    });
    decoder.configure({ codec: AVC_CODEC, optimizeForLatency: true });
    let keySeen = false;
    let timestamp = 0;
    /** Feeds one access unit; `read` turns its frame into the result (and closes it). */
    const feed = <T>(accessUnit: Uint8Array, read: (frame: VideoFrameLike) => Promise<T>): Promise<T | undefined> => {
      if (failure) return Promise.reject(new ProtocolError('INVALID', `H.264: ${failure.message}`, 'H.264'));
      const key = isKeyAccessUnit(accessUnit);
      if (!key && !keySeen) return Promise.resolve(undefined);
      keySeen = true;
      return new Promise<T | undefined>((resolve, reject) => {
        const fail = (e: Error) => reject(new ProtocolError('INVALID', `H.264: ${e.message}`, 'H.264'));
        pending.push({
          read: (frame) =>
            read(frame).then(
              (result) => {
                frame.close();
                resolve(result);
              },
              (error: Error) => {
                frame.close();
                fail(error);
              },
            ),
          resolve,
          reject: fail,
        });
        decoder.decode(new Chunk({ type: key ? 'key' : 'delta', timestamp: timestamp++, data: accessUnit }));
      });
    };
    const h264: H264Decoder = {
      decode(accessUnit) {
        return feed(accessUnit, async (frame): Promise<H264Picture> => {
          const width = frame.displayWidth;
          const height = frame.displayHeight;
          const data = new Uint8Array(width * height * 4);
          await frame.copyTo(data, { format: 'BGRA', colorSpace: 'srgb' });
          return { width, height, data };
        });
      },
      decodePlanes(accessUnit) {
        return feed(accessUnit, (frame) => framePlanes(frame));
      },
      close() {
        if (decoder.state !== 'closed') decoder.close();
        for (const waiter of pending.splice(0)) waiter.resolve(undefined);
      },
    };
    return h264;
  },
  { yuvPlanes: true },
);
