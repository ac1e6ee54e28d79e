import type { CursorImage } from '../cursor-source.js';
import { NativeError, toNativeError } from '../errors.js';
import { type Point, type Rect, rectsFromQuads, type Size } from '../geometry.js';
import { loadAddon } from '../loader.js';
import type { RawCursor, RawDelivery, RawDesktop, RawWindow } from '../native-binding.js';
import type { WindowEvent, WindowInfo } from '../window-tracker.js';
import { explainConnectFailure, resolveDisplay } from './x11-display-name.js';

/** Options shared by every factory. */
export interface DisplayOptions {
  /**
   * Minimum time between two damage deliveries in milliseconds. 0 (the default) delivers at most once
   * per turn of the event loop with whatever accumulated meanwhile.
   */
  damageIntervalMs?: number;
}

type Listener<T> = (value: T) => void;

export function cursorFromRaw(raw: RawCursor): CursorImage {
  return {
    width: raw.width,
    height: raw.height,
    xhot: raw.xhot,
    yhot: raw.yhot,
    pixels: raw.pixels,
    serial: raw.serial,
  };
}

export function windowFromRaw(raw: RawWindow): WindowInfo {
  return {
    id: raw.id,
    title: raw.title,
    pid: raw.pid,
    application: raw.application,
    instance: raw.instance,
    rect: { x: raw.x, y: raw.y, width: raw.width, height: raw.height },
    frame: { x: raw.frameX, y: raw.frameY, width: raw.frameWidth, height: raw.frameHeight },
    mapped: raw.mapped,
    stackIndex: raw.stackIndex,
  };
}

/**
 * One native connection set shared by the facades opened together; it closes when the last of them
 * closes. Listeners are fanned out here, and the native side is only asked for the optional streams
 * (damage, pointer sampling) and to keep the process alive while someone listens.
 */
export class X11Connection {
  readonly display: string;
  private raw: RawDesktop | undefined;
  /** Set once the X server is gone; every later call throws a `DISPLAY_LOST` error with this message. */
  private lostMessage: string | undefined;
  private users = 0;
  private readonly damageIntervalMs: number;
  private readonly damage = new Set<Listener<Rect[]>>();
  private readonly resize = new Set<Listener<Size>>();
  private readonly cursor = new Set<Listener<CursorImage>>();
  private readonly pointer = new Set<Listener<Point>>();
  private readonly windows = new Set<Listener<WindowEvent>>();
  private readonly popups = new Set<Listener<WindowInfo[]>>();
  private readonly lost = new Set<Listener<NativeError>>();

  constructor(display: string | undefined, options: DisplayOptions = {}) {
    this.display = resolveDisplay(display);
    const interval = options.damageIntervalMs ?? 0;
    if (!Number.isFinite(interval) || interval < 0 || interval > 60_000) {
      throw new NativeError('INVALID_ARGUMENT', `damageIntervalMs must be 0..60000, got ${interval}`);
    }
    this.damageIntervalMs = Math.round(interval);
    const { NativeDesktop } = loadAddon();
    try {
      this.raw = new NativeDesktop(this.display, (delivery) => this.deliver(delivery));
    } catch (error) {
      throw explainConnectFailure(this.display, error);
    }
  }

  /** Registers one more facade on this connection. */
  acquire(): void {
    this.users++;
  }

  /** Drops one facade; the last one closes the native connection. */
  release(): void {
    if (this.users > 0 && --this.users === 0) this.shutdown();
  }

  get closed(): boolean {
    return this.raw === undefined;
  }

  /** The live native object, or a `CLOSED` / `DISPLAY_LOST` error. */
  native(): RawDesktop {
    if (this.raw) return this.raw;
    if (this.lostMessage !== undefined) throw new NativeError('DISPLAY_LOST', this.lostMessage);
    throw new NativeError('CLOSED', `the connection to ${this.display} is closed`);
  }

  /** Runs `use` on the native object; its errors come out as NativeError, and a lost display is noticed. */
  call<T>(use: (raw: RawDesktop) => T): T {
    const raw = this.native();
    try {
      return use(raw);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** {@link call} for the addon's asynchronous requests (captures, pointer queries). */
  async request<T>(use: (raw: RawDesktop) => Promise<T>): Promise<T> {
    const raw = this.native();
    try {
      return await use(raw);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): unknown {
    const translatedError = toNativeError(error);
    if (!(translatedError instanceof NativeError) || translatedError.code !== 'DISPLAY_LOST') return translatedError;
    // A request can meet the broken socket before the event thread reports it; either way the loss is
    // announced once, and every caller gets the same message.
    this.lose();
    return new NativeError('DISPLAY_LOST', this.lostMessage ?? translatedError.message);
  }

  onDamage(listener: Listener<Rect[]>): () => void {
    return this.subscribe(this.damage, listener);
  }
  onResize(listener: Listener<Size>): () => void {
    return this.subscribe(this.resize, listener);
  }
  onCursor(listener: Listener<CursorImage>): () => void {
    return this.subscribe(this.cursor, listener);
  }
  onPointer(listener: Listener<Point>): () => void {
    return this.subscribe(this.pointer, listener);
  }
  onWindow(listener: Listener<WindowEvent>): () => void {
    return this.subscribe(this.windows, listener);
  }
  onPopups(listener: Listener<WindowInfo[]>): () => void {
    return this.subscribe(this.popups, listener);
  }
  onLost(listener: Listener<NativeError>): () => void {
    return this.subscribe(this.lost, listener);
  }

  private subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
    this.native();
    if (typeof listener !== 'function') throw new NativeError('INVALID_ARGUMENT', 'listener must be a function');
    set.add(listener);
    this.updateInterest();
    return () => {
      if (set.delete(listener)) this.updateInterest();
    };
  }

  private updateInterest(): void {
    if (!this.raw) return;
    const listening =
      this.damage.size + this.resize.size + this.cursor.size + this.pointer.size + this.windows.size + this.popups.size;
    this.raw.setInterest(this.damage.size > 0, this.pointer.size > 0, this.damageIntervalMs);
    this.raw.setRef(listening > 0);
  }

  private deliver(delivery: RawDelivery): void {
    if (!this.raw) return;
    if (delivery.resize) emit(this.resize, delivery.resize);
    if (delivery.damage && delivery.damage.length > 0) emit(this.damage, rectsFromQuads(delivery.damage));
    if (delivery.cursor) emit(this.cursor, cursorFromRaw(delivery.cursor));
    if (delivery.pointer) emit(this.pointer, delivery.pointer);
    for (const change of delivery.windows ?? []) {
      emit(this.windows, { type: change.type, window: windowFromRaw(change.window) });
    }
    if (delivery.popups) emit(this.popups, delivery.popups.map(windowFromRaw));
    if (delivery.lost) this.lose();
  }

  /** The X server is gone: release everything native and tell the `onLost` listeners, once. */
  private lose(): void {
    if (!this.raw) return;
    this.lostMessage = `the X server of display ${this.display} is gone (it exited, crashed or closed the connection); open the display again once a server runs there`;
    const listeners = [...this.lost];
    this.shutdown();
    emit(listeners, new NativeError('DISPLAY_LOST', this.lostMessage));
  }

  private shutdown(): void {
    const raw = this.raw;
    this.raw = undefined;
    for (const set of [this.damage, this.resize, this.cursor, this.pointer, this.windows, this.popups, this.lost]) {
      set.clear();
    }
    raw?.close();
  }
}

// A throwing listener must not starve the others, nor kill the event thread's delivery.
function emit<T>(listeners: Iterable<Listener<T>>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
