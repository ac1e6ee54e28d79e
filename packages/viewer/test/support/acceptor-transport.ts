import {
  type AcceptorHost,
  type AcceptorOptions,
  ErrorInfo,
  RdpAcceptor,
  type RsaKey,
  type TicketAddress,
} from '@rdshare/protocol';
import type { ViewerConnection, ViewerTransport } from '../../src/index.js';

/** The invitation the in-memory sharer accepts. */
export const AUTH = { authString: 'auth-x', password: 'secret' } as const;

/**
 * A ViewerTransport whose connections end in our RdpAcceptor, in memory and asynchronous like a socket; the TLS
 * upgrade is a no-op that reports `tlsKey`. `refuse` lists addresses that do not answer.
 */
export class AcceptorTransport implements ViewerTransport {
  acceptor?: RdpAcceptor;
  readonly channelData: [string, Uint8Array][] = [];
  readonly attempts: string[] = [];
  active = false;

  constructor(
    private readonly options: AcceptorOptions,
    private readonly tlsKey?: RsaKey,
    private readonly refuse: string[] = [],
    private readonly hostOverrides: Partial<AcceptorHost> = {},
    /** Sees every byte the sharer writes, in order: a recording to replay. */
    private readonly record?: (bytes: Uint8Array) => void,
  ) {}

  async connect(address: TicketAddress): Promise<ViewerConnection> {
    this.attempts.push(address.address);
    if (this.refuse.includes(address.address)) throw new Error('ECONNREFUSED');
    let onData: (bytes: Uint8Array) => void = () => {};
    let onClose: (error?: Error) => void = () => {};
    let closed = false;
    let viewerClosed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      queueMicrotask(() => onClose());
    };
    const acceptor = new RdpAcceptor(
      {
        write: (bytes) => {
          const copy = bytes.slice();
          this.record?.(copy);
          queueMicrotask(() => {
            if (!viewerClosed) onData(copy);
          });
        },
        startTls: async () => {},
        authenticate: (info) =>
          info.workingDir === AUTH.authString && info.alternateShell === AUTH.password
            ? { accept: true }
            : { accept: false, errorInfo: ErrorInfo.SERVER_INSUFFICIENT_PRIVILEGES, reason: 'wrong password' },
        onActive: () => {
          this.active = true;
        },
        onChannelData: (name, data) => this.channelData.push([name, data]),
        onClose: () => close(),
        ...this.hostOverrides,
      },
      this.options,
    );
    this.acceptor = acceptor;
    return {
      write: (bytes) => {
        const copy = bytes.slice();
        queueMicrotask(() => acceptor.receive(copy));
      },
      startTls: async () => (this.tlsKey ? { publicKey: this.tlsKey } : {}),
      close: () => {
        viewerClosed = true;
        acceptor.transportClosed('viewer closed');
        close();
      },
      onData: (listener) => {
        onData = listener;
      },
      onClose: (listener) => {
        onClose = listener;
      },
    };
  }
}
