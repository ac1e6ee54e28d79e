import { decodeMouseWheel, type InputEvent, PtrFlags, PtrXFlags, SyncToggleFlags } from '@rdshare/protocol';

/** The part of @rdshare/native's InputSink the router drives. */
export interface InputTarget {
  keyScancode(code: number, down: boolean, extended: boolean): void;
  keyUnicode(codePoint: number, down: boolean): void;
  mouseMove(x: number, y: number): void;
  mouseButton(button: number, down: boolean): void;
  wheel(clicks: number, horizontal: boolean): void;
  syncLocks(state: { caps: boolean; num: boolean; scroll: boolean }): void;
}

/** RDP reports wheel rotation in WHEEL_DELTA units: 120 per notch. */
const WHEEL_DELTA = 120;

/** Where the attendee's desktop lies on the screen: the shared rectangle's origin and size. */
export interface InputArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Turns one attendee's RDP input events into native input at the desktop: pointer positions are offset by the
 * shared rectangle's origin and clipped to it, so a viewer cannot reach outside what it is shown. Wheel
 * rotation smaller than a notch is accumulated so high-resolution wheels still scroll.
 */
export class InputRouter {
  private wheelRest = { vertical: 0, horizontal: 0 };
  /** UTF-16 high surrogate waiting for its pair (Unicode events carry code units). */
  private pendingHigh = 0;

  constructor(
    private readonly target: InputTarget,
    private readonly area: () => InputArea,
  ) {}

  route(events: readonly InputEvent[]): void {
    for (const e of events) this.routeOne(e);
  }

  private routeOne(e: InputEvent): void {
    switch (e.type) {
      case 'scancode':
        this.target.keyScancode(e.code, !e.release, e.extended);
        return;
      case 'unicode':
        this.unicode(e.code, !e.release);
        return;
      case 'mouse':
        this.mouse(e.flags, e.x, e.y);
        return;
      case 'mousex': {
        this.move(e.x, e.y);
        const button = e.flags & PtrXFlags.BUTTON1 ? 8 : e.flags & PtrXFlags.BUTTON2 ? 9 : 0;
        if (button) this.target.mouseButton(button, (e.flags & PtrXFlags.DOWN) !== 0);
        return;
      }
      case 'sync':
        this.target.syncLocks({
          caps: (e.toggleFlags & SyncToggleFlags.CAPS_LOCK) !== 0,
          num: (e.toggleFlags & SyncToggleFlags.NUM_LOCK) !== 0,
          scroll: (e.toggleFlags & SyncToggleFlags.SCROLL_LOCK) !== 0,
        });
        return;
      default:
        // Relative mouse and QoE timestamps have no meaning for a shared desktop.
        return;
    }
  }

  private unicode(unit: number, down: boolean): void {
    if (unit >= 0xd800 && unit < 0xdc00) {
      this.pendingHigh = unit;
      return;
    }
    if (unit >= 0xdc00 && unit < 0xe000 && this.pendingHigh) {
      const cp = 0x10000 + ((this.pendingHigh - 0xd800) << 10) + (unit - 0xdc00);
      if (!down) this.pendingHigh = 0;
      this.target.keyUnicode(cp, down);
      return;
    }
    this.target.keyUnicode(unit, down);
  }

  private move(x: number, y: number): void {
    const a = this.area();
    const clip = (v: number, size: number) => Math.min(Math.max(v, 0), size - 1);
    this.target.mouseMove(a.x + clip(x, a.width), a.y + clip(y, a.height));
  }

  private mouse(flags: number, x: number, y: number): void {
    const wheel = decodeMouseWheel(flags);
    if (wheel) {
      const rest = this.wheelRest[wheel.axis] + wheel.delta;
      const clicks = Math.trunc(rest / WHEEL_DELTA);
      this.wheelRest[wheel.axis] = rest - clicks * WHEEL_DELTA;
      if (clicks !== 0) this.target.wheel(clicks, wheel.axis === 'horizontal');
      return;
    }
    this.move(x, y);
    const down = (flags & PtrFlags.DOWN) !== 0;
    if (flags & PtrFlags.BUTTON1) this.target.mouseButton(1, down);
    if (flags & PtrFlags.BUTTON2) this.target.mouseButton(3, down);
    if (flags & PtrFlags.BUTTON3) this.target.mouseButton(2, down);
  }
}
