import type { CursorSource } from './cursor-source.js';
import type { DesktopSource } from './desktop-source.js';
import type { DisplayClaim } from './display-claim.js';
import { NativeError } from './errors.js';
import type { InputSink } from './input-sink.js';
import type { WindowTracker } from './window-tracker.js';
import { type DisplayOptions, X11Connection } from './x11/x11-connection.js';
import { X11CursorSource } from './x11/x11-cursor-source.js';
import { X11DesktopSource } from './x11/x11-desktop-source.js';
import { X11DisplayClaim } from './x11/x11-display-claim.js';
import { X11InputSink } from './x11/x11-input-sink.js';
import { X11WindowTracker } from './x11/x11-window-tracker.js';

export type { DisplayOptions };

/** Everything a sharer needs from one desktop, over one set of connections. */
export interface Desktop {
  source: DesktopSource;
  cursor: CursorSource;
  input: InputSink;
  windows: WindowTracker;
  /**
   * Calls `listener` once when the X server goes away (see {@link DesktopSource.onLost}); all four objects
   * then throw `DISPLAY_LOST`.
   * @returns a function that removes the listener.
   */
  onLost(listener: (error: NativeError) => void): () => void;
  /** Closes all four; the connection goes away when the last of them is closed. */
  close(): void;
}

function assertX11Platform(): void {
  // X11 is the only backend; other Unix systems run X servers too.
  if (!['linux', 'freebsd', 'openbsd', 'netbsd'].includes(process.platform)) {
    throw new NativeError('UNSUPPORTED_PLATFORM', `no desktop backend for ${process.platform}; only X11 is supported`);
  }
}

function connect(display: string | undefined, options: DisplayOptions | undefined): X11Connection {
  assertX11Platform();
  return new X11Connection(display, options);
}

/**
 * Opens a desktop: `display` is an X display name such as `:99` (default: `DISPLAY`). Opening
 * connects synchronously (a local handshake); everything after that is event-driven or off-thread.
 * @throws {NativeError} `NO_DISPLAY`, `DISPLAY_REFUSED`, `MISSING_EXTENSION` or a loader code.
 *
 * @example
 * ```ts
 * const desktop = openDisplay(':99');
 * console.log(desktop.source.width, desktop.source.height);
 * desktop.onLost((error) => console.error(error.message)); // the X server went away
 * desktop.close();
 * ```
 */
export function openDisplay(display?: string, options?: DisplayOptions): Desktop {
  const connection = connect(display, options);
  const desktop: Desktop = {
    source: new X11DesktopSource(connection),
    cursor: new X11CursorSource(connection),
    input: new X11InputSink(connection),
    windows: new X11WindowTracker(connection),
    onLost: (listener) => connection.onLost(listener),
    close() {
      desktop.source.close();
      desktop.cursor.close();
      desktop.input.close();
      desktop.windows.close();
    },
  };
  return desktop;
}

/**
 * Opens a {@link DesktopSource} on its own connection.
 *
 * @example
 * ```ts
 * const source = createDesktopSource(':99', { damageIntervalMs: 33 }); // at most ~30 damage batches a second
 * const frame = source.allocateFrame();
 * await source.capture({ x: 0, y: 0, width: source.width, height: source.height }, frame);
 * source.close();
 * ```
 */
export function createDesktopSource(display?: string, options?: DisplayOptions): DesktopSource {
  return new X11DesktopSource(connect(display, options));
}

/**
 * Opens a {@link CursorSource} on its own connection.
 *
 * @example
 * ```ts
 * const cursor = createCursorSource(':99');
 * cursor.onChange(({ width, height, serial }) => console.log(`cursor ${serial}: ${width}x${height}`));
 * console.log(await cursor.position());
 * ```
 */
export function createCursorSource(display?: string): CursorSource {
  return new X11CursorSource(connect(display, undefined));
}

/**
 * Opens an {@link InputSink} on its own connection.
 *
 * @example
 * ```ts
 * const input = createInputSink(':99');
 * input.mouseMove(100, 200);
 * input.mouseButton(MouseButton.Left, true);
 * input.mouseButton(MouseButton.Left, false);
 * input.close();
 * ```
 */
export function createInputSink(display?: string): InputSink {
  return new X11InputSink(connect(display, undefined));
}

/**
 * Opens a {@link WindowTracker} on its own connection.
 *
 * @example
 * ```ts
 * const windows = createWindowTracker(':99');
 * for (const w of windows.list()) console.log(w.id, w.application, w.title);
 * ```
 */
export function createWindowTracker(display?: string): WindowTracker {
  return new X11WindowTracker(connect(display, undefined));
}

/**
 * Claims `display` (default: `DISPLAY`) for one sharing session: the first claim on an X screen wins,
 * whichever process makes it, until it is released or its process ends (the X server drops the claim of
 * a dead client by itself). Claim before {@link openDisplay} to refuse a second session on a desktop.
 *
 * @example
 * ```ts
 * const claim = claimDisplay(':99', 'Team standup');
 * try {
 *   const desktop = openDisplay(':99');
 *   // ... share it ...
 * } finally {
 *   claim.release();
 * }
 * ```
 * @throws {NativeError} `DISPLAY_IN_USE` when another rdshare session holds it (the message names that
 *   session, its pid and host); `NO_DISPLAY`, `DISPLAY_REFUSED`, `INVALID_ARGUMENT` or a loader code.
 */
export function claimDisplay(display?: string, name = 'rdshare'): DisplayClaim {
  assertX11Platform();
  if (typeof name !== 'string' || name.length > 256) {
    throw new NativeError('INVALID_ARGUMENT', 'the session name must be a string of at most 256 characters');
  }
  return new X11DisplayClaim(display, name);
}
