import type { CursorSource } from '@rdshare/native';
import { type ClientCapabilities, encodeFastPathPointerUpdate } from '@rdshare/protocol';
import { PointerCacheSlots, PointerShapes } from './pointer-shapes.js';
import type { Rect } from './tile-grid.js';

/** Where an attendee's pointer updates go: its connection. */
export interface PointerSink {
  sendFastPath(updates: { code: number; data: Uint8Array }[]): void;
  /** Bytes written but not yet handed to the transport. */
  backlog(): number;
  /** Calls `listener` when the backlog drained; returns an unsubscribe function. */
  onDrain(listener: () => void): () => void;
}

/**
 * Pointer updates for an attendee wait while this many bytes are queued for it (its socket or its reader is
 * slow); the same mark as its graphics stream.
 */
export const POINTER_HIGH_WATER_MARK = 256 * 1024;

/** What an attendee wants of the pointer now; asked again on every `refresh()`. */
export interface PointerWishes {
  /** Whether it sees the pointer at all (it watches: a level above NONE, the session not paused). */
  shape(): boolean;
  /** Whether it wants position updates (it watches and does not steer). */
  position(): boolean;
}

interface PointerViewer {
  /** The current shape is due (sent as soon as the attendee's backlog allows). */
  sendShape(): void;
  /** This position is due, replacing any position still waiting. */
  sendPosition(x: number, y: number): void;
  wishes: PointerWishes;
  /** The shape changed while the attendee did not see the pointer: it gets the current one when it does again. */
  shapeStale: boolean;
  stopDrain: () => void;
}

/**
 * The sharer's pointer fanned out to the attendees: shapes through each client's pointer cache (a shape seen
 * before goes as a cached-pointer update) to attendees that see the pointer, positions only to attendees that
 * want them. The pointer is followed only while someone wants its position: nobody watching costs nothing.
 * Latest wins: while an attendee's backlog is above the high-water mark nothing is queued for it; when it drains
 * it gets the newest shape and the newest position, whatever happened meanwhile.
 */
export class PointerFanout {
  private readonly shapes = new PointerShapes();
  private readonly viewers = new Map<object, PointerViewer>();
  private readonly stopShapes: () => void;
  private stopTracking?: () => void;

  constructor(
    private readonly cursor: CursorSource,
    /** The shared area in screen pixels: positions are sent relative to it, clipped to it. */
    private readonly area: () => Rect,
  ) {
    this.shapes.update(cursor.current());
    this.stopShapes = cursor.onChange((image) => {
      if (this.shapes.update(image)) for (const v of this.viewers.values()) this.offerShape(v);
    });
  }

  /**
   * Adds an attendee (`key` identifies it for `remove`); it gets the current shape once it sees the pointer.
   * `wishes` are asked again whenever `refresh()` is called, e.g. after its control level changed.
   */
  add(key: object, sink: PointerSink, capabilities: ClientCapabilities, wishes: PointerWishes): void {
    const slots = new PointerCacheSlots(capabilities.pointerCacheSize || capabilities.colorPointerCacheSize);
    const large = capabilities.largePointerFlags !== 0;
    let shapeDue = false;
    let positionDue: { x: number; y: number } | undefined;
    const flush = () => {
      if (sink.backlog() >= POINTER_HIGH_WATER_MARK) return;
      if (shapeDue) {
        shapeDue = false;
        const serial = this.shapes.serial;
        if (serial !== undefined) {
          const { slot, hit } = slots.place(serial);
          const update = hit
            ? encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: slot })
            : this.shapes.shapeUpdate(slot, large);
          if (update) sink.sendFastPath([update]);
          else slots.forget(slot);
        }
      }
      if (positionDue) {
        sink.sendFastPath([encodeFastPathPointerUpdate({ type: 'position', ...positionDue })]);
        positionDue = undefined;
      }
    };
    const viewer: PointerViewer = {
      sendShape: () => {
        shapeDue = true;
        flush();
      },
      sendPosition: (x, y) => {
        positionDue = { x, y };
        flush();
      },
      wishes,
      shapeStale: true,
      stopDrain: sink.onDrain(flush),
    };
    this.viewers.set(key, viewer);
    this.offerShape(viewer);
  }

  private offerShape(viewer: PointerViewer): void {
    viewer.shapeStale = !viewer.wishes.shape();
    if (!viewer.shapeStale) viewer.sendShape();
  }

  remove(key: object): void {
    this.viewers.get(key)?.stopDrain();
    this.viewers.delete(key);
    this.refresh();
  }

  /** Sends shapes to attendees that see the pointer again, and starts or stops following it as wishes changed. */
  refresh(): void {
    for (const v of this.viewers.values()) if (v.shapeStale) this.offerShape(v);
    const wanted = [...this.viewers.values()].some((v) => v.wishes.position());
    if (wanted && !this.stopTracking) {
      this.stopTracking = this.cursor.onMove(({ x, y }) => {
        const a = this.area();
        const ax = Math.min(Math.max(x - a.x, 0), a.width - 1);
        const ay = Math.min(Math.max(y - a.y, 0), a.height - 1);
        for (const v of this.viewers.values()) if (v.wishes.position()) v.sendPosition(ax, ay);
      });
    } else if (!wanted && this.stopTracking) {
      this.stopTracking();
      this.stopTracking = undefined;
    }
  }

  close(): void {
    for (const v of this.viewers.values()) v.stopDrain();
    this.viewers.clear();
    this.stopTracking?.();
    this.stopTracking = undefined;
    this.stopShapes();
  }
}
