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

/** Why a connection was dropped before it finished its handshake to make room for a newer one. */
export type PendingEviction = 'too-many-handshakes' | 'too-many-handshakes-from-peer';

/** A connection counted as pending until `release()` (it was activated or ended); releasing twice is harmless. */
export interface PendingSlot {
  release(): void;
}

interface Entry extends PendingSlot {
  readonly prefix: string;
  readonly evict: (reason: PendingEviction) => void;
}

/**
 * Counts connections in their handshake, globally and per network prefix. When a cap is reached the OLDEST
 * pending connection makes room (of the newcomer's own prefix when that prefix is at its cap, else of the prefix
 * holding the most): a connection that has not finished its handshake in the time others took is the one
 * stalling, so slow or silent connections cannot lock out a client that completes promptly, not even one
 * from the attacker's own network. A prefix is kept only while it has pending connections.
 */
export class PendingHandshakes {
  private total = 0;
  /** Insertion-ordered, so the first entry of a prefix is its oldest. */
  private readonly perPrefix = new Map<string, Set<Entry>>();

  constructor(private readonly limits: HandshakeLimits) {}

  /** Counts one more connection from `prefix`; `evict` is called if it must later give way to a newer one. */
  add(prefix: string, evict: (reason: PendingEviction) => void): PendingSlot {
    const own = this.perPrefix.get(prefix);
    if (own && own.size >= this.limits.maxPendingHandshakesPerPeer) {
      this.evictOldest(own, 'too-many-handshakes-from-peer');
    } else if (this.total >= this.limits.maxPendingHandshakes) {
      this.evictOldest(this.largestPrefix(), 'too-many-handshakes');
    }
    const entry: Entry = { prefix, evict, release: () => this.remove(entry) };
    let entries = this.perPrefix.get(prefix);
    if (!entries) {
      entries = new Set();
      this.perPrefix.set(prefix, entries);
    }
    entries.add(entry);
    this.total++;
    return entry;
  }

  get count(): number {
    return this.total;
  }

  private largestPrefix(): Set<Entry> {
    let largest: Set<Entry> | undefined;
    for (const entries of this.perPrefix.values()) if (!largest || entries.size > largest.size) largest = entries;
    return largest as Set<Entry>;
  }

  private evictOldest(entries: Set<Entry>, reason: PendingEviction): void {
    const oldest = entries.values().next().value as Entry;
    this.remove(oldest);
    oldest.evict(reason);
  }

  private remove(entry: Entry): void {
    const entries = this.perPrefix.get(entry.prefix);
    if (!entries?.delete(entry)) return;
    this.total--;
    if (entries.size === 0) this.perPrefix.delete(entry.prefix);
  }
}
