import { describe, expect, it, vi } from 'vitest';
import { AcceptorState } from '../../src/acceptor/acceptor.js';
import { ProtocolError } from '../../src/core/errors.js';
import type { RsaKey } from '../../src/security/crypto-provider.js';
import { fuzz, prng } from '../data/fuzz.js';
import { ACCEPTOR_DECODERS, type AcceptorDecoder, recordedPdus } from './recorded-pdus.js';
import { loadRecordings, type Recording, recordedChunks } from './recording.js';
import { cpuMs, Replayer, type ReplayOutcome } from './replay.js';
import { frameSpans, mutateStream, splitStream } from './stream-mutations.js';

// A 2048-bit RSA decryption in bigint takes ~12 ms; most mutated replays carry the recorded security exchange
// unchanged, so its (successful) decryption is computed once per ciphertext. Failures are never cached.
vi.mock('../../src/security/client-random.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/security/client-random.js')>();
  const decrypted = new Map<string, Uint8Array>();
  return {
    ...actual,
    decryptClientRandom: (encrypted: Uint8Array, key: RsaKey) => {
      const id = `${key.n.toString(16)}:${Buffer.from(encrypted).toString('hex')}`;
      let random = decrypted.get(id);
      if (!random) {
        random = actual.decryptClientRandom(encrypted, key);
        decrypted.set(id, random);
      }
      return random.slice();
    },
  };
});

const recordings = loadRecordings();
const MUTATED_REPLAYS = 3000;
/** Mutated replays with an asynchronous verdict: the same decoders, a different hold-and-resume path. */
const ASYNC_MUTATED_REPLAYS = 500;
/** Per replay of a few KB, which takes ~1-10 ms (plus ~12 ms when a mutated client random is decrypted). */
const TIME_BOX_MS = 200;
/** Vitest's own limit for the mutated-replay loops, far above their CPU budget, so that a loaded machine is not a failure. */
const WALL_CLOCK_LIMIT_MS = 300_000;
/** The acceptor's answers: Connect Response with the certificate, Demand Active, finalization; never more. */
const MAX_WRITE = 4096;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * Replays and, when that took longer than the time box, replays once more: a slow input is slow every time,
 * a garbage collection or a busy machine is not.
 */
async function timedReplay(replayer: Replayer, chunks: Uint8Array[]): Promise<ReplayOutcome> {
  const outcome = await replayer.replay(chunks);
  if (outcome.cpuMs <= TIME_BOX_MS) return outcome;
  const again = await replayer.replay(chunks);
  return { ...outcome, cpuMs: Math.min(outcome.cpuMs, again.cpuMs) };
}

/**
 * Why an outcome is unacceptable, or undefined. The acceptor wraps a foreign error (RangeError, TypeError)
 * from a decoder into ProtocolError('INVALID', message, 'acceptor'); its own INVALID errors on this path name
 * a PDU instead, so that combination means a decoder threw something other than a ProtocolError.
 */
function violation(outcome: ReplayOutcome, cleanWritten: number): string | undefined {
  if (outcome.thrown !== undefined) return `receive threw ${String(outcome.thrown)}`;
  if (outcome.closes.length > 1) return `onClose called ${outcome.closes.length} times`;
  const close = outcome.closes[0];
  if (close && close.error !== undefined) {
    if (!(close.error instanceof ProtocolError)) return `onClose with a non-ProtocolError ${String(close.error)}`;
    if (close.error.code === 'INVALID' && close.error.pdu === 'acceptor')
      return `a decoder threw a non-ProtocolError: ${close.error.message}`;
  }
  if (close && outcome.state !== AcceptorState.CLOSED) return `onClose but state ${outcome.state}`;
  if (!close && outcome.state === AcceptorState.CLOSED) return 'closed without onClose';
  if (outcome.cpuMs > TIME_BOX_MS) return `took ${outcome.cpuMs.toFixed(1)} ms`;
  const largest = Math.max(0, ...outcome.writes);
  if (largest > MAX_WRITE) return `wrote ${largest} bytes at once`;
  const written = outcome.writes.reduce((a, b) => a + b, 0);
  if (written > 2 * cleanWritten + 4096) return `wrote ${written} bytes, the clean replay ${cleanWritten}`;
  return undefined;
}

