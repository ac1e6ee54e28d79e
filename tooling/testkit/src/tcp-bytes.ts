import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Bytes that established TCP connections from local port `port` have sent and had acknowledged, summed, as the
 * kernel counts them (`ss -tin` bytes_acked): the same figure for any server, whatever it logs itself.
 */
export async function tcpBytesSent(port: number): Promise<number> {
  const { stdout } = await execFileAsync('ss', ['-tinH', 'state', 'established', `( sport = :${port} )`]);
  let total = 0;
  for (const match of stdout.matchAll(/\bbytes_acked:(\d+)/g)) total += Number(match[1]);
  return total;
}
