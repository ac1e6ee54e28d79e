import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time a process (all its threads) has used so far, user plus system, in seconds, from /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may contain spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}
