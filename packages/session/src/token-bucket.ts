/**
 * A token bucket: up to `capacity` tokens, one more every `refillMs`. Spending is allowed while a token is
 * left, so a burst of `capacity` goes through, then one per `refillMs`.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  /** Whether a token is available at `now`. */
  available(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Spends a token if one is left; returns whether it did. */
  take(now: number): boolean {
    if (!this.available(now)) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket is back to full at `now` (its entry can be forgotten). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = now - this.updated;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.refillMs);
    this.updated = now;
  }
}
