import { describe, expect, it } from 'vitest';
import { encodeInterleaved } from '../../src/codecs/interleaved.js';
import { FIXED_PALETTE } from '../../src/codecs/palette.js';
import { encodePlanar } from '../../src/codecs/planar.js';
import { encodeRaw } from '../../src/codecs/raw.js';
import { ErrorInfo } from '../../src/connection/error-info.js';
import { RdpConnector } from '../../src/connector/connector.js';
import type { ConnectorClose, ConnectorConfig } from '../../src/connector/connector-config.js';
import { ConnectorState } from '../../src/connector/connector-state.js';
import { ProtocolError } from '../../src/core/errors.js';
import { BitmapDataFlags, encodeBitmapUpdate } from '../../src/data/bitmap-update.js';
import { FastPathUpdateCode } from '../../src/data/fastpath-output.js';
import { encodePaletteUpdate } from '../../src/data/palette-update.js';
import { encodeFastPathPointerUpdate, pointerFromArgb } from '../../src/data/pointer-update.js';
import type { RsaKey } from '../../src/security/crypto-provider.js';
import { invitationKeyHashes } from '../../src/security/invitation-key-hash.js';
import { encodeProprietaryCertificate } from '../../src/security/proprietary-certificate.js';
import { encodeRsaPublicKey } from '../../src/security/rsa-public-key.js';
import { ConnectorPair, INVITATION } from '../connector/connector-pair.js';
import { prng } from '../data/fuzz.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { cpuMs } from './replay.js';
import { frameSpans, mutateStream, splitStream } from './stream-mutations.js';

const crypto = nodeCryptoProvider();
const key = generateRsaKey(512);
const publicKey: RsaKey = { n: key.n, e: key.e };
const MUTATED_REPLAYS = 2000;
const TIME_BOX_MS = 200;
/** The connector's answers: Confirm Active and finalization, channel joins; never more. */
const MAX_WRITE = 4096;

const config: ConnectorConfig = {
  crypto,
  userName: 'fuzz',
  password: INVITATION.password,
  authString: INVITATION.authString,
  desktopWidth: 320,
  desktopHeight: 200,
  channels: ['encomsp', 'appchan'],
  security: { tls: true, rdp: true },
  keyHashes: invitationKeyHashes(encodeRsaPublicKey(key), crypto),
};

/** A session under TLS (no per-run randoms, so the server's bytes replay as they are) with every update kind. */
async function recordServerStream(): Promise<Uint8Array> {
  const pair = new ConnectorPair(
    config,
    {
      crypto,
      width: 64,
      height: 48,
      security: { tls: true, rdp: { key, certificate: encodeProprietaryCertificate(key, crypto) } },
    },
    publicKey,
  );
  await pair.connect();
  await pair.flush();
  const frame = new Uint8Array(16 * 8 * 4).map((_, i) => (i * 37) & 0xff);
  const src = { data: frame, stride: 64, width: 16, height: 8 };
  const rect = (data: Uint8Array, bpp: number, flags: number) => ({
    destLeft: 0,
    destTop: 0,
    destRight: 15,
    destBottom: 7,
    width: 16,
    height: 8,
    bitsPerPixel: bpp,
    flags,
    data,
  });
  const compressed = BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR;
  pair.acceptor.sendFastPath([
    { code: FastPathUpdateCode.PALETTE, data: encodePaletteUpdate(FIXED_PALETTE) },
    { code: FastPathUpdateCode.BITMAP, data: encodeBitmapUpdate([rect(encodeRaw(src, { bpp: 16 }).data, 16, 0)]) },
    {
      code: FastPathUpdateCode.BITMAP,
      data: encodeBitmapUpdate([rect(encodeInterleaved(src, { bpp: 8 }).data, 8, compressed)]),
    },
    { code: FastPathUpdateCode.BITMAP, data: encodeBitmapUpdate([rect(encodePlanar(src).data, 32, compressed)]) },
    encodeFastPathPointerUpdate({
      type: 'new',
      ...pointerFromArgb({ width: 8, height: 8, xhot: 1, yhot: 1, pixels: new Uint32Array(64).fill(0x80ff0000) }),
    }),
    encodeFastPathPointerUpdate({ type: 'position', x: 5, y: 6 }),
  ]);
  pair.acceptor.sendChannelData('appchan', new Uint8Array(3000).fill(1));
  pair.acceptor.resize(80, 60);
  await pair.flush();
  pair.acceptor.sendFastPath([encodeFastPathPointerUpdate({ type: 'system', pointer: 'default' })]);
  pair.acceptor.disconnect(ErrorInfo.LOGON_TIMEOUT);
  await pair.flush();
  expect(pair.clientClose?.kind).toBe('server-disconnect');
  const total = pair.serverStream.reduce((n, b) => n + b.byteLength, 0);
  const stream = new Uint8Array(total);
  let offset = 0;
  for (const b of pair.serverStream) {
    stream.set(b, offset);
    offset += b.byteLength;
  }
  return stream;
}

