import type { FrameRect, PointerView, RdpViewer } from '@rdshare/viewer';

/**
 * Paints the viewer's frame buffer on a canvas, only the rectangles that changed, and the sharer's pointer on an
 * overlay canvas of the same size (so CSS scaling keeps both aligned).
 */
export class DesktopCanvas {
  private image?: ImageData;
  private readonly context: CanvasRenderingContext2D;
  private readonly cursorContext: CanvasRenderingContext2D;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly cursor: HTMLCanvasElement,
  ) {
    this.context = context2d(canvas);
    this.cursorContext = context2d(cursor);
  }

  /** Sizes the canvases to the shared desktop and paints all of it. */
  reset(viewer: RdpViewer): void {
    const fb = viewer.frameBuffer;
    if (!fb) return;
    for (const c of [this.canvas, this.cursor]) {
      c.width = fb.width;
      c.height = fb.height;
    }
    this.image = this.context.createImageData(fb.width, fb.height);
    this.paint(viewer, { x: 0, y: 0, width: fb.width, height: fb.height });
  }

  paint(viewer: RdpViewer, rect: FrameRect): void {
    const fb = viewer.frameBuffer;
    if (!fb || !this.image || this.image.width !== fb.width || this.image.height !== fb.height) {
      this.reset(viewer);
      return;
    }
    const stride = fb.width * 4;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      const start = y * stride + rect.x * 4;
      this.image.data.set(fb.data.subarray(start, start + rect.width * 4), start);
    }
    this.context.putImageData(this.image, 0, 0, rect.x, rect.y, rect.width, rect.height);
  }

  drawPointer(pointer: PointerView): void {
    this.cursorContext.clearRect(0, 0, this.cursor.width, this.cursor.height);
    const image = pointer.image;
    if (!pointer.visible || !image || image.width === 0 || image.height === 0) return;
    const data = new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height);
    // drawImage blends the cursor's alpha over the desktop; putImageData would replace it.
    createImageBitmap(data).then((bitmap) => {
      this.cursorContext.clearRect(0, 0, this.cursor.width, this.cursor.height);
      this.cursorContext.drawImage(bitmap, pointer.x - image.hotX, pointer.y - image.hotY);
      bitmap.close();
    });
  }

  /** Desktop coordinates of a mouse event on the (possibly scaled) canvas, clamped to the desktop. */
  desktopPoint(event: MouseEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    const clamp = (v: number, max: number) => Math.max(0, Math.min(max - 1, Math.round(v)));
    return {
      x: clamp(((event.clientX - box.left) * this.canvas.width) / box.width, this.canvas.width),
      y: clamp(((event.clientY - box.top) * this.canvas.height) / box.height, this.canvas.height),
    };
  }
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: false });
  if (!context) throw new Error('this browser gives no 2D canvas');
  return context;
}
