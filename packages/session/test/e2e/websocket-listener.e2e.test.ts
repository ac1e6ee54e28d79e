import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RdpSession, RdshareError, type WebSocketListener } from '../../src/index.js';
import { sharedDisplay } from './fixtures.js';
import { silentLogger } from './logger.js';

/** A raw HTTP GET (no URL normalisation, so `..` reaches the server as sent). */
function get(port: number, path: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    })
      .on('error', reject)
      .end();
  });
}

/** How a WebSocket attempt ends: 'open', the HTTP status of a refused upgrade, or the close code. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', () => resolve('error'));
  });
}

describe('RdpSession.listenWebSocket', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  let web: WebSocketListener;
  const root = mkdtempSync(join(tmpdir(), 'rdshare-web-'));
  writeFileSync(join(root, 'index.html'), '<title>viewer</title>');
  writeFileSync(join(root, 'app.js'), 'export {}');

  beforeAll(async () => {
    shared = await sharedDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    await expect(session.listenWebSocket({ port: 0 })).rejects.toMatchObject({ code: 'NOT_OPEN' });
    await session.open();
    web = await session.listenWebSocket({ port: 0, host: '127.0.0.1', staticDir: root });
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it('serves the static page on the same port, and nothing outside its directory', async () => {
    expect(web.url).toBe(`ws://127.0.0.1:${web.port}/rdp`);
    expect(await get(web.port, '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get(web.port, '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect((await get(web.port, '/../../../etc/passwd')).status).toBe(404);
    expect((await get(web.port, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await get(web.port, '/missing.js')).status).toBe(404);
  });

  it('upgrades only on its path and only from its own pages (or allowed origins)', async () => {
    const base = `ws://127.0.0.1:${web.port}`;
    expect(await attempt(`${base}/rdp`)).toBe('open');
    expect(await attempt(`${base}/rdp`, { Origin: `http://127.0.0.1:${web.port}` })).toBe('open');
    expect(await attempt(`${base}/rdp`, { Origin: 'http://evil.example' })).toBe('403');
    expect(await attempt(`${base}/other`)).toBe('404');
  });

  it('ends a connection that sends text or an oversized message; the session carries on', async () => {
    const ends = (send: (ws: WebSocket) => void) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(web.url);
        ws.on('open', () => send(ws));
        ws.on('close', (code) => resolve(code));
        ws.on('error', () => undefined);
      });
    expect(await ends((ws) => ws.send('hello'))).toBe(1003);
    expect(await ends((ws) => ws.send(new Uint8Array(70_000)))).toBe(1009);
    expect(await attempt(web.url)).toBe('open');
  });

  it('validates its options with typed errors', async () => {
    for (const bad of [{ port: -1 }, { port: 0, path: 'rdp' }, { port: 0, maxMessageBytes: 10 }]) {
      await expect(session.listenWebSocket(bad)).rejects.toBeInstanceOf(RdshareError);
    }
    await expect(session.listenWebSocket({ port: web.port, host: '127.0.0.1' })).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
    });
  });

  it('closes with the session', async () => {
    const display = await sharedDisplay();
    const other = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    try {
      await other.open();
      const listener = await other.listenWebSocket({ port: 0, host: '127.0.0.1' });
      await other.close();
      expect(await attempt(listener.url)).toBe('error');
    } finally {
      await other.close();
      await display.stop();
    }
  });
});
