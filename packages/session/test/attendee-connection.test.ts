import { PassThrough } from 'node:stream';
import { nodeCryptoProvider } from '@rdshare/protocol/node';
import { describe, expect, it } from 'vitest';
import { AttendeeConnection, type ConnectionEnd } from '../src/attendee-connection.js';
import { ADDRESS_FAMILY } from '../src/constants.js';
import { createSessionIdentity } from '../src/session-identity.js';
import { silentLogger } from './e2e/logger.js';

describe('AttendeeConnection', () => {
  it('ends only this connection, with an error, when the protocol layer refuses a send', () => {
    const crypto = nodeCryptoProvider();
    const transport = new PassThrough();
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
      },
      () => ({ accept: true }),
    );
    const ends: ConnectionEnd[] = [];
    connection.onEnd = (end) => ends.push(end);
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
});
