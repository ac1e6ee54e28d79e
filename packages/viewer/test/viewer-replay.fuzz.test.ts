import {
  BitmapDataFlags,
  encodeBitmapUpdate,
  encodeEncomspPdus,
  encodeFastPathPointerUpdate,
  encodeInterleaved,
  encodePaletteUpdate,
  encodePlanar,
  encodeRaw,
  FastPathUpdateCode,
  FIXED_PALETTE,
  ProtocolError,
  peekFrame,
  pointerFromArgb,
  type TicketAddress,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { RdpViewer, type ViewerConnection, ViewerError } from '../src/index.js';
import { nodeCryptoProvider } from '../src/node/index.js';
import { AcceptorTransport } from './support/acceptor-transport.js';
import { acceptorOptions, publicKey, ticket } from './support/fixtures.js';
import { prng } from './support/prng.js';

const crypto = nodeCryptoProvider();
const REPLAYS = 1000;
const TIME_BOX_MS = 250;

/** A TLS session (replayable: no per-run randoms) carrying every update kind the viewer decodes. */
async function recordServerStream(): Promise<Uint8Array> {
  const recorded: Uint8Array[] = [];
  const transport = new AcceptorTransport(acceptorOptions(true), publicKey, [], {}, (bytes) => recorded.push(bytes));
  const viewer = new RdpViewer({ crypto, transport });
  viewer.virtualChannelManager.createVirtualChannel('chat', 1, 0);
  await viewer.connect(ticket(), 'fuzz', 'secret');
  const src = { data: new Uint8Array(16 * 8 * 4).map((_, i) => (i * 41) & 0xff), stride: 64, width: 16, height: 8 };
  const rect = (data: Uint8Array, bpp: number, compressed: boolean) => ({
    destLeft: 4,
    destTop: 4,
    destRight: 19,
    destBottom: 11,
    width: 16,
    height: 8,
    bitsPerPixel: bpp,
    flags: compressed ? BitmapDataFlags.COMPRESSION | BitmapDataFlags.NO_COMPRESSION_HDR : 0,
    data,
  });
  const bitmap = (r: ReturnType<typeof rect>) => ({ code: FastPathUpdateCode.BITMAP, data: encodeBitmapUpdate([r]) });
  const acceptor = transport.acceptor;
  acceptor?.sendFastPath([
    { code: FastPathUpdateCode.PALETTE, data: encodePaletteUpdate(FIXED_PALETTE) },
    bitmap(rect(encodePlanar(src).data, 32, true)),
    bitmap(rect(encodeInterleaved(src, { bpp: 24 }).data, 24, true)),
    bitmap(rect(encodeInterleaved(src, { bpp: 16 }).data, 16, true)),
    bitmap(rect(encodeInterleaved(src, { bpp: 8 }).data, 8, true)),
    bitmap(rect(encodeRaw(src, { bpp: 15 }).data, 15, false)),
    encodeFastPathPointerUpdate({
      type: 'new',
      ...pointerFromArgb({ width: 8, height: 8, xhot: 0, yhot: 0, pixels: new Uint32Array(64).fill(0xff00ff00) }),
    }),
    encodeFastPathPointerUpdate({ type: 'cached', cacheIndex: 0 }),
  ]);
  acceptor?.sendChannelData(
    'encomsp',
    encodeEncomspPdus([
      { type: 'participantCreated', participantId: 1, groupId: 0, flags: 5, friendlyName: 'fuzz' },
      { type: 'appCreated', flags: 1, appId: 9, name: 'xterm' },
      { type: 'windowCreated', flags: 1, appId: 9, windowId: 10, name: 'shell' },
      { type: 'graphicsStreamPaused' },
    ]),
  );
  acceptor?.sendChannelData('chat', Uint8Array.of(1, 2, 3));
  await new Promise((r) => setTimeout(r, 20));
  viewer.disconnect();
  const stream = new Uint8Array(recorded.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of recorded) {
    stream.set(b, offset);
    offset += b.byteLength;
  }
  return stream;
}

/** Feeds `chunks` as the sharer's bytes to a fresh viewer, then closes the connection. */
async function replay(
  chunks: Uint8Array[],
): Promise<{ connectError?: unknown; sessionErrors: Error[]; frames: number; ms: number }> {
  const transport = {
    async connect(_: TicketAddress): Promise<ViewerConnection> {
      let data: (b: Uint8Array) => void = () => {};
      let close: () => void = () => {};
      setTimeout(() => {
        for (const chunk of chunks) data(chunk);
        // The TLS upgrade resolves asynchronously; let it and the held bytes be processed before the close.
        setTimeout(() => close(), 2);
      }, 0);
      return {
        write() {},
        startTls: async () => ({ publicKey }),
        close() {},
        onData: (l) => {
          data = l;
        },
        onClose: (l) => {
          close = () => l();
        },
      };
    },
  };
  const viewer = new RdpViewer({ crypto, transport });
  viewer.virtualChannelManager.createVirtualChannel('chat', 1, 0);
  let frames = 0;
  viewer.frame$.subscribe(() => frames++);
  const sessionErrors: Error[] = [];
  viewer.events.error$.subscribe(({ error }) => sessionErrors.push(error));
  const started = performance.now();
  const connectError = await viewer.connect(ticket(), 'fuzz', 'secret').then(
    () => undefined,
    (e: unknown) => e,
  );
  await new Promise((r) => setTimeout(r, 5));
  return { connectError, sessionErrors, frames, ms: performance.now() - started };
}

/** Flips bytes inside one frame past its header, so most mutations reach the decoders behind the framing. */
function mutate(stream: Uint8Array, rand: () => number): Uint8Array {
  const out = stream.slice();
  const frames: [number, number][] = [];
  for (let o = 0; o < out.byteLength; ) {
    const h = peekFrame(out.subarray(o), 0xffff);
    if (!h) break;
    frames.push([o, h.length]);
    o += h.length;
  }
  const [start, length] = frames[Math.floor(rand() * frames.length)];
  for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) {
    const at = start + 4 + Math.floor(rand() * Math.max(1, length - 4));
    if (at < out.byteLength)
      out[at] = rand() < 0.5 ? Math.floor(rand() * 256) : out[at] ^ (1 << Math.floor(rand() * 8));
  }
  return out;
}

