import {
  andMaskStride,
  type BitmapBpp,
  FIXED_PALETTE,
  type Palette,
  type PointerShape,
  type PointerUpdate,
  ProtocolError,
  unpackPixel,
  xorMaskStride,
} from '@rdshare/protocol';

/** A pointer image ready to draw: top-down RGBA with straight alpha. */
export interface PointerImage {
  readonly width: number;
  readonly height: number;
  readonly hotX: number;
  readonly hotY: number;
  readonly rgba: Uint8Array;
}

/** What the sharer's pointer looks like and where it is. */
export interface PointerView {
  /** False after PTR_NULL (hidden). */
  readonly visible: boolean;
  /** The shape; undefined means the system default arrow. */
  readonly image?: PointerImage;
  readonly x: number;
  readonly y: number;
}

/** Pointer cache slots kept (the client's Pointer capability announces 25). */
const POINTER_CACHE_SIZE = 25;
const BYTES_PER_PIXEL = 4;
const OPAQUE = 0xff;
/** With 32 bpp XOR masks, an all-zero alpha channel means the AND mask carries the transparency. */
const XOR_BPP_WITH_ALPHA = 32;
/** XOR masks of at most this depth hold palette indexes (MS-RDPBCGR 2.2.9.1.1.4.5: xorBpp 1, 4 or 8). */
const XOR_BPP_MAX_INDEXED = 8;

/**
 * The viewer's model of the sharer's pointer (MS-RDPBCGR 2.2.9.1.1.4): position, visibility, the current shape
 * and the shape cache that Cached Pointer updates index.
 */
export class PointerState {
  private readonly cache: (PointerImage | undefined)[] = new Array(POINTER_CACHE_SIZE).fill(undefined);
  private current: PointerView = { visible: true, x: 0, y: 0 };
  private palette: Palette = FIXED_PALETTE;

  get view(): PointerView {
    return this.current;
  }

  /**
   * Installs the session palette of a palette update: 4 and 8 bpp pointer shapes that follow index it, as 8 bpp
   * bitmaps do (shapes already cached keep their colours).
   */
  setPalette(palette: Palette): void {
    this.palette = palette;
  }

  /** Applies one pointer update; ProtocolError for a cache index out of range or an unknown shape. */
  apply(update: PointerUpdate): PointerView {
    switch (update.type) {
      case 'position':
        this.current = { ...this.current, x: update.x, y: update.y };
        break;
      case 'system':
        this.current =
          update.pointer === 'null'
            ? { visible: false, x: this.current.x, y: this.current.y }
            : { visible: true, x: this.current.x, y: this.current.y };
        break;
      case 'cached': {
        const image = this.cache[this.slot(update.cacheIndex)];
        if (!image)
          throw new ProtocolError(
            'INVALID',
            `cached pointer ${update.cacheIndex} was never sent`,
            'TS_CACHEDPOINTERATTRIBUTE',
          );
        this.current = { visible: true, image, x: this.current.x, y: this.current.y };
        break;
      }
      default: {
        const image = pointerImage(update, this.palette);
        this.cache[this.slot(update.cacheIndex)] = image;
        this.current = { visible: true, image, x: this.current.x, y: this.current.y };
      }
    }
    return this.current;
  }

  private slot(index: number): number {
    if (index >= POINTER_CACHE_SIZE)
      throw new ProtocolError(
        'INVALID',
        `pointer cache index ${index} of ${POINTER_CACHE_SIZE}`,
        'TS_POINTERATTRIBUTE',
      );
    return index;
  }
}

/**
 * Converts the XOR and AND masks (bottom-up rows, MS-RDPBCGR 2.2.9.1.1.4.4) to RGBA. An AND bit of 1 makes the
 * pixel transparent, except where the XOR pixel is set too: that "inverts the screen", drawn here as opaque black
 * since a frame-buffer renderer cannot invert. 32 bpp XOR masks carry their own alpha; 4 and 8 bpp ones index
 * `palette` (the session's, from the last palette update).
 */
export function pointerImage(shape: PointerShape, palette: Palette = FIXED_PALETTE): PointerImage {
  const { width, height, xorBpp, xorMask, andMask } = shape;
  const xorStride = xorMaskStride(width, xorBpp);
  const andStride = andMaskStride(width);
  const hasAnd = andMask.byteLength >= andStride * height;
  if (xorMask.byteLength < xorStride * height)
    throw new ProtocolError(
      'TRUNCATED',
      `XOR mask of ${xorMask.byteLength} bytes for ${width}x${height}`,
      'TS_POINTERATTRIBUTE',
    );
  const rgba = new Uint8Array(width * height * BYTES_PER_PIXEL);
  let alphaSeen = false;
  for (let y = 0; y < height; y++) {
    const xorRow = (height - 1 - y) * xorStride;
    const andRow = (height - 1 - y) * andStride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * BYTES_PER_PIXEL;
      const transparent = hasAnd && ((andMask[andRow + (x >> 3)] >> (7 - (x & 7))) & 1) === 1;
      let rgb: number;
      let alpha = transparent ? 0 : OPAQUE;
      if (xorBpp === XOR_BPP_WITH_ALPHA) {
        const p = xorRow + x * 4;
        rgb = (xorMask[p + 2] << 16) | (xorMask[p + 1] << 8) | xorMask[p];
        alpha = xorMask[p + 3];
        if (alpha !== 0) alphaSeen = true;
      } else if (xorBpp === 1) {
        const set = (xorMask[xorRow + (x >> 3)] >> (7 - (x & 7))) & 1;
        rgb = set ? 0xffffff : 0;
        if (transparent && set) {
          rgb = 0;
          alpha = OPAQUE;
        }
      } else if (xorBpp <= XOR_BPP_MAX_INDEXED) {
        rgb = palette[readPixel(xorMask, xorRow, x, xorBpp)] & 0xffffff;
      } else {
        rgb = unpackPixel(xorBpp as BitmapBpp, readPixel(xorMask, xorRow, x, xorBpp));
      }
      rgba[o] = (rgb >> 16) & 0xff;
      rgba[o + 1] = (rgb >> 8) & 0xff;
      rgba[o + 2] = rgb & 0xff;
      rgba[o + 3] = alpha;
    }
  }
  // A 32 bpp shape without alpha (old servers) takes its transparency from the AND mask instead.
  if (xorBpp === XOR_BPP_WITH_ALPHA && !alphaSeen) {
    for (let y = 0; y < height; y++) {
      const andRow = (height - 1 - y) * andStride;
      for (let x = 0; x < width; x++) {
        const transparent = hasAnd && ((andMask[andRow + (x >> 3)] >> (7 - (x & 7))) & 1) === 1;
        rgba[(y * width + x) * BYTES_PER_PIXEL + 3] = transparent ? 0 : OPAQUE;
      }
    }
  }
  return { width, height, hotX: shape.hotX, hotY: shape.hotY, rgba };
}

function readPixel(mask: Uint8Array, row: number, x: number, bpp: number): number {
  switch (bpp) {
    case 4: {
      const b = mask[row + (x >> 1)];
      return x & 1 ? b & 0x0f : b >> 4;
    }
    case 8:
      return mask[row + x];
    case 15:
    case 16:
      return mask[row + x * 2] | (mask[row + x * 2 + 1] << 8);
    case 24:
      return mask[row + x * 3] | (mask[row + x * 3 + 1] << 8) | (mask[row + x * 3 + 2] << 16);
    default:
      throw new ProtocolError('INVALID', `xorBpp ${bpp}`, 'TS_POINTERATTRIBUTE');
  }
}