describe.each(recordings.map((r) => [r.name, r] as [string, Recording]))('recorded session %s', (_, recording) => {
  const replayer = new Replayer(recording);

  it('replays cleanly to the active state with the recorded input', async () => {
    const outcome = await replayer.replay(recordedChunks(recording));
    expect(outcome.closes).toEqual([]);
    expect(outcome.state).toBe(AcceptorState.ACTIVE);
    expect(outcome.active).toMatchObject({
      securityLayer: recording.expected.securityLayer,
      encryptionMethod: recording.expected.encryptionMethod,
      colorDepth: recording.expected.colorDepth,
      channels: recording.expected.channels,
      clientInfo: { userName: recording.expected.userName },
    });
    expect(outcome.input.length).toBeGreaterThan(20);
    expect(outcome.input).toEqual(recording.input);
    expect(new Set(outcome.input.map((e) => e.type))).toEqual(new Set(['mouse', 'scancode', 'sync']));
  });

  it('replays the same at any chunking, one byte at a time included', async () => {
    const rand = prng(7);
    for (let i = 0; i < 20; i++) {
      const outcome = await replayer.replay(splitStream(recording.stream, rand));
      expect(outcome.state).toBe(AcceptorState.ACTIVE);
      expect(outcome.input).toEqual(recording.input);
    }
  });

  it(
    `survives ${MUTATED_REPLAYS} mutated replays: only ProtocolError, bounded output and time`,
    async () => {
      const clean = await replayer.replay([recording.stream]);
      const cleanWritten = clean.writes.reduce((a, b) => a + b, 0);
      const frames = frameSpans(recording.stream);
      const rand = prng(0x5eed + recording.stream.byteLength);
      const failures: string[] = [];
      const endings = { protocolError: 0, closedWithoutError: 0, open: 0 };
      const started = cpuMs();
      for (let i = 0; i < MUTATED_REPLAYS; i++) {
        const { kind, bytes } = mutateStream(recording.stream, frames, rand);
        const outcome = await timedReplay(replayer, splitStream(bytes, rand));
        const problem = violation(outcome, cleanWritten);
        if (problem) failures.push(`case ${i} (${kind}): ${problem}; stream ${hex(bytes)}`);
        const close = outcome.closes[0];
        if (!close) endings.open++;
        else if (close.error) endings.protocolError++;
        else endings.closedWithoutError++;
      }
      expect(failures.slice(0, 3)).toEqual([]);
      // The mutations must actually reach the decoders' error paths, and some must leave the stream acceptable.
      expect(endings.protocolError).toBeGreaterThan(MUTATED_REPLAYS / 3);
      expect(endings.open).toBeGreaterThan(0);
      expect(cpuMs() - started).toBeLessThan(MUTATED_REPLAYS * 10);
      // The bound that matters is the CPU time asserted above; wall-clock time is the machine's load.
    },
    WALL_CLOCK_LIMIT_MS,
  );

  it(
    `with asynchronous authentication: replays cleanly, and ${ASYNC_MUTATED_REPLAYS} mutated replays end in ProtocolError only`,
    async () => {
      const asyncReplayer = new Replayer(recording, true);
      const clean = await asyncReplayer.replay(recordedChunks(recording));
      expect(clean.closes).toEqual([]);
      expect(clean.state).toBe(AcceptorState.ACTIVE);
      expect(clean.input).toEqual(recording.input);
      const cleanWritten = clean.writes.reduce((a, b) => a + b, 0);
      const frames = frameSpans(recording.stream);
      const rand = prng(0xa5 + recording.stream.byteLength);
      const failures: string[] = [];
      let protocolErrors = 0;
      for (let i = 0; i < ASYNC_MUTATED_REPLAYS; i++) {
        const { kind, bytes } = mutateStream(recording.stream, frames, rand);
        const outcome = await timedReplay(asyncReplayer, splitStream(bytes, rand));
        const problem = violation(outcome, cleanWritten);
        if (problem) failures.push(`case ${i} (${kind}): ${problem}; stream ${hex(bytes)}`);
        if (outcome.closes[0]?.error) protocolErrors++;
      }
      expect(failures.slice(0, 3)).toEqual([]);
      expect(protocolErrors).toBeGreaterThan(ASYNC_MUTATED_REPLAYS / 3);
    },
    WALL_CLOCK_LIMIT_MS,
  );

  it('survives random streams, bare and after a valid prefix', async () => {
    const rand = prng(99);
    const frames = frameSpans(recording.stream);
    const failures: string[] = [];
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const prefix = frames[Math.floor(rand() * frames.length)].offset;
      const noise = new Uint8Array(Math.floor(rand() * 300)).map(() => Math.floor(rand() * 256));
      if (rand() < 0.5 && noise.length > 0) noise[0] = 0x03;
      const bytes = new Uint8Array(prefix + noise.length);
      bytes.set(recording.stream.subarray(0, i % 3 === 0 ? 0 : prefix));
      bytes.set(noise, i % 3 === 0 ? 0 : prefix);
      const input = i % 3 === 0 ? noise : bytes;
      const outcome = await timedReplay(replayer, splitStream(input, rand));
      const problem = violation(outcome, Number.POSITIVE_INFINITY);
      if (problem) failures.push(`case ${i}: ${problem}; stream ${hex(input)}`);
      if (outcome.closes[0]?.error) rejected++;
    }
    expect(failures.slice(0, 3)).toEqual([]);
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('the acceptor decoders, fed mutated recorded PDUs', () => {
  const samples = new Map<AcceptorDecoder, Uint8Array[]>();
  for (const recording of recordings) {
    for (const [decoder, pdus] of recordedPdus(recording))
      samples.set(decoder, [...(samples.get(decoder) ?? []), ...pdus]);
  }
  /**
   * What every recorded xfreerdp session goes through. The rest may not occur: xfreerdp sends no licensing,
   * refresh or suppress-output PDUs here, and no static channel data before the server opens its channels.
   */
  const always: AcceptorDecoder[] = [
    'frame',
    'tpkt',
    'connectionRequest',
    'x224Data',
    'connectInitial',
    'conferenceCreateRequest',
    'clientData',
    'mcsDomainPdu',
    'securityExchange',
    'basicSecurityHeader',
    'nonFipsSecurityHeader',
    'clientInfo',
    'shareControl',
    'confirmActive',
    'shareData',
    'synchronize',
    'control',
    'fontList',
    'fastPathInputHeader',
    'fastPathInputEvents',
  ];

  it('finds every layer in the recordings, and each decodes as recorded', () => {
    expect([...samples.keys()]).toEqual(expect.arrayContaining(always));
    for (const [decoder, pdus] of samples) {
      for (const pdu of pdus) expect(() => ACCEPTOR_DECODERS[decoder](pdu), decoder).not.toThrow();
    }
  });

  it.each(Object.keys(ACCEPTOR_DECODERS) as AcceptorDecoder[])('%s throws only ProtocolError', (decoder) => {
    const valid = samples.get(decoder) ?? [];
    const { accepted, rejected } = fuzz(ACCEPTOR_DECODERS[decoder], valid.slice(0, 64), { seed: 3, iterations: 2000 });
    expect(rejected).toBeGreaterThan(0);
    if (valid.length > 0) expect(accepted).toBeGreaterThan(0);
  });
});
