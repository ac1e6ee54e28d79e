import { KeyboardCodeType, MouseButton, type RdpViewer } from '@rdshare/viewer';
import type { DesktopCanvas } from './desktop-canvas.js';
import { scancodeOf } from './scancodes.js';

/** DOM `MouseEvent.button` to RDPSRAPI's buttons. */
const BUTTONS: Readonly<Record<number, MouseButton>> = {
  0: MouseButton.BUTTON1,
  1: MouseButton.BUTTON3,
  2: MouseButton.BUTTON2,
  3: MouseButton.XBUTTON1,
  4: MouseButton.XBUTTON2,
};
/** One wheel notch, as Windows counts it (WHEEL_DELTA). */
const WHEEL_DELTA = 120;
/** DOM deltaMode for pixel deltas, which browsers report for a notch as roughly 100 pixels. */
const DOM_DELTA_PIXEL = 0;
const PIXELS_PER_NOTCH = 100;

/**
 * Forwards the canvas's mouse, wheel and keyboard events to the viewer. The sharer drops input from attendees
 * without control, so this sends regardless and lets the sharer decide. Returns a function that detaches it.
 */
export function captureInput(viewer: RdpViewer, desktop: DesktopCanvas): () => void {
  const canvas = desktop.canvas;
  const send = (action: () => void) => {
    if (viewer.state !== 'connected') return;
    try {
      action();
    } catch {
      // A send racing the connection's end: nothing to deliver to.
    }
  };
  const onMove = (event: MouseEvent) => {
    const { x, y } = desktop.desktopPoint(event);
    send(() => viewer.sendMouseMove(x, y));
  };
  const onButton = (down: boolean) => (event: MouseEvent) => {
    const button = BUTTONS[event.button];
    if (button === undefined) return;
    event.preventDefault();
    if (down) canvas.focus();
    const { x, y } = desktop.desktopPoint(event);
    send(() => viewer.sendMouseButton(button, down, x, y));
  };
  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const notches = (delta: number) =>
      event.deltaMode === DOM_DELTA_PIXEL ? delta / PIXELS_PER_NOTCH : Math.sign(delta);
    const vertical = Math.round(-notches(event.deltaY) * WHEEL_DELTA);
    const horizontal = Math.round(notches(event.deltaX) * WHEEL_DELTA);
    const clamp = (v: number) => Math.max(-256, Math.min(255, v));
    if (vertical) send(() => viewer.sendMouseWheel(clamp(vertical)));
    if (horizontal) send(() => viewer.sendMouseWheel(clamp(horizontal), true));
  };
  const onKey = (up: boolean) => (event: KeyboardEvent) => {
    const scancode = scancodeOf(event.code);
    if (!scancode) return;
    event.preventDefault();
    send(() => viewer.sendKeyboard(KeyboardCodeType.SCANCODE, scancode.code, up, event.repeat, scancode.extended));
  };
  const onContextMenu = (event: Event) => event.preventDefault();
  const down = onButton(true);
  const up = onButton(false);
  const keyDown = onKey(false);
  const keyUp = onKey(true);
  canvas.addEventListener('mousemove', onMove);
  canvas.addEventListener('mousedown', down);
  canvas.addEventListener('mouseup', up);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('keydown', keyDown);
  canvas.addEventListener('keyup', keyUp);
  canvas.addEventListener('contextmenu', onContextMenu);
  return () => {
    canvas.removeEventListener('mousemove', onMove);
    canvas.removeEventListener('mousedown', down);
    canvas.removeEventListener('mouseup', up);
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('keydown', keyDown);
    canvas.removeEventListener('keyup', keyUp);
    canvas.removeEventListener('contextmenu', onContextMenu);
  };
}
