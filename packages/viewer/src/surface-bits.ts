import {
  CLIENT_REMOTEFX_CODEC_ID,
  ProtocolError,
  RfxDecoder,
  type SurfaceCommand,
  SurfaceCommandType,
  SurfaceFrameAction,
} from '@rdshare/protocol';
import type { FrameBuffer, FrameRect } from './frame-buffer.js';

const BYTES_PER_PIXEL = 4;
/** RemoteFX tiles are 64x64 BGRA. */
const TILE_STRIDE = 64 * BYTES_PER_PIXEL;

/** What surface commands a viewer that offered surface codecs has drawn, for tests and statistics. */
export interface SurfaceBitsStats {
  /** Set and Stream Surface Bits commands drawn, by the codecID of their TS_BITMAP_DATA_EX. */
  codecs: Map<number, number>;
  /** Frames a Frame Marker ended (each acknowledged when the server asked for acknowledgements). */
  frames: number;
}

/**
 * Draws surface commands (MS-RDPBCGR 2.2.9.2) into the frame buffer: RemoteFX surface bits through one
 * RfxDecoder for the connection (the server sends the stream's header messages once, then only frames), tiles
 * placed relative to the command's destLeft/destTop. Bits in any other codecID end the connection: the viewer
 * offered no other codec, so the server broke the negotiation.
 *
 * @internal
 */
export class SurfaceBits {
  readonly stats: SurfaceBitsStats = { codecs: new Map(), frames: 0 };
  private readonly remoteFx = new RfxDecoder();

  /** Applies one update's commands; returns the area of the frame each bits command changed. */
  apply(commands: readonly SurfaceCommand[], frame: FrameBuffer): FrameRect[] {
    const changed: FrameRect[] = [];
    for (const c of commands) {
      if (c.cmdType === SurfaceCommandType.FRAME_MARKER) {
        if (c.frameAction === SurfaceFrameAction.SURFACECMD_FRAMEACTION_END) this.stats.frames++;
        continue;
      }
      const { codecId, bitmapData } = c.bitmap;
      if (codecId !== CLIENT_REMOTEFX_CODEC_ID)
        throw new ProtocolError(
          'UNSUPPORTED',
          `surface bits in codecID ${codecId}, which this viewer did not offer (RemoteFX is ${CLIENT_REMOTEFX_CODEC_ID})`,
          'TS_BITMAP_DATA_EX',
        );
      this.stats.codecs.set(codecId, (this.stats.codecs.get(codecId) ?? 0) + 1);
      const area = this.drawRemoteFx(bitmapData, c.destLeft, c.destTop, frame);
      if (area) changed.push(area);
    }
    return changed;
  }

  /** Decodes a RemoteFX message stream at (`originX`, `originY`); returns the bounds of what it drew. */
  private drawRemoteFx(data: Uint8Array, originX: number, originY: number, frame: FrameBuffer): FrameRect | undefined {
    let left = Number.POSITIVE_INFINITY;
    let top = Number.POSITIVE_INFINITY;
    let right = 0;
    let bottom = 0;
    this.remoteFx.decode(data, (pixels, x, y, rects) => {
      for (const r of rects) {
        const offset = ((r.top - y) * 64 + (r.left - x)) * BYTES_PER_PIXEL;
        const drawn = frame.writeBgra(
          pixels,
          offset,
          TILE_STRIDE,
          originX + r.left,
          originY + r.top,
          r.right - r.left,
          r.bottom - r.top,
        );
        if (!drawn) continue;
        left = Math.min(left, drawn.x);
        top = Math.min(top, drawn.y);
        right = Math.max(right, drawn.x + drawn.width);
        bottom = Math.max(bottom, drawn.y + drawn.height);
      }
    });
    return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top } : undefined;
  }
}
