import { expect } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';

/** mulberry32: a small seeded PRNG, so a failing fuzz case reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(valid: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const out = valid.slice();
  switch (int(4)) {
    case 0: // flip a few bytes
      for (let i = int(4) + 1; i > 0 && out.length > 0; i--) out[int(out.length)] = int(256);
      return out;
    case 1: // truncate
      return out.subarray(0, int(out.length + 1));
    case 2: {
      // append garbage
      const extra = new Uint8Array(int(16) + 1).map(() => int(256));
      const grown = new Uint8Array(out.length + extra.length);
      grown.set(out);
      grown.set(extra, out.length);
      return grown;
    }
    default: // set a byte to an extreme value
      if (out.length > 0) out[int(out.length)] = rand() < 0.5 ? 0 : 0xff;
      return out;
  }
}

/**
 * Feeds `decode` random buffers and mutations of valid encodings; asserts it either returns or throws a
 * ProtocolError, and returns how many inputs were rejected (so tests can check the fuzzer reached errors).
 */
export function fuzz(
  decode: (bytes: Uint8Array) => unknown,
  valid: readonly Uint8Array[],
  { seed = 1, iterations = 3000 }: { seed?: number; iterations?: number } = {},
): { accepted: number; rejected: number } {
  const rand = prng(seed);
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < iterations; i++) {
    const input =
      valid.length > 0 && rand() < 0.7
        ? mutate(valid[Math.floor(rand() * valid.length)], rand)
        : new Uint8Array(Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
    try {
      decode(input);
      accepted++;
    } catch (error) {
      if (!(error instanceof ProtocolError)) {
        expect.fail(`non-ProtocolError ${String(error)} for input ${Buffer.from(input).toString('hex')}`);
      }
      rejected++;
    }
  }
  return { accepted, rejected };
}
