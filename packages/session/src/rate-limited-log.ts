import type { Logger } from './logger.js';

/** One line per key per interval by default. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Warnings that an attacker can trigger at will (refusals, failed handshakes), logged at most once per key per
 * interval: the first at once, the rest at debug level only, counted and summed up in one warning when the
 * interval ends.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { suppressed: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  warn(key: string, message: string, fields: Record<string, unknown>): void {
    const window = this.windows.get(key);
    if (window) {
      window.suppressed++;
      this.logger.debug(message, fields);
      return;
    }
    this.logger.warn(message, fields);
    const timer = setTimeout(() => {
      const w = this.windows.get(key);
      this.windows.delete(key);
      if (w?.suppressed)
        this.logger.warn(`${message} (repeated)`, { key, count: w.suppressed, seconds: this.intervalMs / 1000 });
    }, this.intervalMs);
    timer.unref();
    this.windows.set(key, { suppressed: 0, timer });
  }

  /** Stops the timers (the summaries of the current intervals are dropped). */
  close(): void {
    for (const w of this.windows.values()) clearTimeout(w.timer);
    this.windows.clear();
  }
}
