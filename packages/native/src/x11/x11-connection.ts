import type { CursorImage } from '../cursor-source.js';
import { NativeError, translated } from '../errors.js';
import { type Point, type Rect, rectsFromQuads, type Size } from '../geometry.js';
import { loadAddon } from '../loader.js';
import type { RawCursor, RawDelivery, RawDesktop, RawWindow } from '../native-binding.js';
import type { WindowEvent, WindowInfo } from '../window-tracker.js';

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
    mapped: raw.mapped,
    stackIndex: raw.stackIndex,
  };
}

function resolveDisplay(display: string | undefined): string {
  const name = display ?? process.env.DISPLAY;
  if (!name) {
    throw new NativeError(
      'NO_DISPLAY',
      'no X display was given and DISPLAY is not set; pass one (e.g. ":99") or export DISPLAY, after starting a server if needed (e.g. Xvfb :99)',
    );
  }
  return name;
}

/**
 * One native connection set shared by the facades opened together; it closes when the last of them
 * closes. Listeners are fanned out here, and the native side is only asked for the optional streams
 * (damage, pointer sampling) and to keep the process alive while someone listens.
 */
export class X11Connection {
  readonly display: string;
  private raw: RawDesktop | undefined;
  private closedReason: NativeError | undefined;
  private users = 0;
  private readonly damageIntervalMs: number;
  private readonly damage = new Set<Listener<Rect[]>>();
  private readonly resize = new Set<Listener<Size>>();
  private readonly cursor = new Set<Listener<CursorImage>>();
  private readonly pointer = new Set<Listener<Point>>();
  private readonly windows = new Set<Listener<WindowEvent>>();

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
      throw this.explainOpenFailure(error);
    }
  }

  private explainOpenFailure(error: unknown): unknown {
    const code = (error as { code?: unknown }).code;
    if (code === 'DISPLAY_REFUSED') {
      const number = /:(\d+)/.exec(this.display)?.[1] ?? 'N';
      return new NativeError(
        'DISPLAY_REFUSED',
        `cannot connect to X display ${this.display}: no server is running there or it refused this client; start one (e.g. Xvfb :${number}) or, if it runs, allow this user (xhost +SI:localuser:$(id -un), or point XAUTHORITY at its cookie file)`,
        { cause: error },
      );
    }
    return translated(() => {
      throw error;
    });
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

  /** The live native object, or a `CLOSED` / `CONNECTION_LOST` error. */
  native(): RawDesktop {
    if (this.raw) return this.raw;
    throw this.closedReason ?? new NativeError('CLOSED', `the connection to ${this.display} is closed`);
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
    const listening = this.damage.size + this.resize.size + this.cursor.size + this.pointer.size + this.windows.size;
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
    if (delivery.lost) {
      this.closedReason = new NativeError('CONNECTION_LOST', `the X server at ${this.display} closed the connection`);
      this.shutdown();
    }
  }

  private shutdown(): void {
    const raw = this.raw;
    this.raw = undefined;
    for (const set of [this.damage, this.resize, this.cursor, this.pointer, this.windows]) set.clear();
    raw?.close();
  }
}

// A throwing listener must not starve the others, nor kill the event thread's delivery.
function emit<T>(listeners: Set<Listener<T>>, value: T): void {
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
