import type { CursorImage, CursorSource } from '../cursor-source.js';
import { NativeError, toNativeError, translated } from '../errors.js';
import type { Point } from '../geometry.js';
import { cursorFromRaw, type X11Connection } from './x11-connection.js';

/** {@link CursorSource} for X11: XFixes cursor images and the core pointer position. */
export class X11CursorSource implements CursorSource {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  private live() {
    if (this.closed) throw new NativeError('CLOSED', `the cursor source for ${this.connection.display} is closed`);
    return this.connection.native();
  }

  current(): CursorImage {
    const raw = translated(() => this.live().cursor());
    if (!raw) throw new NativeError('CAPTURE_FAILED', 'the X server reported no cursor image');
    return cursorFromRaw(raw);
  }

  async position(): Promise<Point> {
    const raw = this.live();
    try {
      return await raw.pointer();
    } catch (error) {
      throw toNativeError(error);
    }
  }

  onChange(listener: (image: CursorImage) => void): () => void {
    this.live();
    return this.connection.onCursor(listener);
  }

  onMove(listener: (position: Point) => void): () => void {
    this.live();
    return this.connection.onPointer(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.release();
  }
}
