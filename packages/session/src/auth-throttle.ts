/**
 * Slows down password guessing: after each failed authentication from a peer address, that address must wait
 * twice as long as before (from `baseDelayMs` up to `maxDelayMs`) before its next attempt is even read.
 * Entries expire once their delay has passed twice over, so the table stays small.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly baseDelayMs = 250,
    private readonly maxDelayMs = 8000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the peer must wait before its next attempt is processed (0 = go ahead). */
  delayFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const left = entry.until - this.now();
    if (left < -this.maxDelayMs * 2) this.failures.delete(address);
    return Math.max(0, left);
  }

  recordFailure(address: string): void {
    const count = (this.failures.get(address)?.count ?? 0) + 1;
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (count - 1));
    this.failures.set(address, { count, until: this.now() + delay });
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }
}
