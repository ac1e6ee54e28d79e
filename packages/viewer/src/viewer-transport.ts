import type { TicketAddress, TlsPeer } from '@rdshare/protocol';

/**
 * One duplex byte connection to a sharer, as the viewer core needs it: the core never opens sockets itself, so
 * the same code runs over Node TCP/TLS (`@rdshare/viewer/node`), a browser WebSocket bridge, or any stream.
 */
export interface ViewerConnection {
  write(bytes: Uint8Array): void;
  /** Upgrades to TLS (client side) and resolves with the server certificate's RSA key, if any. */
  startTls?(): Promise<TlsPeer>;
  /** Ends the connection; `onClose` follows. */
  close(): void;
  /** Called with each chunk received, in order. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Called once when the connection ends, with the error if it failed. */
  onClose(listener: (error?: Error) => void): void;
}

/** Opens connections: one per address of the ticket, tried in turn. */
export interface ViewerTransport {
  /** Resolves once connected; rejects when the address cannot be reached. */
  connect(address: TicketAddress): Promise<ViewerConnection>;
}
