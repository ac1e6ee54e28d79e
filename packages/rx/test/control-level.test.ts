import { describe, expect, it } from 'vitest';
import { askedLevel, ControlLevel, isGrantableControlLevel } from '../src/index.js';

describe('ControlLevel', () => {
  it('keeps the CTRL_LEVEL values of rdpencomapi.idl', () => {
    expect(ControlLevel).toEqual({ NONE: 1, VIEW: 2, INTERACTIVE: 3, REQCTRL_VIEW: 4, REQCTRL_INTERACTIVE: 5 });
  });

  it('reads REQCTRL_VIEW / REQCTRL_INTERACTIVE as asking for VIEW / INTERACTIVE', () => {
    expect(askedLevel(ControlLevel.REQCTRL_VIEW)).toBe(ControlLevel.VIEW);
    expect(askedLevel(ControlLevel.REQCTRL_INTERACTIVE)).toBe(ControlLevel.INTERACTIVE);
    for (const level of [ControlLevel.NONE, ControlLevel.VIEW, ControlLevel.INTERACTIVE]) {
      expect(askedLevel(level)).toBe(level);
    }
  });

  it('tells the levels an attendee can hold from the rest', () => {
    expect([0, 1, 2, 3, 4, 5, '2', 2.5, undefined].map(isGrantableControlLevel)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
