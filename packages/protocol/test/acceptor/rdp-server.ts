import net from 'node:net';
import tls from 'node:tls';
import { RdpAcceptor } from '../../src/acceptor/acceptor.js';
import type { AcceptorOptions, ActivatedClient } from '../../src/acceptor/acceptor-host.js';
import type { ClientInfo } from '../../src/connection/client-info.js';
import { ErrorInfo } from '../../src/connection/error-info.js';
import type { InputEvent } from '../../src/data/input-event.js';

/** What happened on one connection of the test server, for assertions. */
export interface ConnectionLog {
  acceptor: RdpAcceptor;
  clientInfo?: ClientInfo;
  active?: ActivatedClient;
  input: InputEvent[];
  closed?: { reason: string; error?: Error };
}

export interface TestServer {
  port: number;
  connections: ConnectionLog[];
  close(): Promise<void>;
}

/**
 * A minimal sharer for end-to-end tests: a TCP listener that runs one {@link RdpAcceptor} per connection,
 * upgrades to TLS with the given PEM key/certificate when the acceptor asks, admits clients whose
 * AlternateShell equals `password`, and calls `onActive` to paint once a client is active.
 */
export async function startTestServer(config: {
  options: Omit<AcceptorOptions, 'security'> & { security: AcceptorOptions['security'] };
  password: string;
  tlsKey?: string;
  tlsCert?: string;
  onActive(acceptor: RdpAcceptor, client: ActivatedClient): void;
}): Promise<TestServer> {
  const connections: ConnectionLog[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let transport: net.Socket = socket;
    const onData = (chunk: Buffer) =>
      log.acceptor.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const log: ConnectionLog = {
      input: [],
      acceptor: new RdpAcceptor(
        {
          write: (bytes) => {
            if (!transport.destroyed) transport.write(bytes);
          },
          startTls: () =>
            new Promise<void>((resolve, reject) => {
              socket.removeListener('data', onData);
              const secure = new tls.TLSSocket(socket, { isServer: true, key: config.tlsKey, cert: config.tlsCert });
              secure.once('secure', () => resolve());
              secure.once('error', reject);
              secure.on('data', onData);
              transport = secure;
            }),
          authenticate: (info) => {
            log.clientInfo = info;
            return info.alternateShell === config.password
              ? { accept: true }
              : { accept: false, errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION, reason: 'wrong invitation password' };
          },
          onActive: (client) => {
            log.active = client;
            config.onActive(log.acceptor, client);
          },
          onInput: (events) => log.input.push(...events),
          onClose: (reason, error) => {
            log.closed = { reason, error };
            // Let the last writes (error info, disconnect) reach the client before closing.
            setTimeout(() => transport.end(), 50);
          },
        },
        config.options as AcceptorOptions,
      ),
    };
    connections.push(log);
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      log.acceptor.transportClosed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
