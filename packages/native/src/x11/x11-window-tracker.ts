import { NativeError } from '../errors.js';
import { isInteger } from '../geometry.js';
import type { WindowEvent, WindowInfo, WindowTracker } from '../window-tracker.js';
import { windowFromRaw, type X11Connection } from './x11-connection.js';

/** {@link WindowTracker} for X11 (EWMH, or ICCCM rules without a window manager). */
export class X11WindowTracker implements WindowTracker {
  private closed = false;

  constructor(private readonly connection: X11Connection) {
    connection.acquire();
  }

  private live(): X11Connection {
    if (this.closed) throw new NativeError('CLOSED', `the window tracker for ${this.connection.display} is closed`);
    return this.connection;
  }

  list(): WindowInfo[] {
    return this.live()
      .call((raw) => raw.windows())
      .map(windowFromRaw);
  }

  popups(): WindowInfo[] {
    return this.live()
      .call((raw) => raw.popups())
      .map(windowFromRaw);
  }

  onPopupsChange(listener: (popups: WindowInfo[]) => void): () => void {
    return this.live().onPopups(listener);
  }

  async activate(id: number): Promise<void> {
    const connection = this.live();
    if (!isInteger(id) || id <= 0)
      throw new NativeError('INVALID_ARGUMENT', `window id must be a positive integer, got ${id}`);
    await connection.request((raw) => raw.activate(id));
  }

  onChange(listener: (event: WindowEvent) => void): () => void {
    return this.live().onWindow(listener);
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
