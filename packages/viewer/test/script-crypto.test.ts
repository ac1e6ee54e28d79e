import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RdpViewer, scriptCryptoProvider } from '../src/index.js';
import { md5, sha1, sha256 } from '../src/script-crypto.js';
import { AcceptorTransport, AUTH } from './support/acceptor-transport.js';
import { acceptorOptions, publicKey, ticket } from './support/fixtures.js';

const node = (alg: string) => (data: Uint8Array) => new Uint8Array(createHash(alg).update(data).digest());

describe('scriptCryptoProvider (no node:crypto, for browsers)', () => {
  it('hashes like node:crypto at every length around the block and padding boundaries', () => {
    for (let n = 0; n < 200; n++) {
      const data = Uint8Array.from({ length: n * 7 }, (_, i) => (i * 131 + n) & 0xff);
      expect(md5(data)).toEqual(node('md5')(data));
      expect(sha1(data)).toEqual(node('sha1')(data));
      expect(sha256(data)).toEqual(node('sha256')(data));
    }
    expect(Buffer.from(md5(new TextEncoder().encode('abc'))).toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('runs a viewer over Standard RDP Security (RC4, no FIPS offered) and TLS', async () => {
    for (const tls of [false, true]) {
      const transport = new AcceptorTransport(
        {
          ...acceptorOptions(tls),
          security: { ...acceptorOptions(tls).security, rdp: { ...acceptorOptions(tls).security.rdp!, fips: true } },
        },
        publicKey,
      );
      const viewer = new RdpViewer({ crypto: scriptCryptoProvider(), transport });
      await viewer.connect(ticket(), 'browser', AUTH.password);
      expect(transport.acceptor?.client?.encryptionMethod).toBe(tls ? 0 : 2);
      viewer.disconnect();
    }
  });
});
