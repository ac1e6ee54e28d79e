import { describe, expect, it } from 'vitest';
import { handshakeLimits, PendingHandshakes } from '../src/handshake-limits.js';

describe('PendingHandshakes', () => {
  it('keeps at most the caps: the oldest of a full prefix gives way to a newcomer of that prefix', () => {
    const p = new PendingHandshakes(handshakeLimits({ maxPendingHandshakes: 5, maxPendingHandshakesPerPeer: 3 }));
    const evicted: string[] = [];
    const add = (prefix: string, name: string) => p.add(prefix, (reason) => evicted.push(`${name}:${reason}`));
    add('a', 'a1');
    add('a', 'a2');
    add('a', 'a3');
    add('a', 'a4');
    expect(evicted).toEqual(['a1:too-many-handshakes-from-peer']);
    expect(p.count).toBe(3);
  });

  it('when full, takes room from the prefix holding the most, oldest first, never from a quiet one', () => {
    const p = new PendingHandshakes(handshakeLimits({ maxPendingHandshakes: 5, maxPendingHandshakesPerPeer: 3 }));
    const evicted: string[] = [];
    const add = (prefix: string, name: string) => p.add(prefix, (reason) => evicted.push(`${name}:${reason}`));
    add('a', 'a1');
    add('a', 'a2');
    add('a', 'a3');
    add('b', 'b1');
    add('b', 'b2');
    add('c', 'c1');
    expect(evicted).toEqual(['a1:too-many-handshakes']);
    add('d', 'd1');
    // a and b now hold two each: the first largest found gives way, oldest first.
    expect(evicted).toEqual(['a1:too-many-handshakes', 'a2:too-many-handshakes']);
    expect(p.count).toBe(5);
  });

  it('releases once, forgets an empty prefix, and an evicted slot releasing later changes nothing', () => {
    const p = new PendingHandshakes(handshakeLimits({ maxPendingHandshakes: 2, maxPendingHandshakesPerPeer: 2 }));
    const first = p.add('a', () => undefined);
    const second = p.add('a', () => undefined);
    second.release();
    second.release();
    expect(p.count).toBe(1);
    p.add('b', () => undefined);
    p.add('c', () => undefined);
    expect(p.count).toBe(2);
    // `first` was evicted for c: its own release afterwards must not free c's or b's place.
    first.release();
    expect(p.count).toBe(2);
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