interface Outcome {
  thrown?: unknown;
  closes: ConnectorClose[];
  state: string;
  writes: number[];
  updates: number;
  cpuMs: number;
}

async function replay(chunks: Uint8Array[]): Promise<Outcome> {
  const outcome: Outcome = { closes: [], state: '', writes: [], updates: 0, cpuMs: 0 };
  const connector = new RdpConnector(
    {
      write: (b) => outcome.writes.push(b.byteLength),
      startTls: async () => ({ publicKey }),
      onUpdate: () => outcome.updates++,
      onClose: (c) => outcome.closes.push(c),
    },
    config,
  );
  const started = cpuMs();
  try {
    connector.start();
    for (const chunk of chunks) connector.receive(chunk);
    await new Promise<void>((r) => setTimeout(r, 0));
  } catch (err) {
    outcome.thrown = err;
  }
  outcome.cpuMs = cpuMs() - started;
  outcome.state = connector.state;
  return outcome;
}

/** Replays once more when over the time box: a slow input is slow every time, a busy machine is not. */
async function timedReplay(chunks: Uint8Array[]): Promise<Outcome> {
  const outcome = await replay(chunks);
  if (outcome.cpuMs <= TIME_BOX_MS) return outcome;
  const again = await replay(chunks);
  return { ...outcome, cpuMs: Math.min(outcome.cpuMs, again.cpuMs) };
}

function violation(outcome: Outcome): string | undefined {
  if (outcome.thrown !== undefined) return `receive threw ${String(outcome.thrown)}`;
  if (outcome.closes.length > 1) return `onClose called ${outcome.closes.length} times`;
  const close = outcome.closes[0];
  if (close?.error !== undefined) {
    if (!(close.error instanceof ProtocolError)) return `onClose with a non-ProtocolError ${String(close.error)}`;
    // The connector wraps a foreign error (RangeError, TypeError) as INVALID from 'connector'.
    if (close.error.code === 'INVALID' && close.error.pdu === 'connector')
      return `a decoder threw a non-ProtocolError: ${close.error.message}`;
  }
  if (close && outcome.state !== ConnectorState.CLOSED) return `onClose but state ${outcome.state}`;
  if (outcome.cpuMs > TIME_BOX_MS) return `took ${outcome.cpuMs.toFixed(1)} ms`;
  const largest = Math.max(0, ...outcome.writes);
  if (largest > MAX_WRITE) return `wrote ${largest} bytes at once`;
  return undefined;
}

describe('connector replay of a recorded server stream', () => {
  it('replays cleanly: every update decoded, ended by the server', async () => {
    const stream = await recordServerStream();
    const clean = await replay([stream]);
    expect(violation(clean)).toBeUndefined();
    expect(clean.updates).toBe(7);
    expect(clean.closes.map((c) => c.kind)).toEqual(['server-disconnect']);
  });

  it(`survives ${MUTATED_REPLAYS} mutated and re-chunked replays with typed errors only`, async () => {
    const stream = await recordServerStream();
    const spans = frameSpans(stream);
    const rand = prng(0xc0ffee);
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    for (let i = 0; i < MUTATED_REPLAYS && failures.length < 5; i++) {
      const mutation = mutateStream(stream, spans, rand);
      const outcome = await timedReplay(splitStream(mutation.bytes, rand));
      const problem = violation(outcome);
      if (problem) failures.push(`#${i} ${mutation.kind}: ${problem}`);
      const end = outcome.closes[0]?.kind ?? outcome.state;
      kinds.set(end, (kinds.get(end) ?? 0) + 1);
    }
    expect(failures).toEqual([]);
    // The mutations reach the decoders: many replays end on a protocol error, not all on the clean end.
    expect(kinds.get('protocol') ?? 0).toBeGreaterThan(MUTATED_REPLAYS / 10);
  }, 120_000);
});
