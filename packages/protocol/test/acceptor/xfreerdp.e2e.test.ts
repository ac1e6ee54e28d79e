import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RdpAcceptor } from '../../src/acceptor/acceptor.js';
import type { ActivatedClient } from '../../src/acceptor/acceptor-host.js';
import { type BitmapData, encodeBitmapUpdate, packBitmapUpdates } from '../../src/data/bitmap-update.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import { encodeProprietaryCertificate } from '../../src/security/proprietary-certificate.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { startTestServer, type TestServer } from './rdp-server.js';

const hasTools = ['/usr/bin/xfreerdp', '/usr/bin/Xvfb', '/usr/bin/openssl'].every((p) => existsSync(p));
const WIDTH = 640;
const HEIGHT = 480;
const PASSWORD = 'pw-1234';
const COLOR = { r: 0x33, g: 0xcc, b: 0x66 };
const TILE = 64;

/** A solid desktop as raw 32-bpp bitmap tiles (uncompressed, bottom-up rows of B, G, R, A). */
function solidTiles(width: number, height: number): BitmapData[] {
  const tiles: BitmapData[] = [];
  for (let y = 0; y < height; y += TILE) {
    for (let x = 0; x < width; x += TILE) {
      const w = Math.min(TILE, width - x);
      const h = Math.min(TILE, height - y);
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < data.length; i += 4) data.set([COLOR.b, COLOR.g, COLOR.r, 0xff], i);
      tiles.push({
        destLeft: x,
        destTop: y,
        destRight: x + w - 1,
        destBottom: y + h - 1,
        width: w,
        height: h,
        bitsPerPixel: 32,
        flags: 0,
        data,
      });
    }
  }
  return tiles;
}

function paint(acceptor: RdpAcceptor, client: ActivatedClient): void {
  const groups = packBitmapUpdates(
    solidTiles(client.width, client.height),
    client.capabilities.multifragmentMaxRequestSize,
  );
  acceptor.sendFastPath(groups.map((rects) => ({ code: FastPathUpdateCode.BITMAP, data: encodeBitmapUpdate(rects) })));
}

function colorShare(rgba: Buffer, total: number): number {
  let hits = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (Math.abs(rgba[i] - COLOR.r) < 8 && Math.abs(rgba[i + 1] - COLOR.g) < 8 && Math.abs(rgba[i + 2] - COLOR.b) < 8)
      hits++;
  }
  return hits / total;
}

// setup.sh installs these; a machine without them must fail loudly, not skip.
if (!hasTools) throw new Error('xfreerdp, Xvfb and openssl are required: run tooling/scripts/setup.sh');

describe('xfreerdp joins the acceptor', () => {
  let dir: string;
  let display: XvfbDisplay;
  let tlsKey: string;
  let tlsCert: string;
  const crypto = nodeCryptoProvider();
  const rsaKey = generateRsaKey(2048);
  const certificate = encodeProprietaryCertificate(rsaKey, crypto);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rdshare-e2e-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=rdshare',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tlsKey = readFileSync(join(dir, 'key.pem'), 'utf8');
    tlsCert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    display = await startXvfb({ width: 1024, height: 768 });
  });

  afterAll(async () => {
    await display?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(
    server: TestServer,
    extraArgs: string[],
    password = PASSWORD,
  ): Promise<{ viewer: ChildProcess; output: () => string }> {
    const ticket = join(dir, `ticket-${server.port}.msrcIncident`);
    writeFileSync(
      ticket,
      `<E><A KH="AAAAAAAAAAAAAAAAAAAAAAAAAAA=" ID="auth"/><C><T ID="1" SID="0"><L P="${server.port}" N="127.0.0.1"/></T></C></E>`,
    );
    const viewer = spawn('xfreerdp', [ticket, `/assistance:${password}`, '/u:viewer', '/cert:ignore', ...extraArgs], {
      env: { ...process.env, DISPLAY: display.display },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    viewer.stdout?.on('data', (d) => {
      output += d;
    });
    viewer.stderr?.on('data', (d) => {
      output += d;
    });
    return { viewer, output: () => output };
  }

  async function expectColour(server: TestServer, extraArgs: string[], area = WIDTH * HEIGHT): Promise<void> {
    const { viewer, output } = await run(server, extraArgs);
    try {
      await waitFor(
        async () => colorShare(await display.screenshot(), area) > 0.9,
        20_000,
        'the shared colour in the viewer',
      ).catch((err) => {
        throw new Error(
          `${err.message}\nserver: ${JSON.stringify(server.connections.map((c) => c.closed))}\nxfreerdp:\n${output().slice(-4000)}`,
        );
      });
      const conn = server.connections.find((c) => c.active);
      expect(conn?.clientInfo?.userName).toBe('viewer');
      expect(conn?.clientInfo?.workingDir).toBe('auth');
      expect(conn?.active?.width).toBe(area === WIDTH * HEIGHT ? WIDTH : 800);
    } finally {
      await killAndWait(viewer);
    }
  }

  it('over TLS', async () => {
    const server = await startTestServer({
      options: { crypto, width: WIDTH, height: HEIGHT, security: { tls: true } },
      password: PASSWORD,
      tlsKey,
      tlsCert,
      onActive: paint,
    });
    try {
      await expectColour(server, []);
      expect(server.connections.find((c) => c.active)?.active?.securityLayer).toBe('tls');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('over Standard RDP Security (/sec:rdp)', async () => {
    const server = await startTestServer({
      options: { crypto, width: WIDTH, height: HEIGHT, security: { tls: false, rdp: { key: rsaKey, certificate } } },
      password: PASSWORD,
      onActive: paint,
    });
    try {
      await expectColour(server, ['/sec:rdp']);
      expect(server.connections.find((c) => c.active)?.active).toMatchObject({
        securityLayer: 'rdp',
        encryptionMethod: 0x2,
      });
    } finally {
      await server.close();
    }
  }, 60_000);

  it('over Standard RDP Security with FIPS encryption', async () => {
    const server = await startTestServer({
      options: {
        crypto,
        width: WIDTH,
        height: HEIGHT,
        security: { tls: false, rdp: { key: rsaKey, certificate, fips: true } },
      },
      password: PASSWORD,
      onActive: paint,
    });
    try {
      await expectColour(server, ['/sec:rdp']);
      expect(server.connections.find((c) => c.active)?.active?.encryptionMethod).toBe(0x10);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('follows a resize (deactivation-reactivation) to 800x600', async () => {
    const server = await startTestServer({
      options: { crypto, width: WIDTH, height: HEIGHT, security: { tls: true } },
      password: PASSWORD,
      tlsKey,
      tlsCert,
      onActive: (acceptor, client) => {
        if (client.width === WIDTH) setTimeout(() => acceptor.resize(800, 600), 200);
        else paint(acceptor, client);
      },
    });
    try {
      await expectColour(server, [], 800 * 600);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('refuses a wrong invitation password', async () => {
    const server = await startTestServer({
      options: { crypto, width: WIDTH, height: HEIGHT, security: { tls: true } },
      password: PASSWORD,
      tlsKey,
      tlsCert,
      onActive: paint,
    });
    try {
      const { viewer } = await run(server, [], 'wrong');
      const code = await new Promise<number | null>((resolve) => viewer.once('exit', (c) => resolve(c)));
      expect(code).not.toBe(0);
      expect(server.connections[0]?.closed?.reason).toMatch(/authentication refused/);
      expect(server.connections.some((c) => c.active)).toBe(false);
    } finally {
      await server.close();
    }
  }, 60_000);
});
