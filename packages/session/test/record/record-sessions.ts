/**
 * Records what xfreerdp sends to an RdpSession, for the protocol package's replay fuzz test
 * (packages/protocol/test/fuzz). Not part of the test suite; run it by hand when the recordings need renewing:
 *
 *   cd packages/session && npx tsx --conditions=source test/record/record-sessions.ts
 *
 * Every RdpAcceptor the session creates is observed through its prototype: the bytes of each `receive` call
 * (after TLS decryption, so a TLS session records its plaintext), the random bytes it draws and the session's
 * RSA key (so a replay can decrypt Standard RDP Security again), and the input events and activation it
 * reports (so a replay can be checked against them).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AcceptorHost,
  type AcceptorOptions,
  type ActivatedClient,
  type InputEvent,
  RdpAcceptor,
} from '@rdshare/protocol';
import { killAndWait, startXfreerdp, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { CTRL_LEVEL, RdpSession } from '../../src/index.js';

const OUT = fileURLToPath(new URL('../../../protocol/test/fuzz/recordings/', import.meta.url));
const WIDTH = 640;
const HEIGHT = 480;
const PASSWORD = 'pw-123';

interface Capture {
  chunks: Uint8Array[];
  randoms: Uint8Array[];
  input: InputEvent[];
  options: AcceptorOptions;
  active?: ActivatedClient;
  closed?: { reason: string; error?: string };
}

/** The acceptor's private fields this script observes. */
interface AcceptorInternals {
  host: AcceptorHost;
  options: AcceptorOptions;
}

let current: Capture | undefined;
const observed = new WeakSet<object>();
const receive = RdpAcceptor.prototype.receive;
RdpAcceptor.prototype.receive = function (this: RdpAcceptor, bytes: Uint8Array): void {
  if (!observed.has(this)) {
    observed.add(this);
    observe(this as unknown as AcceptorInternals);
  }
  current?.chunks.push(bytes.slice());
  receive.call(this, bytes);
};

