import type { CursorImage } from '@rdshare/native';
import { encodeFastPathPointerUpdate, type PointerUpdate, pointerFromArgb } from '@rdshare/protocol';

/** Largest pointer a 'new' pointer update carries; larger ones need the Large Pointer capability. */
const NEW_POINTER_MAX = 96;

export interface EncodedPointerUpdate {
  code: number;
  data: Uint8Array;
}

/**
 * The sharer's cursor as pointer updates, encoded once per (cursor, cache slot) and shared by every
 * attendee. Each attendee keeps the last shapes in its client's pointer cache and gets a 'cached' update
 * when a shape comes back (text cursor ↔ arrow is the common case).
 */
export class PointerShapes {
  private current?: CursorImage;
  private readonly encoded = new Map<string, EncodedPointerUpdate>();

  /** Sets the current cursor image; returns false if it is the one already current. */
  update(image: CursorImage): boolean {
    if (this.current?.serial === image.serial) return false;
    this.current = image;
    return true;
  }

  get serial(): number | undefined {
    return this.current?.serial;
  }

  /** The current cursor stored in `slot`, or undefined if there is none or it is too large for the client. */
  shapeUpdate(slot: number, largePointers: boolean): EncodedPointerUpdate | undefined {
    const image = this.current;
    if (!image || image.width === 0 || image.height === 0) return undefined;
    const large = image.width > NEW_POINTER_MAX || image.height > NEW_POINTER_MAX;
    if (large && !largePointers) return undefined;
    const key = `${image.serial}:${slot}`;
    let update = this.encoded.get(key);
    if (!update) {
      const { pixels } = image;
      const argb = new Uint32Array(pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength));
      const shape = pointerFromArgb({
        width: image.width,
        height: image.height,
        xhot: image.xhot,
        yhot: image.yhot,
        pixels: argb,
        cacheIndex: slot,
        premultiplied: true,
      });
      const pointer: PointerUpdate = { type: large ? 'large' : 'new', ...shape };
      update = encodeFastPathPointerUpdate(pointer);
      // Keep memory bounded: shapes of old cursors are dropped as new ones come in.
      if (this.encoded.size > 256) this.encoded.clear();
      this.encoded.set(key, update);
    }
    return update;
  }
}

/**
 * One attendee's client pointer cache: which cursor serial sits in which slot (least recently used evicted).
 */
export class PointerCacheSlots {
  private readonly slots: (number | undefined)[];
  private readonly used: number[];
  private clock = 0;

  constructor(size: number) {
    const n = Math.max(1, Math.min(size, 500));
    this.slots = new Array(n);
    this.used = new Array(n).fill(0);
  }

  /** The slot holding `serial` (hit) or the slot to store it in (miss). */
  place(serial: number): { slot: number; hit: boolean } {
    this.clock++;
    let lru = 0;
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i] === serial) {
        this.used[i] = this.clock;
        return { slot: i, hit: true };
      }
      if (this.used[i] < this.used[lru]) lru = i;
    }
    this.slots[lru] = serial;
    this.used[lru] = this.clock;
    return { slot: lru, hit: false };
  }

  /** Empties a slot whose shape could not be sent after all. */
  forget(slot: number): void {
    this.slots[slot] = undefined;
    this.used[slot] = 0;
  }
}
