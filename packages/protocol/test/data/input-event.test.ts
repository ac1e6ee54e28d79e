import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import {
  decodeMouseWheel,
  describeMouseEvent,
  encodeMouseWheel,
  mouseButtonEvent,
  mouseMoveEvent,
  mouseWheelEvent,
  PtrFlags,
} from '../../src/data/input-event.js';

describe('decodeMouseWheel', () => {
  it('reads the 9-bit two-complement rotation (0x0388 is WHEEL with -120)', () => {
    expect(decodeMouseWheel(0x0388)).toEqual({ axis: 'vertical', delta: -120 });
    expect(decodeMouseWheel(0x0278)).toEqual({ axis: 'vertical', delta: 120 });
    expect(decodeMouseWheel(PtrFlags.HWHEEL | 0x0178)).toEqual({ axis: 'horizontal', delta: -136 });
    expect(decodeMouseWheel(PtrFlags.HWHEEL | 0x0078)).toEqual({ axis: 'horizontal', delta: 120 });
  });

  it('returns undefined for non-wheel events', () => {
    expect(decodeMouseWheel(PtrFlags.MOVE)).toBeUndefined();
    expect(decodeMouseWheel(PtrFlags.BUTTON1 | PtrFlags.DOWN)).toBeUndefined();
  });

  it('round-trips every representable delta and rejects the rest', () => {
    for (let d = -256; d <= 255; d++) {
      expect(decodeMouseWheel(encodeMouseWheel('vertical', d))).toEqual({ axis: 'vertical', delta: d });
      expect(decodeMouseWheel(encodeMouseWheel('horizontal', d))).toEqual({ axis: 'horizontal', delta: d });
    }
    expect(() => encodeMouseWheel('vertical', 256)).toThrow(ProtocolError);
    expect(() => encodeMouseWheel('vertical', -257)).toThrow(ProtocolError);
    expect(() => encodeMouseWheel('vertical', 1.5)).toThrow(ProtocolError);
  });
});

describe('describeMouseEvent and builders', () => {
  it('decodes moves, button presses/releases and wheel events', () => {
    expect(describeMouseEvent(mouseMoveEvent(10, 20))).toEqual({ move: true });
    expect(describeMouseEvent(mouseButtonEvent(1, true, 0, 0))).toEqual({ move: false, button: 1, down: true });
    expect(describeMouseEvent(mouseButtonEvent(2, false, 0, 0))).toEqual({ move: false, button: 2, down: false });
    expect(describeMouseEvent(mouseButtonEvent(3, true, 0, 0))).toEqual({ move: false, button: 3, down: true });
    expect(describeMouseEvent(mouseWheelEvent('vertical', -120, 5, 6))).toEqual({
      move: false,
      wheel: { axis: 'vertical', delta: -120 },
    });
  });

  it('builds the documented flag values', () => {
    expect(mouseButtonEvent(1, true, 3, 4)).toEqual({ type: 'mouse', flags: 0x9000, x: 3, y: 4 });
    expect(mouseButtonEvent(3, false, 3, 4).flags).toBe(0x4000);
    expect(mouseWheelEvent('vertical', -120, 0, 0).flags).toBe(0x0388);
  });
});
