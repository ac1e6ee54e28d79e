import type { CursorImage, CursorSource } from '../cursor-source.js';
import { NativeError } from '../errors.js';
import type { Point } from '../geometry.js';
import { cursorFromRaw, type X11Connection } from './x11-connection.js';

/** {@link CursorSource} for X11: XFixes cursor images and the core pointer position. */
export class X11CursorSource implements CursorSource {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  private live(): X11Connection {
    if (this.closed) throw new NativeError('CLOSED', `the cursor source for ${this.connection.display} is closed`);
    return this.connection;
  }

  current(): CursorImage {
    const raw = this.live().call((native) => native.cursor());
    if (!raw) throw new NativeError('CAPTURE_FAILED', 'the X server reported no cursor image');
    return cursorFromRaw(raw);
  }

  async position(): Promise<Point> {
    return this.live().request((native) => native.pointer());
  }

  onChange(listener: (image: CursorImage) => void): () => void {
    return this.live().onCursor(listener);
  }

  onMove(listener: (position: Point) => void): () => void {
    return this.live().onPointer(listener);
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
