import { ProtocolError } from '@rdshare/protocol';
import type { H264Decoder, H264DecoderFactory } from '../graphics-pipeline/h264-decoder.js';

/** The part of `@rdshare/native`'s OpenH264 decoder used here (an optional peer dependency of this entry). */
interface NativeH264Decoder {
  decode(
    accessUnit: Uint8Array,
    output: Uint8Array,
    options?: { planes?: boolean },
  ): Promise<{ width: number; height: number } | undefined>;
  close(): void;
}
interface NativeModule {
  H264Decoder?: { create(): NativeH264Decoder | Promise<NativeH264Decoder> };
}

/** H.264 codes pictures in 16x16 macroblocks: a decoded picture is at most the surface rounded up to them. */
const MACROBLOCK = 16;

function roundUp(n: number): number {
  return Math.ceil(n / MACROBLOCK) * MACROBLOCK;
}

/**
 * An {@link H264DecoderFactory} over the OpenH264 decoder of `@rdshare/native` (decoding runs off the JS
 * thread, into a buffer the viewer owns: BGRA for AVC420, the planes for AVC444, which it therefore offers). The addon is loaded on first use, so viewers that never receive
 * AVC420 do not need it; a missing addon is an UNSUPPORTED ProtocolError that ends that connection.
 *
 * @example
 * ```ts
 * import { RdpViewer } from '@rdshare/viewer';
 * import { nativeH264Decoder, nodeCryptoProvider, tcpTransport } from '@rdshare/viewer/node';
 *
 * const viewer = new RdpViewer({
 *   crypto: nodeCryptoProvider(),
 *   transport: tcpTransport(),
 *   graphicsPipeline: true,
 *   h264Decoder: nativeH264Decoder(),
 * });
 * await viewer.connect(connectionString, 'Ann', password);
 * ```
 */
export function nativeH264Decoder(): H264DecoderFactory {
  const factory = async (width: number, height: number) => {
    let native: NativeModule;
    try {
      native = (await import('@rdshare/native')) as NativeModule;
    } catch (err) {
      throw new ProtocolError(
        'UNSUPPORTED',
        `AVC420 needs @rdshare/native (${err instanceof Error ? err.message : String(err)})`,
        'H.264',
      );
    }
    if (!native.H264Decoder) {
      throw new ProtocolError('UNSUPPORTED', 'this @rdshare/native has no H264Decoder', 'H.264');
    }
    let decoder: NativeH264Decoder;
    try {
      decoder = await native.H264Decoder.create();
    } catch (err) {
      // H264_UNAVAILABLE: OpenH264 is not installed; the message names the fix.
      throw new ProtocolError('UNSUPPORTED', err instanceof Error ? err.message : String(err), 'H.264');
    }
    const output = new Uint8Array(roundUp(width) * roundUp(height) * 4);
    const h264: H264Decoder = {
      async decode(accessUnit) {
        const picture = await decoder.decode(accessUnit, output);
        if (!picture) return undefined;
        return { width: picture.width, height: picture.height, data: output };
      },
      async decodePlanes(accessUnit) {
        const picture = await decoder.decode(accessUnit, output, { planes: true });
        if (!picture) return undefined;
        const { width, height } = picture;
        const uvStride = Math.ceil(width / 2);
        const chroma = uvStride * Math.ceil(height / 2);
        const y = output.subarray(0, width * height);
        const u = output.subarray(y.length, y.length + chroma);
        const v = output.subarray(y.length + chroma, y.length + 2 * chroma);
        return { width, height, y, u, v, yStride: width, uvStride };
      },
      close() {
        decoder.close();
      },
    };
    return h264;
  };
  // The addon's decoder hands out planes: AVC444 can be advertised.
  return Object.assign(factory, { yuvPlanes: true });
}
