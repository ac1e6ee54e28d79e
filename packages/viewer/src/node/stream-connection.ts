import type { Duplex } from 'node:stream';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { RsaKey, TlsPeer } from '@rdshare/protocol';
import type { ViewerConnection } from '../viewer-transport.js';

/** A byte stream (a TCP socket or any Duplex) that may become a TLS socket; listeners follow the upgrade. */
export class StreamConnection implements ViewerConnection {
  private stream: Duplex | TLSSocket;
  private dataListener?: (bytes: Uint8Array) => void;
  private closeListener?: (error?: Error) => void;
  private ended = false;
  private failure?: Error;

  constructor(private readonly tcp: Duplex) {
    this.stream = tcp;
    tcp.on('data', this.forward);
    tcp.on('error', (error) => {
      this.failure = error;
    });
    tcp.on('close', this.tcpClosed);
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
        // The TLS socket decrypts behind the TCP one: the TCP close can come before the last records (a sharer's
        // Set Error Info and Disconnect Provider Ultimatum) are read out, so only the TLS close ends the stream.
        this.tcp.off('close', this.tcpClosed);
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

  private readonly tcpClosed = (): void => this.finish();

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
