import { TokenBucket } from './token-bucket.js';

/** How many failed password guesses are checked: a burst, then one per interval. */
export interface GuessLimits {
  /** Failed guesses checked in a burst (default 5). */
  burst: number;
  /** One more guess may be checked after this many ms (default 12 000: 5 a minute). */
  refillMs: number;
}

export const DEFAULT_GUESS_LIMITS: GuessLimits = { burst: 5, refillMs: 12_000 };

/** Networks remembered as having failed; beyond this the entries that refilled are forgotten first. */
const MAX_FAILED_PREFIXES = 4096;

/** Per invitation: one budget for networks that failed before, one for networks new to it. */
interface InvitationBudget {
  repeat: TokenBucket;
  fresh: TokenBucket;
}

/**
 * Decides whether a password guess may even be checked, counting failures per invitation and per network
 * prefix (never per connection or exact address, which an attacker has plenty of). A network that failed
 * spends its own budget and the invitation's "repeat" budget; a network that never failed is checked at once
 * against the invitation's "fresh" budget, so an honest attendee elsewhere is not locked out by an attacker,
 * while an attacker rotating through networks still gets at most `2 × burst` checks, then 2 per `refillMs`,
 * per invitation. Guesses beyond the budget are refused unchecked.
 */
export class GuessThrottle {
  private readonly failedPrefixes = new Map<string, TokenBucket>();
  private readonly budgets = new WeakMap<object, InvitationBudget>();

  constructor(
    private readonly limits: GuessLimits = DEFAULT_GUESS_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a guess from `prefix` for `invitation` (undefined: an unknown auth string) may be checked now. */
  mayCheck(invitation: object | undefined, prefix: string): boolean {
    const t = this.now();
    const failed = this.failedPrefixes.get(prefix);
    if (failed && !failed.available(t)) return false;
    if (!invitation) return true;
    const budget = this.budgetOf(invitation, t);
    return (failed ? budget.repeat : budget.fresh).available(t);
  }

  /** A checked guess was wrong (or named no invitation). */
  recordFailure(invitation: object | undefined, prefix: string): void {
    const t = this.now();
    let failed = this.failedPrefixes.get(prefix);
    const fresh = !failed;
    if (!failed) {
      failed = new TokenBucket(this.limits.burst, this.limits.refillMs, t);
      this.remember(prefix, failed, t);
    }
    failed.take(t);
    if (invitation) {
      const budget = this.budgetOf(invitation, t);
      (fresh ? budget.fresh : budget.repeat).take(t);
    }
  }

  /** Networks currently remembered as having failed (bounded by MAX_FAILED_PREFIXES). */
  get size(): number {
    return this.failedPrefixes.size;
  }

  private budgetOf(invitation: object, t: number): InvitationBudget {
    let budget = this.budgets.get(invitation);
    if (!budget) {
      const { burst, refillMs } = this.limits;
      budget = { repeat: new TokenBucket(burst, refillMs, t), fresh: new TokenBucket(burst, refillMs, t) };
      this.budgets.set(invitation, budget);
    }
    return budget;
  }

  private remember(prefix: string, bucket: TokenBucket, t: number): void {
    if (this.failedPrefixes.size >= MAX_FAILED_PREFIXES) {
      for (const [p, b] of this.failedPrefixes) if (b.full(t)) this.failedPrefixes.delete(p);
      // Still full: drop the oldest; it becomes "fresh" again, which only the invitations' budgets then bound.
      if (this.failedPrefixes.size >= MAX_FAILED_PREFIXES) {
        const oldest = this.failedPrefixes.keys().next().value;
        if (oldest !== undefined) this.failedPrefixes.delete(oldest);
      }
    }
    this.failedPrefixes.set(prefix, bucket);
  }
}
