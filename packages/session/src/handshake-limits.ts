import { invalidArgument } from './errors.js';

/** Bounds on connections that have not finished their handshake (`RdpSessionOptions.limits`). */
export interface HandshakeLimits {
  /** Every connection must be activated within this many ms of being accepted (default 10 000). */
  handshakeTimeoutMs: number;
  /** Connections still in their handshake, all peers together (default 64). */
  maxPendingHandshakes: number;
  /** Connections still in their handshake from one network prefix (/24, /64, loopback; default 8). */
  maxPendingHandshakesPerPeer: number;
}

export const DEFAULT_HANDSHAKE_LIMITS: HandshakeLimits = {
  handshakeTimeoutMs: 10_000,
  maxPendingHandshakes: 64,
  maxPendingHandshakesPerPeer: 8,
};

/** The limits with defaults filled in, validated. */
export function handshakeLimits(given: Partial<HandshakeLimits> = {}): HandshakeLimits {
  if (given === null || typeof given !== 'object') throw invalidArgument('limits must be an object');
  const limits = { ...DEFAULT_HANDSHAKE_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw invalidArgument(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (limits.maxPendingHandshakesPerPeer > limits.maxPendingHandshakes) {
    throw invalidArgument('limits.maxPendingHandshakesPerPeer cannot exceed limits.maxPendingHandshakes');
  }
  return limits;
}

/** Why a new connection was not even read. */
export type PendingRefusal = 'too-many-handshakes' | 'too-many-handshakes-from-peer';

/** Counts connections in their handshake, globally and per network prefix; a prefix is kept only while counted. */
export class PendingHandshakes {
  private total = 0;
  private readonly perPrefix = new Map<string, number>();

  constructor(private readonly limits: HandshakeLimits) {}

  /** Counts one more from `prefix`, or says why it may not start. */
  tryAdd(prefix: string): PendingRefusal | undefined {
    if (this.total >= this.limits.maxPendingHandshakes) return 'too-many-handshakes';
    const n = this.perPrefix.get(prefix) ?? 0;
    if (n >= this.limits.maxPendingHandshakesPerPeer) return 'too-many-handshakes-from-peer';
    this.total++;
    this.perPrefix.set(prefix, n + 1);
    return undefined;
  }

  /** One from `prefix` finished its handshake or ended. */
  remove(prefix: string): void {
    const n = this.perPrefix.get(prefix);
    if (n === undefined) return;
    this.total--;
    if (n > 1) this.perPrefix.set(prefix, n - 1);
    else this.perPrefix.delete(prefix);
  }

  get count(): number {
    return this.total;
  }
}
