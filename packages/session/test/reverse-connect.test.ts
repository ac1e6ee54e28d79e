import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RdshareError } from '../src/errors.js';
import { dialFirst, reverseConnectAddresses } from '../src/reverse-connect.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listening(): Promise<number> {
  const server = createServer((s) => s.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('reverseConnectAddresses', () => {
  it("reads the <L> addresses of a viewer's reverse-connect string", () => {
    expect(
      reverseConnectAddresses(
        '<E><A/><C><T ID="1" SID="0"><L P="5001" N="fe80::1%eth0"/><L P="5002" N="192.168.1.20"/></T></C></E>',
      ),
    ).toEqual([
      { port: 5001, address: 'fe80::1%eth0' },
      { port: 5002, address: '192.168.1.20' },
    ]);
  });

  it.each([
    ['not XML', 'hello'],
    ['no transport', '<E><A/></E>'],
    ['no address', '<E><A/><C><T ID="1" SID="0"></T></C></E>'],
    ['a bad port', '<E><A/><C><T ID="1" SID="0"><L P="99999" N="host"/></T></C></E>'],
  ])('refuses %s with INVALID_ARGUMENT', (_, text) => {
    expect(() => reverseConnectAddresses(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('dialFirst', () => {
  it('skips addresses that refuse and returns the first socket that connects', async () => {
    const open = await listening();
    const socket = await dialFirst([
      { address: '127.0.0.1', port: await closedPort() },
      { address: '127.0.0.1', port: open },
    ]);
    expect(socket.remotePort).toBe(open);
    socket.destroy();
  });

  it('gives each address a bounded time before trying the next', async () => {
    const open = await listening();
    const silent = () => new Socket();
    const started = Date.now();
    const socket = await dialFirst(
      [
        { address: 'nowhere', port: 1 },
        { address: '127.0.0.1', port: open },
      ],
      200,
      (target) => (target.address === 'nowhere' ? silent() : new Socket().connect(target.port, target.address)),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(socket.remotePort).toBe(open);
    socket.destroy();
  });

  it('fails with CONNECT_FAILED naming every address when none connects', async () => {
    const a = await closedPort();
    const error = await dialFirst([
      { address: '127.0.0.1', port: a },
      { address: 'host.invalid', port: 3389 },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdshareError);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED' });
    expect((error as Error).message).toContain(`127.0.0.1:${a}`);
    expect((error as Error).message).toContain('host.invalid:3389');
  });
});
