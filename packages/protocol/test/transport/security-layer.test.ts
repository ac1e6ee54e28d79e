import { describe, expect, it } from 'vitest';
import { SecurityHeaderKind } from '../../src/connection/security-header.js';
import { FastPathSecurityFlags } from '../../src/data/fastpath-envelope.js';
import { EncryptionMethod } from '../../src/security/encryption-method.js';
import { RdpSecurityContext } from '../../src/security/rdp-security.js';
import { SecurityFlag } from '../../src/security/security-flags.js';
import { SecurityLayer, SecurityLayerCodec } from '../../src/transport/security-layer.js';
import { nodeCryptoProvider } from '../node-crypto.js';

const crypto = nodeCryptoProvider();

function pair(method: EncryptionMethod): { server: SecurityLayerCodec; client: SecurityLayerCodec } {
  const clientRandom = crypto.randomBytes(32);
  const serverRandom = crypto.randomBytes(32);
  const context = (role: 'server' | 'client') =>
    new RdpSecurityContext({ role, method, clientRandom, serverRandom, crypto });
  return {
    server: SecurityLayerCodec.rdp(context('server'), method),
    client: SecurityLayerCodec.rdp(context('client'), method),
  };
}

describe('SecurityLayerCodec', () => {
  it('under TLS passes PDUs bare and adds a basic header only where flags require one', () => {
    const tls = SecurityLayerCodec.tls();
    const pdu = Uint8Array.of(1, 2, 3);
    expect(tls.layer).toBe(SecurityLayer.TLS);
    expect(tls.wrap(pdu)).toBe(pdu);
    const licensed = tls.wrap(pdu, SecurityFlag.LICENSE_PKT);
    expect([...licensed]).toEqual([0x80, 0, 0, 0, 1, 2, 3]);
    expect(tls.unwrap(licensed, true)).toEqual({ flags: SecurityFlag.LICENSE_PKT, payload: pdu });
    expect(tls.unwrap(pdu)).toEqual({ flags: 0, payload: pdu });
    expect(tls.fastPathSecurityHeaderSize).toBe(0);
    expect(tls.protectFastPath(pdu)).toEqual({ flags: 0, payload: pdu });
  });

  for (const [method, kind, headerSize] of [
    [EncryptionMethod.BIT_128, SecurityHeaderKind.NON_FIPS, 8],
    [EncryptionMethod.FIPS, SecurityHeaderKind.FIPS, 12],
  ] as const) {
    it(`round-trips slow-path and fast-path PDUs between the roles (method 0x${method.toString(16)})`, () => {
      const { server, client } = pair(method);
      expect(server.headerKind).toBe(kind);
      expect(server.fastPathSecurityHeaderSize).toBe(headerSize);
      for (let i = 0; i < 3; i++) {
        const pdu = Uint8Array.from({ length: 50 + i }, (_, j) => j);
        const wrapped = server.wrap(pdu);
        expect(wrapped.subarray(-pdu.byteLength)).not.toEqual(pdu);
        expect(client.unwrap(wrapped)).toEqual({ flags: SecurityFlag.ENCRYPT, payload: pdu });
        const input = client.protectFastPath(pdu);
        expect(input.flags & FastPathSecurityFlags.ENCRYPTED).toBeTruthy();
        expect(server.unprotectFastPath(input)).toEqual(pdu);
      }
      const tampered = server.wrap(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      tampered[tampered.byteLength - 1] ^= 1;
      expect(() => client.unwrap(tampered)).toThrow(expect.objectContaining({ code: 'SECURITY' }));
    });
  }
});