/** Wraps the acceptor's crypto and host on its first `receive`, before it draws any random bytes. */
function observe(acceptor: AcceptorInternals): void {
  const capture: Capture = { chunks: [], randoms: [], input: [], options: acceptor.options };
  current = capture;
  const crypto = acceptor.options.crypto;
  acceptor.options = {
    ...acceptor.options,
    crypto: {
      ...crypto,
      randomBytes: (n) => {
        const bytes = crypto.randomBytes(n);
        capture.randoms.push(bytes.slice());
        return bytes;
      },
    },
  };
  const host = acceptor.host;
  acceptor.host = {
    ...host,
    write: (bytes) => host.write(bytes),
    authenticate: (info, peer) => host.authenticate(info, peer),
    onActive: (client) => {
      capture.active = client;
      host.onActive?.(client);
    },
    onInput: (events) => {
      capture.input.push(...events);
      host.onInput?.(events);
    },
    onClose: (reason, error) => {
      capture.closed = { reason, ...(error ? { error: error.message } : {}) };
      host.onClose?.(reason, error);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Mouse moves, clicks, a wheel turn and typed keys into the xfreerdp window that covers the viewer display. */
async function interact(viewer: XvfbDisplay): Promise<void> {
  const xdotool = (...args: string[]) => viewer.exec('xdotool', args);
  for (const [x, y] of [
    [10, 10],
    [100, 50],
    [320, 240],
    [600, 400],
    [5, 470],
  ]) {
    await xdotool('mousemove', String(x), String(y));
    await sleep(30);
  }
  await xdotool('click', '1');
  await xdotool('click', '3');
  await xdotool('click', '4');
  await xdotool('click', '5');
  await xdotool('mousemove', '200', '200');
  await xdotool('type', '--delay', '20', 'Hello rdshare 42');
  await xdotool('key', 'Return', 'Tab', 'shift+a', 'ctrl+c', 'Left', 'Delete', 'F5');
  await sleep(300);
}

interface Scenario {
  name: string;
  description: string;
  args: string[];
  input: boolean;
  /**
   * Connect with `/v:` and pass the invitation's password and auth string as `/shell:` and `/shell-dir:`
   * instead of the ticket (a different channel set and client data than /assistance mode).
   */
  direct?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'rdp-32bpp-input',
    description: 'Standard RDP Security (RC4), 32 bpp, mouse and keyboard input',
    args: ['/sec:rdp', '/bpp:32'],
    input: true,
  },
  {
    // xfreerdp 2.11.7 does not honour /bpp:16 here (with or without a ticket, with or without /gfx): its client
    // core data still says highColorDepth 24 with RNS_UD_CS_WANT_32BPP_SESSION, so this session runs at 32 bpp.
    name: 'rdp-direct-bpp16-input',
    description: 'Standard RDP Security (RC4), /v: without a ticket, /bpp:16 asked for, mouse and keyboard input',
    args: ['/sec:rdp', '/bpp:16'],
    input: true,
    direct: true,
  },
  {
    name: 'tls-32bpp-input',
    description: 'TLS (plaintext after decryption), 32 bpp, mouse and keyboard input',
    args: ['/bpp:32'],
    input: true,
  },
];

function startDirect(viewer: XvfbDisplay, port: number, authString: string, args: string[]) {
  const child = viewer.spawn(
    'xfreerdp',
    [`/v:127.0.0.1:${port}`, '/u:viewer', `/shell:${PASSWORD}`, `/shell-dir:${authString}`, '/cert:ignore', ...args],
    {},
    'pipe',
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return { output: () => out, stop: () => killAndWait(child) };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function record(session: RdpSession, viewer: XvfbDisplay, scenario: Scenario) {
  current = undefined;
  const invitation = session.invitations.createInvitation({
    groupName: `g-${scenario.name}`,
    password: PASSWORD,
    attendeeLimit: 1,
  });
  const client = scenario.direct
    ? startDirect(viewer, session.port, invitation.authString, scenario.args)
    : startXfreerdp({
        display: viewer,
        connectionString: invitation.connectionString,
        password: PASSWORD,
        args: scenario.args,
      });
  try {
    await waitFor(() => current?.active, 20_000, `${scenario.name} to activate`).catch((error) => {
      throw new Error(`${error.message}\n${client.output()}`);
    });
    await sleep(1000);
    if (scenario.input) await interact(viewer);
  } finally {
    await client.stop();
  }
  const capture = current as Capture | undefined;
  if (!capture?.active) throw new Error(`${scenario.name}: nothing recorded`);
  await waitFor(() => capture.closed, 5000, `${scenario.name} to close`);
  const stream = Buffer.concat(capture.chunks);
  writeFileSync(join(OUT, `${scenario.name}.bin`), stream);
  writeFileSync(join(OUT, `${scenario.name}.input.json`), `${JSON.stringify(capture.input)}\n`);
  const rdp = capture.options.security.rdp;
  const active = capture.active;
  return {
    name: scenario.name,
    description: scenario.description,
    xfreerdpArgs: scenario.args,
    stream: `${scenario.name}.bin`,
    inputEvents: `${scenario.name}.input.json`,
    chunks: capture.chunks.map((c) => c.byteLength),
    width: capture.options.width,
    height: capture.options.height,
    randomBytes: capture.randoms.map(hex),
    ...(rdp ? { rsaKey: { n: rdp.key.n.toString(16), e: rdp.key.e.toString(16), d: rdp.key.d?.toString(16) } } : {}),
    expected: {
      securityLayer: active.securityLayer,
      encryptionMethod: active.encryptionMethod,
      colorDepth: active.colorDepth,
      channels: active.channels,
      userName: active.clientInfo.userName,
      inputEventCount: capture.input.length,
      closed: capture.closed,
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const shared = await startXvfb({ width: WIDTH, height: HEIGHT });
  const viewer = await startXvfb({ width: WIDTH, height: HEIGHT });
  const noop = () => {};
  const session = new RdpSession({
    display: shared.display,
    listenAddress: '127.0.0.1',
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    // Windows' default is NONE; the recordings need viewers that see the desktop.
    properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
  });
  await session.open();
  try {
    const recordings = [];
    for (const scenario of SCENARIOS) recordings.push(await record(session, viewer, scenario));
    const version = execFileSync('dpkg-query', ['-W', 'freerdp2-x11'], { encoding: 'utf8' }).trim().replace('\t', ' ');
    const manifest = { recordedWith: version, recordedAt: new Date().toISOString().slice(0, 10), recordings };
    writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const r of recordings) console.log(`${r.name}: ${r.chunks.reduce((a, b) => a + b, 0)} bytes`);
  } finally {
    await session.close();
    await viewer.stop();
    await shared.stop();
  }
}

await main();
