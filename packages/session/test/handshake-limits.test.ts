import { describe, expect, it } from 'vitest';
import { handshakeLimits, PendingHandshakes } from '../src/handshake-limits.js';

describe('PendingHandshakes', () => {
  it('caps pending handshakes globally and per prefix, and forgets a prefix once none is pending', () => {
    const p = new PendingHandshakes(handshakeLimits({ maxPendingHandshakes: 5, maxPendingHandshakesPerPeer: 3 }));
    expect([1, 2, 3, 4].map(() => p.tryAdd('a'))).toEqual([
      undefined,
      undefined,
      undefined,
      'too-many-handshakes-from-peer',
    ]);
    expect(p.tryAdd('b')).toBeUndefined();
    expect(p.tryAdd('b')).toBeUndefined();
    expect(p.tryAdd('c')).toBe('too-many-handshakes');
    expect(p.count).toBe(5);
    p.remove('a');
    expect(p.tryAdd('c')).toBeUndefined();
    p.remove('zz');
    expect(p.count).toBe(5);
  });

  it('validates the limits', () => {
    expect(handshakeLimits()).toEqual({
      handshakeTimeoutMs: 10_000,
      maxPendingHandshakes: 64,
      maxPendingHandshakesPerPeer: 8,
    });
    expect(() => handshakeLimits({ handshakeTimeoutMs: 0 })).toThrow(/handshakeTimeoutMs must be a positive integer/);
    expect(() => handshakeLimits({ maxPendingHandshakes: 4 })).toThrow(/cannot exceed/);
  });
});
