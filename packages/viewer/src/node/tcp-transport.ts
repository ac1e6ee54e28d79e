import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { RsaKey, TicketAddress, TlsPeer } from '@rdshare/protocol';
import type { ViewerConnection, ViewerTransport } from '../viewer-transport.js';

export interface TcpTransportOptions {
  /** Gives up on an address after this long (default 10 s); the viewer then tries the next one. */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The viewer's transport over Node TCP, with the TLS upgrade RDP asks for after the X.224 negotiation. The TLS
 * certificate is not checked against a CA: a sharer's certificate is self-signed, and the viewer's trust anchor is
 * the invitation's KH2/KH, checked against the certificate's key by the connector.
 *
 * @example
 * const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
 */
export function tcpTransport(options: TcpTransportOptions = {}): ViewerTransport {
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    connect: (address) => connectTcp(address, timeout),
  };
}

function connectTcp(address: TicketAddress, timeoutMs: number): Promise<ViewerConnection> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address.address, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(new SocketConnection(socket));
    });
  });
}

/** A TCP socket that may become a TLS socket; listeners follow the upgrade. */
class SocketConnection implements ViewerConnection {
  private stream: Socket | TLSSocket;
  private dataListener?: (bytes: Uint8Array) => void;
  private closeListener?: (error?: Error) => void;
  private ended = false;
  private failure?: Error;

  constructor(private readonly tcp: Socket) {
    this.stream = tcp;
    tcp.on('data', this.forward);
    tcp.on('error', (error) => {
      this.failure = error;
    });
    tcp.on('close', () => this.finish());
  }

  write(bytes: Uint8Array): void {
    if (!this.ended) this.stream.write(bytes);
  }

  startTls(): Promise<TlsPeer> {
    this.tcp.off('data', this.forward);
    return new Promise((resolve, reject) => {
      const tls = tlsConnect({ socket: this.tcp, rejectUnauthorized: false });
      tls.once('error', reject);
      tls.once('secureConnect', () => {
        tls.off('error', reject);
        tls.on('error', (error) => {
          this.failure = error;
        });
        tls.on('data', this.forward);
        tls.on('close', () => this.finish());
        this.stream = tls;
        resolve({ ...(rsaKeyOf(tls) ? { publicKey: rsaKeyOf(tls) } : {}) });
      });
    });
  }

  close(): void {
    this.stream.destroy();
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListener = listener;
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListener = listener;
  }

  private readonly forward = (chunk: Buffer): void => {
    this.dataListener?.(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.closeListener?.(this.failure);
  }
}

/** The RSA key of the peer certificate (modulus as hex, exponent as "0x10001"), or undefined for other keys. */
function rsaKeyOf(tls: TLSSocket): RsaKey | undefined {
  const cert = tls.getPeerCertificate();
  if (!cert?.modulus || !cert.exponent) return undefined;
  return { n: BigInt(`0x${cert.modulus}`), e: BigInt(cert.exponent) };
}
