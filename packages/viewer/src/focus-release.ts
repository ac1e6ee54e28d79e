/** Set-1 scancodes of the focus-release key combination (the E0-extended arrows, either Ctrl, either Alt). */
const SCANCODE_CTRL = 0x1d;
const SCANCODE_ALT = 0x38;
const SCANCODE_LEFT = 0x4b;
const SCANCODE_RIGHT = 0x4d;
/** Keeps the left (plain) and right (E0-extended) Ctrl and Alt apart in the set of held keys. */
const EXTENDED_KEY = 0x100;

/** OnFocusReleased's iDirection: -1 for Ctrl+Alt+Left, 1 for Ctrl+Alt+Right. */
export const FocusDirection = { LEFT: -1, RIGHT: 1 } as const;
export type FocusDirection = (typeof FocusDirection)[keyof typeof FocusDirection];

/**
 * Watches the keys an app forwards for Ctrl+Alt+Left / Ctrl+Alt+Right, the combination with which the Windows
 * viewer control hands the keyboard focus back to its container (OnFocusReleased). The arrow of that combination
 * is the viewer's, not the sharer's: {@link key} says to hold it back (its key-up too), and which way focus goes.
 * @internal
 */
export class FocusReleaseKeys {
  private readonly held = new Set<number>();
  private swallowedArrow?: number;

  /**
   * One scancode event: whether to forward it to the sharer, and the direction when it completes the combination.
   */
  key(scancode: number, keyUp: boolean, extended: boolean): { forward: boolean; direction?: FocusDirection } {
    if (scancode === SCANCODE_CTRL || scancode === SCANCODE_ALT) {
      const key = scancode | (extended ? EXTENDED_KEY : 0);
      if (keyUp) this.held.delete(key);
      else this.held.add(key);
      return { forward: true };
    }
    const arrow = extended && (scancode === SCANCODE_LEFT || scancode === SCANCODE_RIGHT);
    if (!arrow) return { forward: true };
    if (keyUp) {
      if (this.swallowedArrow !== scancode) return { forward: true };
      this.swallowedArrow = undefined;
      return { forward: false };
    }
    if (!this.isHeld(SCANCODE_CTRL) || !this.isHeld(SCANCODE_ALT)) return { forward: true };
    this.swallowedArrow = scancode;
    return { forward: false, direction: scancode === SCANCODE_LEFT ? FocusDirection.LEFT : FocusDirection.RIGHT };
  }

  private isHeld(scancode: number): boolean {
    return this.held.has(scancode) || this.held.has(scancode | EXTENDED_KEY);
  }
}
