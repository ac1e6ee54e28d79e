import { NativeError, translated } from '../errors.js';
import type { WindowEvent, WindowInfo, WindowTracker } from '../window-tracker.js';
import { windowFromRaw, type X11Connection } from './x11-connection.js';

/** {@link WindowTracker} for X11 (EWMH, or ICCCM rules without a window manager). */
export class X11WindowTracker implements WindowTracker {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  private live() {
    if (this.closed) throw new NativeError('CLOSED', `the window tracker for ${this.connection.display} is closed`);
    return this.connection.native();
  }

  list(): WindowInfo[] {
    const raw = this.live();
    return translated(() => raw.windows()).map(windowFromRaw);
  }

  onChange(listener: (event: WindowEvent) => void): () => void {
    this.live();
    return this.connection.onWindow(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.release();
  }
}
