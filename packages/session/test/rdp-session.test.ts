import { startXvfb, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      await expect(b.open()).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
    } finally {
      await a.close();
      await other.stop();
    }
  });
});
