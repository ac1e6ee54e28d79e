import { Duplex, PassThrough } from 'node:stream';
import { encodeConnectionRequest, encodeTpkt, NegProtocol } from '@rdshare/protocol';
import { nodeCryptoProvider } from '@rdshare/protocol/node';
import { describe, expect, it } from 'vitest';
import { AttendeeConnection, type ConnectionEnd, MAX_UNSENT_BYTES } from '../src/attendee-connection.js';
import { ADDRESS_FAMILY } from '../src/constants.js';
import { createSessionIdentity } from '../src/session-identity.js';
import { silentLogger } from './e2e/logger.js';

describe('AttendeeConnection', () => {
  /** A viewer's socket that delivers what it sends and takes nothing the sharer writes: every write stays unsent. */
  function stoppedViewer(): Duplex {
    return new Duplex({ read() {}, write() {} });
  }

  function connectionTo(transport: Duplex, maxUnsentBytes?: number) {
    const crypto = nodeCryptoProvider();
    const connection = new AttendeeConnection(
      transport,
      { family: ADDRESS_FAMILY.AF_UNSPEC, address: '', port: 0, localAddress: '', localPort: 0 },
      {
        crypto,
        identity: createSessionIdentity(crypto, false),
        enforceStrongEncryption: false,
        allowWeakRc4: false,
        width: 64,
        height: 64,
        maxColorDepth: 32,
        logger: silentLogger(),
        ...(maxUnsentBytes === undefined ? {} : { maxUnsentBytes }),
      },
      () => ({ accept: true }),
    );
    const ends: ConnectionEnd[] = [];
    connection.onEnd = (end) => ends.push(end);
    return { connection, ends };
  }

  it('ends only this connection, with an error, when the protocol layer refuses a send', () => {
    const transport = new PassThrough();
    const { connection, ends } = connectionTo(transport);
    const tile = {
      rect: { x: 0, y: 0, width: 4, height: 4 },
      width: 4,
      bitsPerPixel: 32,
      flags: 0,
      data: new Uint8Array(64),
    };
    // Nothing was negotiated yet: the acceptor refuses to send graphics. That must not throw into the caller.
    expect(() => connection.sendTiles([tile])).not.toThrow();
    expect(ends).toHaveLength(1);
    expect(ends[0].byClient).toBe(false);
    expect(ends[0].error?.message).toMatch(/sending graphics failed/);
    expect(transport.destroyed).toBe(true);
  });

  const connectionRequest = encodeTpkt(
    encodeConnectionRequest({ cookie: 'v', negotiation: { flags: 0, requestedProtocols: NegProtocol.RDP } }),
  );

  it('drops a viewer that stopped reading once more than maxUnsentBytes wait, with a typed error', async () => {
    const transport = stoppedViewer();
    const { ends } = connectionTo(transport, 8);
    // The Connection Confirm (19 bytes) is the first write: it stays unsent, past the 8 allowed.
    transport.push(connectionRequest);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ends).toHaveLength(1);
    expect(ends[0].byClient).toBe(false);
    expect(ends[0].reason).toMatch(/stopped reading: 19 bytes unsent/);
    expect(ends[0].error).toMatchObject({ name: 'RdshareError', code: 'CONNECTION_FAILED' });
    expect(transport.destroyed).toBe(true);
  });

  it('keeps a viewer whose unsent bytes stay within the limit (32 MiB by default)', async () => {
    const transport = stoppedViewer();
    const { ends } = connectionTo(transport);
    transport.push(connectionRequest);
    await new Promise((resolve) => setImmediate(resolve));
    expect(MAX_UNSENT_BYTES).toBe(32 * 1024 * 1024);
    expect(transport.writableLength).toBe(19);
    expect(ends).toHaveLength(0);
    expect(transport.destroyed).toBe(false);
    transport.destroy();
  });
});
