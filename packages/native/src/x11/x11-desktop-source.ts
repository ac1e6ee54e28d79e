import type { DesktopSource } from '../desktop-source.js';
import { NativeError } from '../errors.js';
import { allocateFrameIn, assertFrame, assertRectInside, type Frame } from '../frame.js';
import { isInteger, type Point, type Rect, type Size } from '../geometry.js';
import type { X11Connection } from './x11-connection.js';

/** {@link DesktopSource} for an X11 screen: MIT-SHM capture, XDamage changes, RandR sizes. */
export class X11DesktopSource implements DesktopSource {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  get display(): string {
    return this.connection.display;
  }
  get width(): number {
    return this.geometry().width;
  }
  get height(): number {
    return this.geometry().height;
  }
  get depth(): number {
    return this.geometry().depth;
  }

  private geometry() {
    return this.live().call((raw) => raw.geometry());
  }

  private live(): X11Connection {
    if (this.closed) throw new NativeError('CLOSED', `the desktop source for ${this.display} is closed`);
    return this.connection;
  }

  async capture(rect: Rect, into: Frame, at: Point = { x: 0, y: 0 }): Promise<void> {
    const connection = this.live();
    assertFrame(into, 'capture target');
    if (!isInteger(at?.x) || !isInteger(at?.y))
      throw new NativeError('INVALID_ARGUMENT', 'at must have integer x and y');
    assertRectInside(rect, this.geometry(), 'capture rectangle');
    assertRectInside({ x: at.x, y: at.y, width: rect.width, height: rect.height }, into, 'capture destination');
    const offset = at.y * into.stride + at.x * 4;
    await connection.request((raw) =>
      raw.capture(rect.x, rect.y, rect.width, rect.height, into.data, offset, into.stride),
    );
  }

  /**
   * A frame in memory shared with the X server where it can have it: a capture of whole rows of the frame (a
   * full-width band) lands there without a copy. Ordinary memory otherwise (shared memory limits reached).
   */
  allocateFrame(width?: number, height?: number): Frame {
    const size = this.geometry();
    return allocateFrameIn(width ?? size.width, height ?? size.height, (bytes) =>
      this.live().call((raw) => raw.allocateShared(bytes)),
    );
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    return this.live().onDamage(listener);
  }

  onResize(listener: (size: Size) => void): () => void {
    return this.live().onResize(listener);
  }

  onLost(listener: (error: NativeError) => void): () => void {
    return this.live().onLost(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.release();
  }
}
