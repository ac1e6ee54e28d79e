import type { CursorSource } from '@rdshare/native';
import { type ClientCapabilities, encodeFastPathPointerUpdate } from '@rdshare/protocol';
import { PointerCacheSlots, PointerShapes } from './pointer-shapes.js';

/** Where an attendee's pointer updates go: its connection. */
export interface PointerSink {
  sendFastPath(updates: { code: number; data: Uint8Array }[]): void;
}

interface PointerViewer {
  sendShape(): void;
  sendPosition(x: number, y: number): void;
  /** Whether this attendee wants position updates now (it watches and does not steer). */
  wantsPosition(): boolean;
}

/**
 * The sharer's pointer fanned out to the attendees: shapes through each client's pointer cache (a shape seen
 * before goes as a cached-pointer update), positions only to attendees that want them. The pointer is followed
 * only while someone wants its position: nobody watching costs nothing.
 */
export class PointerFanout {
  private readonly shapes = new PointerShapes();
  private readonly viewers = new Map<object, PointerViewer>();
  private readonly stopShapes: () => void;
  private stopTracking?: () => void;

  constructor(private readonly cursor: CursorSource) {
    this.shapes.update(cursor.current());
    this.stopShapes = cursor.onChange((image) => {
      if (this.shapes.update(image)) for (const v of this.viewers.values()) v.sendShape();
    });
  }

  /**
   * Adds an attendee (`key` identifies it for `remove`) and sends it the current shape. `wantsPosition` is asked
   * again whenever `refresh()` is called, e.g. after its control level changed.
   */
  add(key: object, sink: PointerSink, capabilities: ClientCapabilities, wantsPosition: () => boolean): void {
    const slots = new PointerCacheSlots(capabilities.pointerCacheSize || capabilities.colorPointerCacheSize);
    const large = capabilities.largePointerFlags !== 0;
    const viewer: PointerViewer = {
      sendShape: () => {
        const serial = this.shapes.serial;
        if (serial === undefined) return;
        const { slot, hit } = slots.place(serial);
        const update = hit
          ? encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: slot })
          : this.shapes.shapeUpdate(slot, large);
        if (update) sink.sendFastPath([update]);
        else slots.forget(slot);
      },
      sendPosition: (x, y) => sink.sendFastPath([encodeFastPathPointerUpdate({ type: 'position', x, y })]),
      wantsPosition,
    };
    this.viewers.set(key, viewer);
    viewer.sendShape();
  }

  remove(key: object): void {
    this.viewers.delete(key);
    this.refresh();
  }

  /** Starts or stops following the pointer as the attendees' wishes changed. */
  refresh(): void {
    const wanted = [...this.viewers.values()].some((v) => v.wantsPosition());
    if (wanted && !this.stopTracking) {
      this.stopTracking = this.cursor.onMove(({ x, y }) => {
        for (const v of this.viewers.values()) if (v.wantsPosition()) v.sendPosition(x, y);
      });
    } else if (!wanted && this.stopTracking) {
      this.stopTracking();
      this.stopTracking = undefined;
    }
  }

  close(): void {
    this.viewers.clear();
    this.stopTracking?.();
    this.stopTracking = undefined;
    this.stopShapes();
  }
}
