import { createServer, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { encodeConnectionString } from '@rdshare/protocol';
import { ViewerError } from '../errors.js';
import type { ViewerConnection, ViewerTransport } from '../viewer-transport.js';
import { StreamConnection } from './stream-connection.js';

export interface ReverseConnectOptions {
  /** Addresses to list in the connection string (default: every IPv4 address of this machine, loopback last). */
  addresses?: string[];
  /** Port to listen on (the viewer-side `PortId`; default: one the system picks). */
  port?: number;
  /** How long `connect` waits for the sharer to dial in (default 120 s). */
  acceptTimeoutMs?: number;
}

/** A viewer waiting for the sharer's `connectToClient`. */
export interface ReverseConnectListener {
  /** The viewer's connection string (`<E><A/><C><T ...><L P N/>...`), to send to the sharer out of band. */
  readonly connectionString: string;
  /** Give it to `new RdpViewer({ transport })`: its `connect` waits for the sharer's connection. */
  readonly transport: ViewerTransport;
  /** Stops listening; a pending `connect` fails. */
  close(): void;
}

const DEFAULT_ACCEPT_TIMEOUT_MS = 120_000;
/** The listener holds at most this many sharer connections nobody has taken yet. */
const MAX_PENDING = 4;

function localAddresses(): string[] {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i?.family === 'IPv4');
  return [...all.filter((i) => !i?.internal), ...all.filter((i) => i?.internal)].map((i) => i?.address as string);
}

/**
 * IRDPSRAPIViewer::StartReverseConnectListener: listens for the sharer and returns the viewer's connection string
 * (one `<L>` per local address). The sharer dials in with `connectToClient(connectionString)`; the viewer still
 * acts as the RDP client on that socket and answers the invitation as usual (wds-protocol.md §2.5).
 *
 * @example
 * const listener = await startReverseConnectListener();
 * sendToSharer(listener.connectionString);
 * const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: listener.transport });
 * await viewer.connect(invitation, 'Ann', 'secret');
 */
export async function startReverseConnectListener(
  options: ReverseConnectOptions = {},
): Promise<ReverseConnectListener> {
  const addresses = options.addresses ?? localAddresses();
  if (addresses.length === 0) throw new ViewerError('INVALID_ARGUMENT', 'no address to listen on');
  const timeoutMs = options.acceptTimeoutMs ?? DEFAULT_ACCEPT_TIMEOUT_MS;
  const pending: Socket[] = [];
  const waiters: { take: (socket: Socket) => void; fail: (error: ViewerError) => void }[] = [];
  const server = createServer((socket) => {
    const waiter = waiters.shift();
    if (waiter) waiter.take(socket);
    else if (pending.length < MAX_PENDING) pending.push(socket);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ViewerError('CONNECT_FAILED', `cannot listen: ${error.message}`)));
    server.listen(options.port ?? 0, resolve);
  });
  const { port } = server.address() as { port: number };
  const connectionString = encodeConnectionString({
    transportId: 1,
    sessionId: 0,
    addresses: addresses.map((address) => ({ address, port })),
  });
  const transport: ViewerTransport = {
    connect: () =>
      new Promise<ViewerConnection>((resolve, reject) => {
        if (!server.listening) {
          reject(new ViewerError('INVALID_STATE', 'the reverse-connect listener is closed'));
          return;
        }
        const take = (socket: Socket) => {
          clearTimeout(timer);
          socket.setNoDelay(true);
          resolve(new StreamConnection(socket));
        };
        const fail = (error: ViewerError) => {
          clearTimeout(timer);
          reject(error);
        };
        const waiter = { take, fail };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new ViewerError('CONNECT_FAILED', `the sharer did not connect within ${timeoutMs} ms`));
        }, timeoutMs);
        const ready = pending.shift();
        if (ready) take(ready);
        else waiters.push(waiter);
      }),
  };
  return {
    connectionString,
    transport,
    close: () => {
      server.close();
      for (const socket of pending.splice(0)) socket.destroy();
      for (const waiter of waiters.splice(0)) waiter.fail(new ViewerError('CONNECT_FAILED', 'the listener was closed'));
    },
  };
}
