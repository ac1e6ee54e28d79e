import type { ClientInfo } from '@rdshare/protocol';
import { ErrorInfo } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { Admission, constantTimeEquals } from '../src/admission.js';
import { GuessThrottle } from '../src/guess-throttle.js';
import { InvitationManager } from '../src/invitation-manager.js';
import type { Logger } from '../src/logger.js';
import { RateLimitedLog } from '../src/rate-limited-log.js';

const info = (authString: string, password: string) =>
  ({ workingDir: authString, alternateShell: password, userName: 'v' }) as ClientInfo;

function setup(connected = () => 0) {
  let now = 0;
  const lines: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (m, f) => lines.push(`${m} ${f?.reason ?? f?.count}`),
    error() {},
  };
  const invitations = new InvitationManager(
    (a) => a,
    () => 'gen',
    () => undefined,
  );
  const throttle = new GuessThrottle({ burst: 5, refillMs: 12_000 }, () => now);
  const admission = new Admission(invitations, connected, throttle, new RateLimitedLog(logger, 60_000));
  const advance = (ms: number) => {
    now += ms;
  };
  return { admission, invitations, lines, advance };
}

describe('Admission', () => {
  it('admits only the right password, unrevoked, under the limit, with the matching error info', () => {
    let connected = 0;
    const { admission, invitations } = setup(() => connected);
    const inv = invitations.createInvitation({ authString: 'a', groupName: 'g', password: 's3cret', attendeeLimit: 2 });
    const ok = admission.decide(info('a', 's3cret'), '10.0.0.1');
    expect(ok).toMatchObject({ accept: true, reservation: { invitation: inv } });
    expect(admission.decide(info('zz', 's3cret'), '10.0.1.1')).toMatchObject({ reason: 'unknown-invitation' });
    expect(admission.decide(info('a', 's3cre'), '10.0.2.1')).toMatchObject({
      reason: 'wrong-password',
      errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES,
    });
    connected = 2;
    expect(admission.decide(info('a', 's3cret'), '10.0.3.1')).toMatchObject({
      reason: 'attendee-limit',
      errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION,
    });
    connected = 0;
    inv.revoked = true;
    expect(admission.decide(info('a', 's3cret'), '10.0.3.1')).toMatchObject({ reason: 'revoked' });
  });

  it('counts attendees admitted but not yet activated against the limit, until their reservation goes', () => {
    const { admission, invitations } = setup(() => 1);
    invitations.createInvitation({ authString: 'a', groupName: 'g', password: 'pw', attendeeLimit: 2 });
    const verdicts = Array.from({ length: 10 }, (_, i) => admission.decide(info('a', 'pw'), `10.0.${i}.1`));
    const admitted = verdicts.filter((v) => v.accept);
    expect(admitted).toHaveLength(1);
    expect(verdicts.filter((v) => !v.accept && v.reason === 'attendee-limit')).toHaveLength(9);
    if (!admitted[0].accept) throw new Error('unreachable');
    admitted[0].reservation.release();
    admitted[0].reservation.release();
    expect(admission.decide(info('a', 'pw'), '10.0.99.1').accept).toBe(true);
  });

  it('checks at most the budget of guesses from one network, refuses the rest unchecked, and refills slowly', () => {
    const { admission, invitations, advance } = setup();
    invitations.createInvitation({ authString: 'a', groupName: 'g', password: 'pw', attendeeLimit: 5 });
    const reasons = Array.from({ length: 30 }, (_, i) => {
      const v = admission.decide(info('a', 'wrong'), `127.0.0.${i + 1}`);
      return v.accept ? 'accepted' : v.reason;
    });
    expect(reasons.filter((r) => r === 'wrong-password')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'throttled')).toHaveLength(25);
    // Even the right password is refused unchecked from that network now, with the same error info.
    expect(admission.decide(info('a', 'pw'), '127.0.0.1')).toMatchObject({
      reason: 'throttled',
      errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES,
    });
    // ...while an attendee from a network that never failed is admitted at once.
    expect(admission.decide(info('a', 'pw'), '192.0.2.7').accept).toBe(true);
    advance(12_000);
    expect(admission.decide(info('a', 'wrong'), '127.0.0.1')).toMatchObject({ reason: 'wrong-password' });
    expect(admission.decide(info('a', 'wrong'), '127.0.0.1')).toMatchObject({ reason: 'throttled' });
  });

  it('bounds the guesses per invitation however many networks they come from', () => {
    const { admission, invitations, advance } = setup();
    invitations.createInvitation({ authString: 'a', groupName: 'g', password: 'pw', attendeeLimit: 5 });
    let checked = 0;
    // One minute of guessing from 1000 different /24 networks, 5 guesses each, 10 per second.
    for (let i = 0; i < 600; i++) {
      const v = admission.decide(info('a', 'wrong'), `10.${i % 250}.${Math.floor(i / 250)}.1`);
      if (!v.accept && v.reason === 'wrong-password') checked++;
      advance(100);
    }
    // 5 + 5 at once, then 2 per 12 s: at most 20 in the minute.
    expect(checked).toBeLessThanOrEqual(20);
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('does not count a full attendee limit as a failed guess', () => {
    const { admission, invitations } = setup(() => 1);
    invitations.createInvitation({ authString: 'a', groupName: 'g', password: 'pw', attendeeLimit: 1 });
    for (let i = 0; i < 20; i++) {
      expect(admission.decide(info('a', 'pw'), '10.0.0.1')).toMatchObject({ reason: 'attendee-limit' });
    }
  });

  it('logs each refusal reason once per interval, with a count, and never the password', async () => {
    const { admission, invitations, lines } = setup();
    invitations.createInvitation({ authString: 'a', groupName: 'g', password: 'pw', attendeeLimit: 1 });
    for (let i = 0; i < 30; i++) admission.decide(info('a', 'hunter2'), `10.0.${i}.1`);
    expect(lines).toEqual(['attendee refused wrong-password', 'attendee refused throttled']);
    expect(lines.join()).not.toContain('hunter2');
  });

  it('compares strings fully', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true);
    expect(constantTimeEquals('abc', 'abd')).toBe(false);
    expect(constantTimeEquals('abc', 'abcd')).toBe(false);
    expect(constantTimeEquals('', '')).toBe(true);
  });
});
