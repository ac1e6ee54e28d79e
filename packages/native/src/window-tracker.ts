import type { NativeError } from './errors.js';
import type { Rect } from './geometry.js';

/** A top-level window. */
export interface WindowInfo {
  /** The X window id of the client window. */
  id: number;
  /** `_NET_WM_NAME`, else `WM_NAME`; empty when unset. */
  title: string;
  /**
   * The client's process: `_NET_WM_PID`, else the pid the X server knows for a local client (X-Resource);
   * 0 when neither tells (a remote client that does not say).
   */
  pid: number;
  /** The application the window belongs to: the class part of `WM_CLASS` (e.g. `XTerm`); empty when unset. */
  application: string;
  /** The instance part of `WM_CLASS` (e.g. `xterm`). */
  instance: string;
  /** The client area (the application's own pixels) in root coordinates. */
  rect: Rect;
  /**
   * What the window covers on screen, in root coordinates: the window manager's frame around the client
   * (title bar and borders included), or without a manager the window itself with its border. Use it to
   * find what hides a window beneath; `rect` is what the application draws.
   */
  frame: Rect;
  /** Whether the window is viewable (mapped, and all its ancestors too). */
  mapped: boolean;
  /** Position in the stacking order, 0 at the bottom. */
  stackIndex: number;
}

/** A change to the window list. `closed` carries the window's last known state. */
export interface WindowEvent {
  type: 'opened' | 'closed' | 'updated';
  window: WindowInfo;
}

/**
 * Follows the top-level windows of a desktop. With an EWMH window manager the list is its
 * `_NET_CLIENT_LIST_STACKING`; without one it is the root's mapped, non-override-redirect children
 * (or their descendants carrying `WM_STATE`), so a window that is unmapped without a manager closes.
 */
export interface WindowTracker {
  /** The current windows, bottom to top (kept current by the event thread; no round trip). */
  list(): WindowInfo[];
  /**
   * Calls `listener` for each change: `opened` and `closed` as windows appear and go, `updated` when one
   * is renamed, moved, resized, restacked, minimized or restored.
   * @returns a function that removes the listener.
   */
  onChange(listener: (event: WindowEvent) => void): () => void;
  /**
   * The mapped override-redirect windows (menus, tooltips, notifications, drag icons), bottom to top. They
   * are not application windows and never appear in {@link WindowTracker.list}, but they cover what lies
   * beneath them: a filter that shows only some windows must blank the popups it does not show (in
   * practice they are stacked above every managed window). `pid` tells which application a popup belongs
   * to (`application` only when its client sets `WM_CLASS`); `frame` is the popup with its border, `rect`
   * inside it; `stackIndex` is its place among popups.
   */
  popups(): WindowInfo[];
  /**
   * Calls `listener` with the whole new popup list whenever it changes (a menu opens, a tooltip moves).
   * @returns a function that removes the listener.
   */
  onPopupsChange(listener: (popups: WindowInfo[]) => void): () => void;
  /**
   * Brings a listed window to the front and gives it the keyboard focus, as a taskbar does (the
   * counterpart of `IRDPSRAPIWindow::Show`). With an EWMH window manager this is a `_NET_ACTIVE_WINDOW`
   * request (which also restores a minimized window); without one the window is raised and focused
   * directly. The promise settles once the X server has processed the request; the new stacking order
   * then arrives as `updated` events.
   * @example
   * ```ts
   * const editor = desktop.windows.list().find((w) => w.application === 'XTerm');
   * if (editor) await desktop.windows.activate(editor.id);
   * ```
   * @throws {NativeError} `NO_SUCH_WINDOW` when `id` is not listed or the server refuses;
   *   `INVALID_ARGUMENT` for a non-integer id.
   */
  activate(id: number): Promise<void>;
  /**
   * Calls `listener` once if the X server goes away (exits, crashes, drops this client), as soon as the
   * event thread sees the socket close. The process is unaffected: from then on every method throws the
   * same `DISPLAY_LOST` {@link NativeError}, and pending promises reject with it.
   * @returns a function that removes the listener.
   */
  onLost(listener: (error: NativeError) => void): () => void;
  /** Releases the connection. Idempotent. */
  close(): void;
}
