import { generateKeyPairSync } from 'node:crypto';
import { startXvfb, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../src/tls-certificate.js';
import { decodeTicketForTest, RdpSession, RdshareError } from './session-test-helpers.js';

describe('RdpSession lifecycle and validation', () => {
  let display: XvfbDisplay;

  beforeAll(async () => {
    display = await startXvfb({ width: 320, height: 240 });
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('needs a display', () => {
    const saved = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      expect(() => new RdpSession()).toThrow(/no display to share/);
    } finally {
      if (saved !== undefined) process.env.DISPLAY = saved;
    }
  });

  it('refuses invitations before open() and after close(), and cannot reopen', async () => {
    const s = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    expect(() => s.invitations.createInvitation({ groupName: 'g', password: 'p', attendeeLimit: 1 })).toThrow(
      expect.objectContaining({ code: 'NOT_OPEN' }),
    );
    await s.open();
    await expect(s.open()).rejects.toMatchObject({ code: 'ALREADY_OPEN' });
    await s.close();
    expect(() => s.invitations.createInvitation({ groupName: 'g', password: 'p', attendeeLimit: 1 })).toThrow(
      expect.objectContaining({ code: 'CLOSED' }),
    );
    await expect(s.open()).rejects.toBeInstanceOf(RdshareError);
  });

  it('validates colorDepth', () => {
    const s = new RdpSession({ display: display.display });
    expect(s.colorDepth).toBe(32);
    s.colorDepth = 16;
    expect(s.colorDepth).toBe(16);
    s.colorDepth = 8;
    expect(s.colorDepth).toBe(8);
    for (const bad of [12, 4, 33, '16']) {
      expect(() => {
        s.colorDepth = bad as never;
      }).toThrow(/8, 15, 16, 24 or 32/);
    }
  });

  it('allows one session per display', async () => {
    const a = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    await a.open();
    const b = new RdpSession({ display: `${display.display}.0`, listenAddress: '127.0.0.1' });
    await expect(b.open()).rejects.toMatchObject({ code: 'DISPLAY_IN_USE' });
    await a.close();
    await b.open();
    await b.close();
  });

  it('listens on PortId and writes a ticket with its address, port and key hashes', async () => {
    const s = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    await s.open();
    const inv = s.invitations.createInvitation({
      authString: 'auth-1',
      groupName: 'g',
      password: 'p',
      attendeeLimit: 3,
    });
    const ticket = decodeTicketForTest(inv.connectionString);
    expect(ticket.authString).toBe('auth-1');
    expect(ticket.addresses).toEqual([{ address: '127.0.0.1', port: s.port }]);
    expect(ticket.kh).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(ticket.kh2).toMatch(/^sha256:[A-Za-z0-9+/]{43}=$/);
    const port = s.port;
    await s.close();
    const fixed = new RdpSession({
      display: display.display,
      listenAddress: '127.0.0.1',
      properties: { PortId: port },
    });
    await fixed.open();
    expect(fixed.port).toBe(port);
    expect(() => (fixed.properties.PortId = 1)).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    await fixed.close();
  });

  it('reports a port in use as LISTEN_FAILED and stays openable', async () => {
    const a = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    await a.open();
    const other = await startXvfb({ width: 64, height: 64 });
    try {
      const b = new RdpSession({ display: other.display, listenAddress: '127.0.0.1', properties: { PortId: a.port } });
      await expect(b.open()).rejects.toMatchObject({ code: 'LISTEN_FAILED', cause: { code: 'EADDRINUSE' } });
    } finally {
      await a.close();
      await other.stop();
    }
  });

  it('reports an address that is not this machine as LISTEN_FAILED with EADDRNOTAVAIL, and releases the display', async () => {
    // TEST-NET-1 (RFC 5737): never an address of this machine.
    const s = new RdpSession({ display: display.display, listenAddress: '192.0.2.1' });
    await expect(s.open()).rejects.toMatchObject({ code: 'LISTEN_FAILED', cause: { code: 'EADDRNOTAVAIL' } });
    const next = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    await next.open();
    await next.close();
  });

  it('reports an unusable tls certificate and key as TLS_IDENTITY_FAILED, not as a listen failure', async () => {
    const notPem = new RdpSession({
      display: display.display,
      listenAddress: '127.0.0.1',
      tls: { cert: 'not a certificate', key: 'not a key' },
    });
    const error = (await notPem.open().catch((e) => e)) as RdshareError;
    expect(error).toBeInstanceOf(RdshareError);
    expect(error.code).toBe('TLS_IDENTITY_FAILED');
    expect(error.message).toMatch(/the tls option's certificate and key cannot be used/);
    // A certificate with another key's private half: OpenSSL's "key values mismatch".
    const one = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { cert } = createSelfSignedCertificate(one.privateKey, one.publicKey);
    const key = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const mismatched = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', tls: { cert, key } });
    await expect(mismatched.open()).rejects.toMatchObject({ code: 'TLS_IDENTITY_FAILED' });
    // The failed opens let go of the display.
    const next = new RdpSession({ display: display.display, listenAddress: '127.0.0.1' });
    await next.open();
    await next.close();
  });
});
