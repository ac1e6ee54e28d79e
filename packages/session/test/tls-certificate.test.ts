import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer } from 'node:tls';
import { generateRsaKeyPair } from '@rdshare/protocol/node';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../src/tls-certificate.js';

describe('createSelfSignedCertificate', () => {
  const key = generateRsaKeyPair(2048);
  const identity = createSelfSignedCertificate(key.privateKey, key.publicKey, 'rdshare-test');

  it('is a self-signed X.509 certificate for the session key', () => {
    const cert = new X509Certificate(identity.cert);
    expect(cert.subject).toBe('CN=rdshare-test');
    expect(cert.issuer).toBe('CN=rdshare-test');
    expect(cert.verify(key.publicKey)).toBe(true);
    expect(cert.publicKey.export({ format: 'jwk' }).n).toBe(key.publicKey.export({ format: 'jwk' }).n);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });

  it('parses whatever random serial it draws (a padded DER serial failed about one in 256)', () => {
    for (let i = 0; i < 2000; i++) {
      const { cert } = createSelfSignedCertificate(key.privateKey, key.publicKey, 'rdshare-test');
      expect(new X509Certificate(cert).serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    }
  });

  it('carries a real TLS handshake on 127.0.0.1', async () => {
    const server = createServer({ cert: identity.cert, key: identity.key }, (s) => s.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const client = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    const [data] = await once(client, 'data');
    expect(String(data)).toBe('hello');
    expect(client.getPeerX509Certificate()?.subject).toBe('CN=rdshare-test');
    client.destroy();
    server.close();
  });

  it('exposes the bigint key the protocol uses, matching the KeyObject', () => {
    const jwk = key.publicKey.export({ format: 'jwk' });
    expect(key.rsa.n.toString(16)).toBe(Buffer.from(jwk.n!, 'base64url').toString('hex').replace(/^0+/, ''));
    expect(key.rsa.e).toBe(65537n);
    // d·e ≡ 1 mod λ(n) implies m^(e·d) ≡ m (mod n) for a sample m.
    const m = 123456789n;
    const modPow = (b: bigint, e: bigint, n: bigint) => {
      let r = 1n;
      let x = b % n;
      for (let k = e; k > 0n; k >>= 1n) {
        if (k & 1n) r = (r * x) % n;
        x = (x * x) % n;
      }
      return r;
    };
    expect(modPow(modPow(m, key.rsa.e, key.rsa.n), key.rsa.d!, key.rsa.n)).toBe(m);
  });
});