/**
 * A decoder that threw something other than a ProtocolError: the connector wraps it as INVALID from 'connector'
 * (its own errors name a PDU).
 */
function isForeign(error: unknown): boolean {
  return !(error instanceof ProtocolError) || (error.code === 'INVALID' && error.pdu === 'connector');
}

describe('viewer replay of a recorded sharer stream', () => {
  it(`decodes the clean stream, and ${REPLAYS} mutated ones end in ViewerErrors or events only`, async () => {
    const stream = await recordServerStream();
    const clean = await replay([stream]);
    expect(clean.connectError).toBeUndefined();
    expect(clean.frames).toBe(5);
    const rand = prng(0xbeef);
    const problems: string[] = [];
    let failed = 0;
    for (let i = 0; i < REPLAYS && problems.length < 5; i++) {
      const bytes = mutate(stream, rand);
      const cut = Math.floor(rand() * bytes.byteLength);
      const chunks = rand() < 0.5 ? [bytes] : [bytes.subarray(0, cut), bytes.subarray(cut)];
      const outcome = await replay(chunks);
      if (outcome.connectError !== undefined) {
        failed++;
        if (!(outcome.connectError instanceof ViewerError)) problems.push(`#${i}: ${String(outcome.connectError)}`);
        else if (outcome.connectError.cause !== undefined && isForeign(outcome.connectError.cause))
          problems.push(`#${i}: ${String(outcome.connectError.cause)}`);
      }
      failed += outcome.sessionErrors.length;
      for (const error of outcome.sessionErrors) if (isForeign(error)) problems.push(`#${i}: ${String(error)}`);
      // A slow input is slow every time, a busy machine (the e2e suites run beside this one) is not: time it again.
      if (outcome.ms > TIME_BOX_MS) {
        const again = await replay(chunks);
        if (again.ms > TIME_BOX_MS) problems.push(`#${i}: took ${Math.min(outcome.ms, again.ms).toFixed(0)} ms`);
      }
    }
    expect(problems).toEqual([]);
    expect(failed).toBeGreaterThan(REPLAYS / 20);
  }, 120_000);
});
