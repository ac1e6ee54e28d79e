/** CLOCK_MONOTONIC in microseconds: the clock the testkit's C clients stamp their records with. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
