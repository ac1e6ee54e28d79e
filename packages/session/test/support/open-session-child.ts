// Opens an RdpSession on the display given as argument, in a process of its own, and prints the outcome
// ("open" or the RdshareError code) on stdout: the cross-process half of the one-session-per-display test.
import { RdpSession, RdshareError } from '../../src/index.js';

const session = new RdpSession({ display: process.argv[2], listenAddress: '127.0.0.1' });
try {
  await session.open();
  process.stdout.write('open\n');
} catch (error) {
  process.stdout.write(`${error instanceof RdshareError ? error.code : String(error)}\n`);
} finally {
  await session.close();
}
