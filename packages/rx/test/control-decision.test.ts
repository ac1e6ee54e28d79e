import { describe, expect, it } from 'vitest';
import { ControlLevel, denyRequest, grantRequest } from '../src/index.js';
import { FakeAttendee, request } from './fixtures.js';

const { NONE, VIEW, INTERACTIVE, REQCTRL_VIEW, REQCTRL_INTERACTIVE } = ControlLevel;

describe('grantRequest / denyRequest', () => {
  it('grants what was asked, capped, and remembers the request', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', NONE);
    expect(grantRequest(request(alice, REQCTRL_INTERACTIVE))).toEqual({
      attendee: alice,
      level: INTERACTIVE,
      requestedLevel: REQCTRL_INTERACTIVE,
    });
    expect(grantRequest(request(alice, INTERACTIVE), VIEW).level).toBe(VIEW);
    expect(grantRequest(request(alice, REQCTRL_VIEW), INTERACTIVE).level).toBe(VIEW);
  });

  it('denies by keeping the level the attendee holds when the deny is made', () => {
    const alice = new FakeAttendee(1, 'alice', 'staff', VIEW);
    expect(denyRequest(request(alice, INTERACTIVE))).toEqual({
      attendee: alice,
      level: VIEW,
      requestedLevel: INTERACTIVE,
    });
    alice.controlLevel = NONE;
    expect(denyRequest(request(alice, INTERACTIVE)).level).toBe(NONE);
    expect(() => denyRequest(request({ controlLevel: 0 }, VIEW))).toThrow(RangeError);
  });
});
