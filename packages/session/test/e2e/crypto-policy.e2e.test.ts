import { connect as netConnect } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { EncryptionMethod, encodeConnectionRequest, encodeTpkt, NegProtocol } from '@rdshare/protocol';
import { startXfreerdp, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdpSession } from '../../src/index.js';
import { silentLogger } from './logger.js';

type Line = { level: string; message: string; fields?: Record<string, unknown> };

/**
 * Opens a TLS connection to the session the way an RDP client does (X.224 Connection Request asking for TLS,
 * then the handshake on the same socket) with the given client TLS options; resolves with the suite agreed or
 * the handshake error.
 */
async function tlsHandshake(port: number, options: ConnectionOptions): Promise<{ cipher?: string; error?: string }> {
  const tcp = netConnect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    tcp.once('connect', resolve);
    tcp.once('error', reject);
  });
  tcp.write(encodeTpkt(encodeConnectionRequest({ negotiation: { flags: 0, requestedProtocols: NegProtocol.SSL } })));
  await new Promise((resolve) => tcp.once('data', resolve));
  const tls = tlsConnect({ socket: tcp, rejectUnauthorized: false, ...options });
  try {
    return await new Promise((resolve) => {
      tls.once('secureConnect', () => resolve({ cipher: tls.getCipher().standardName }));
      tls.once('error', (error) => resolve({ error: error.message }));
    });
  } finally {
    tls.destroy();
  }
}

describe('cryptography defaults', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  const sessions: RdpSession[] = [];
  const lines: Line[] = [];

  /** One session per display: the previous one closes first. */
  async function open(enforce: boolean): Promise<RdpSession> {
    await sessions.at(-1)?.close();
    const session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
      properties: { EnforceStrongEncryption: enforce },
    });
    await session.open();
    sessions.push(session);
    return session;
  }

  beforeAll(async () => {
    shared = await startXvfb({ width: 320, height: 240 });
    viewer = await startXvfb({ width: 320, height: 240 });
  });

  afterAll(async () => {
    for (const s of sessions) await s.close();
    await viewer?.stop();
    await shared?.stop();
  });

  it('accepts only forward-secret AEAD suites over TLS 1.2, and TLS 1.3', async () => {
    const session = await open(false);
    for (const cipher of ['AES128-SHA', 'AES256-SHA', 'AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA']) {
      const r = await tlsHandshake(session.port, { ciphers: cipher, maxVersion: 'TLSv1.2' });
      expect(r.cipher, cipher).toBeUndefined();
    }
    const ecdhe = await tlsHandshake(session.port, { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' });
    expect(ecdhe.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    const v13 = await tlsHandshake(session.port, { minVersion: 'TLSv1.3' });
    expect(v13.cipher).toMatch(/^TLS_(AES|CHACHA20)/);
    const v11 = await tlsHandshake(session.port, {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    expect(v11.cipher).toBeUndefined();
  });

  it('with EnforceStrongEncryption accepts FIPS-approved suites only', async () => {
    const session = await open(true);
    const chacha12 = await tlsHandshake(session.port, {
      ciphers: 'ECDHE-RSA-CHACHA20-POLY1305',
      maxVersion: 'TLSv1.2',
    });
    expect(chacha12.cipher).toBeUndefined();
    const chacha13 = await tlsHandshake(session.port, {
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_CHACHA20_POLY1305_SHA256',
    });
    expect(chacha13.cipher).toBeUndefined();
    const x25519 = await tlsHandshake(session.port, { ecdhCurve: 'X25519' });
    expect(x25519.cipher).toBeUndefined();
    const gcm12 = await tlsHandshake(session.port, { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' });
    expect(gcm12.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    const gcm13 = await tlsHandshake(session.port, { minVersion: 'TLSv1.3' });
    expect(gcm13.cipher).toMatch(/^TLS_AES_(128|256)_GCM/);
  });

  it('with EnforceStrongEncryption serves xfreerdp over Standard RDP Security with the FIPS method only', async () => {
    const session = sessions[1];
    const inv = session.invitations.createInvitation({ groupName: 'fips', password: 'pw', attendeeLimit: 1 });
    const client = startXfreerdp({
      display: viewer,
      connectionString: inv.connectionString,
      password: 'pw',
      args: ['/sec:rdp'],
    });
    try {
      await waitFor(() => session.attendees.count === 1, 20_000, 'the viewer to join');
      const joined = lines.find((l) => l.message === 'attendee connected' && l.fields?.security === 'rdp');
      expect(joined?.fields?.encryptionMethod).toBe(EncryptionMethod.FIPS);
    } finally {
      await client.stop();
    }
  });
});
