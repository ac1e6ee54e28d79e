/**
 * An exclusive claim on an X screen, so that one desktop is shared by one rdshare session at a time,
 * across processes. It is held as ownership of the X selection `_RDSHARE_SHARING_S<screen>` by a hidden
 * window of its own connection, so the X server itself gives it up when that connection ends: on
 * {@link DisplayClaim.release}, or when the process exits or crashes. No lock file can go stale.
 *
 * @example
 * ```ts
 * const claim = claimDisplay(':99', 'Team standup'); // NativeError DISPLAY_IN_USE if another session has :99
 * try {
 *   // ... share :99 ...
 * } finally {
 *   claim.release();
 * }
 * ```
 */
export interface DisplayClaim {
  /** The display claimed, e.g. `:99`. */
  readonly display: string;
  /** The session name recorded with the claim; a refused claimant's error shows it. */
  readonly name: string;
  /** Whether {@link DisplayClaim.release} was called. */
  readonly released: boolean;
  /** Gives the display up; when it returns, a new claim succeeds. Idempotent. */
  release(): void;
}
