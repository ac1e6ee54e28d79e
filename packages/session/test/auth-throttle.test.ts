import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../src/auth-throttle.js';

describe('AuthThrottle', () => {
  it('doubles the delay per failure from one address, up to the cap, and forgets on success', () => {
    let now = 0;
    const t = new AuthThrottle(100, 1000, () => now);
    expect(t.delayFor('1.2.3.4')).toBe(0);
    t.recordFailure('1.2.3.4');
    expect(t.delayFor('1.2.3.4')).toBe(100);
    t.recordFailure('1.2.3.4');
    expect(t.delayFor('1.2.3.4')).toBe(200);
    for (let i = 0; i < 10; i++) t.recordFailure('1.2.3.4');
    expect(t.delayFor('1.2.3.4')).toBe(1000);
    expect(t.delayFor('5.6.7.8')).toBe(0);
    now += 400;
    expect(t.delayFor('1.2.3.4')).toBe(600);
    t.recordSuccess('1.2.3.4');
    expect(t.delayFor('1.2.3.4')).toBe(0);
  });
});
