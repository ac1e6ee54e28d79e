import { RdpAcceptor } from '../../src/acceptor/acceptor.js';
import type { AcceptorHost, AcceptorOptions, ActivatedClient } from '../../src/acceptor/acceptor-host.js';
import type { ClientInfo } from '../../src/connection/client-info.js';
import { ErrorInfo } from '../../src/connection/error-info.js';
import type { SharedDesktop } from '../../src/connector/client-capability-exchange.js';
import { RdpConnector } from '../../src/connector/connector.js';
import type { ConnectorClose, ConnectorConfig } from '../../src/connector/connector-config.js';
import type { ServerUpdate } from '../../src/connector/server-update.js';
import type { InputEvent } from '../../src/data/input-event.js';
import type { RsaKey } from '../../src/security/crypto-provider.js';

/** The invitation both ends agree on. */
export const INVITATION = { authString: 'auth-1', password: 'pw-1' } as const;

/**
 * Our connector and our acceptor wired back to back over an in-memory byte pipe that delivers asynchronously
 * (as a socket does), with a "TLS upgrade" that is a no-op on both ends and reports `tlsKey` as the server's
 * certificate key.
 */
export class ConnectorPair {
  readonly connector: RdpConnector;
  readonly acceptor: RdpAcceptor;
  readonly updates: ServerUpdate[] = [];
  readonly input: InputEvent[] = [];
  readonly serverChannelData: [string, Uint8Array][] = [];
  readonly clientChannelData: [string, Uint8Array][] = [];
  readonly reactivations: SharedDesktop[] = [];
  /** The frameIDs of the TS_FRAME_ACKNOWLEDGE_PDUs the server received. */
  readonly frameAcknowledgements: number[] = [];
  /** Every byte the server wrote, in order: a recording to replay against a fresh connector. */
  readonly serverStream: Uint8Array[] = [];
  clientInfo?: ClientInfo;
  authenticated = false;
  activeDesktop?: SharedDesktop;
  serverActive?: ActivatedClient;
  clientClose?: ConnectorClose;
  serverClose?: string;
  private readonly settled: Promise<void>;

  constructor(config: ConnectorConfig, options: AcceptorOptions, tlsKey?: RsaKey) {
    let resolve = () => {};
    this.settled = new Promise<void>((r) => {
      resolve = r;
    });
    const serverHost: AcceptorHost = {
      write: (bytes) => {
        const copy = bytes.slice();
        this.serverStream.push(copy);
        queueMicrotask(() => this.connector.receive(copy));
      },
      startTls: async () => {},
      authenticate: (info) => {
        this.clientInfo = info;
        return info.workingDir === INVITATION.authString && info.alternateShell === INVITATION.password
          ? { accept: true }
          : { accept: false, errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES, reason: 'wrong password' };
      },
      onActive: (client) => {
        this.serverActive = client;
      },
      onInput: (events) => this.input.push(...events),
      onFrameAcknowledge: (frameId) => this.frameAcknowledgements.push(frameId),
      onChannelData: (name, data) => this.serverChannelData.push([name, data]),
      onClose: (reason) => {
        this.serverClose = reason;
      },
    };
    this.acceptor = new RdpAcceptor(serverHost, options);
    this.connector = new RdpConnector(
      {
        write: (bytes) => {
          const copy = bytes.slice();
          queueMicrotask(() => this.acceptor.receive(copy));
        },
        startTls: async () => (tlsKey ? { publicKey: tlsKey } : {}),
        onAuthenticated: () => {
          this.authenticated = true;
        },
        onActive: (desktop) => {
          this.activeDesktop = desktop;
          resolve();
        },
        onUpdate: (update) => this.updates.push(update),
        onChannelData: (name, data) => this.clientChannelData.push([name, data]),
        onReactivated: (desktop) => this.reactivations.push(desktop),
        onClose: (close) => {
          this.clientClose = close;
          this.acceptor.transportClosed('client closed');
          resolve();
        },
      },
      config,
    );
  }

  /** Starts the connector and waits until it is active or closed. */
  async connect(): Promise<void> {
    this.connector.start();
    await this.settled;
  }

  /** Lets every queued delivery happen. */
  async flush(): Promise<void> {
    for (let i = 0; i < 50; i++) await new Promise<void>((r) => setTimeout(r, 0));
  }
}
