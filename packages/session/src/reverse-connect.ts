import { connect as netConnect, type Socket } from 'node:net';
import { decodeConnectionString, ProtocolError, type TicketAddress } from '@rdshare/protocol';
import { invalidArgument, RdshareError } from './errors.js';

/** How long `connectToClient` waits for each address of the viewer before it tries the next one. */
export const REVERSE_CONNECT_TIMEOUT_MS = 5000;

/** Opens a TCP connection; `net.connect` outside tests. */
export type Dialer = (address: TicketAddress) => Socket;

const tcpDialer: Dialer = ({ address, port }) => netConnect({ host: address, port });

/**
 * @internal The addresses a viewer listens on for a reverse connection, from the connection string its
 * StartReverseConnectListener made (`<E><A/><C><T ID="1" SID="0"><L P="port" N="addr"/>...</T></C></E>`; an
 * invitation's own string parses the same way).
 * @throws {RdshareError} `INVALID_ARGUMENT` when it is not such a string or lists no address.
 */
export function reverseConnectAddresses(connectionString: string): TicketAddress[] {
  if (typeof connectionString !== 'string') {
    throw invalidArgument(`the connection string must be a string, got ${typeof connectionString}`);
  }
  let addresses: TicketAddress[];
  try {
    ({ addresses } = decodeConnectionString(connectionString));
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw new RdshareError('INVALID_ARGUMENT', `not a viewer's connection string: ${error.message}`, {
      cause: error,
    });
  }
  if (addresses.length === 0) throw invalidArgument('the connection string lists no <L> address to connect to');
  return addresses;
}

function dialOne(dial: Dialer, target: TicketAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = dial(target);
    const fail = (why: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * @internal Dials the viewer's addresses one after the other, each for at most `timeoutMs`, and returns the
 * first connected socket.
 * @throws {RdshareError} `CONNECT_FAILED` naming every address and why it failed.
 */
export async function dialFirst(
  addresses: TicketAddress[],
  timeoutMs = REVERSE_CONNECT_TIMEOUT_MS,
  dial: Dialer = tcpDialer,
): Promise<Socket> {
  const failures: string[] = [];
  for (const target of addresses) {
    try {
      return await dialOne(dial, target, timeoutMs);
    } catch (error) {
      failures.push(`${target.address}:${target.port} (${(error as Error).message})`);
    }
  }
  throw new RdshareError('CONNECT_FAILED', `could not reach the viewer at ${failures.join(', ')}`);
}
