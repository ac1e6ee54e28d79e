import {
  DvcCmd,
  type DvcPdu,
  encodeDvcPdu,
  encodeGfxPdu,
  GfxCmdId,
  type GfxPdu,
  GfxQueueDepth,
} from '@rdshare/protocol';
import { startAnimation } from '@rdshare/testkit';
import { type Arena, collectGarbage } from './arena.js';
import { inParallel, linearSlope, prng, sleep } from './attack-kit.js';
import { GfxClient, PLAIN_CAPS } from './gfx-client.js';

/** What the sharer must do with one hostile input: end that connection (and say why), or carry on. */
type Verdict = { closes: RegExp } | { stays: true; check?: (c: GfxClient) => Promise<void> };

interface GfxCase {
  name: string;
  /** Before the hostile step: the pipeline in use (default), or only as far as the client gets on its own. */
  setup?: (c: GfxClient) => Promise<void>;
  attack: (c: GfxClient) => Promise<void> | void;
  verdict: Verdict;
}

/** How one case went. */
export interface GfxCaseResult {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * A DYNVC_DATA_FIRST (1-byte channel id, 4-byte Length) written by hand: the encoder refuses a first block longer
 * than the length, and the width code 3 the specification leaves invalid.
 */
function dvcDataFirst(channelId: number, length: number, data: Uint8Array, lengthCode = 2): Uint8Array {
  const out = new Uint8Array(2 + 4 + data.length);
  out[0] = (DvcCmd.DATA_FIRST << 4) | (lengthCode << 2);
  out[1] = channelId;
  new DataView(out.buffer).setUint32(2, length >>> 0, true);
  out.set(data, 6);
  return out;
}

/** An RDPGFX PDU with any header: `pduLength` need not match `body`. */
function gfxRaw(cmdId: number, body: Uint8Array, pduLength = 8 + body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, cmdId, true);
  view.setUint32(4, pduLength >>> 0, true);
  out.set(body, 8);
  return out;
}

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint32(i * 4, v >>> 0, true);
  });
  return out;
}

const ack = (frameId: number, queueDepth = 0): GfxPdu => ({
  type: 'frameAcknowledge',
  queueDepth,
  frameId,
  totalFramesDecoded: frameId,
});

function offer(count: number, keyOf = (i: number) => BigInt(i + 1)): GfxPdu {
  return {
    type: 'cacheImportOffer',
    cacheEntries: Array.from({ length: count }, (_, i) => ({ cacheKey: keyOf(i), bitmapLength: 64 * 64 * 4 })),
  };
}

/** Frames keep coming to a client that acknowledges each as it arrives (as long as `ms`). */
async function framesFlow(c: GfxClient, count: number, ms = 5000): Promise<void> {
  const before = c.frameIds().length;
  let acked = 0;
  const started = Date.now();
  while (c.frameIds().length < before + count) {
    if (Date.now() - started > ms) throw new Error(`only ${c.frameIds().length - before} of ${count} frames came`);
    const ids = c.frameIds();
    if (ids.length > acked) {
      c.gfx(encodeGfxPdu(ack(ids[ids.length - 1])));
      acked = ids.length;
    }
    await sleep(20);
  }
}

/** What the sharer logs when a drdynvc message fails with the protocol's typed error, and ends the connection. */
const MALFORMED = 'malformed graphics pipeline message';
const GFX = /MS-RDPEGFX/;
const DYNVC = /MS-RDPEDYC/;

/**
 * Every hostile input, one connection each. Inputs the specification calls malformed or out of order end that
 * connection; the others are ones a server may see from an honest client (a late cache offer, QoE acknowledgements,
 * a client that suspends acknowledgements) or ones it is told to ignore (data for a channel it closed).
 */
const CASES: GfxCase[] = [
  // MS-RDPEDYC on drdynvc.
  {
    name: 'DVC DATA_FIRST announcing 4 GB, then DATA',
    attack: (c) => {
      c.raw(dvcDataFirst(c.gfxId, 0xffffffff, new Uint8Array(1000)));
      for (let i = 0; i < 200; i++) c.dvc({ type: 'data', channelId: c.gfxId, data: new Uint8Array(1590) });
    },
    verdict: { closes: /message of 4294967295 bytes over/ },
  },
  {
    name: 'DVC DATA_FIRST one byte over the 4 MiB limit',
    attack: (c) => c.raw(dvcDataFirst(c.gfxId, 4 * 1024 * 1024 + 1, new Uint8Array(100))),
    verdict: { closes: /bytes over 4194304/ },
  },
  {
    name: 'DVC DATA past the length DATA_FIRST announced',
    attack: (c) => {
      c.dvc({ type: 'dataFirst', channelId: c.gfxId, length: 1000, data: new Uint8Array(500) });
      c.dvc({ type: 'data', channelId: c.gfxId, data: new Uint8Array(600) });
    },
    verdict: { closes: /past the declared Length 1000/ },
  },
  {
    name: 'DVC DATA_FIRST whose first block is longer than its length',
    attack: (c) => c.raw(dvcDataFirst(c.gfxId, 10, new Uint8Array(20))),
    verdict: { closes: /first block 20 longer than Length 10/ },
  },
  {
    name: 'DVC DATA_FIRST with the invalid length width code 3',
    attack: (c) => c.raw(dvcDataFirst(c.gfxId, 10, new Uint8Array(4), 3)),
    verdict: { closes: /width code 3/ },
  },
  {
    name: 'DVC DATA on a channel id never created',
    attack: (c) => c.dvc({ type: 'data', channelId: 200, data: encodeGfxPdu(ack(1)) }),
    verdict: { closes: /unknown channel id 200/ },
  },
  {
    name: 'DVC DATA on channel id 0',
    attack: (c) => c.dvc({ type: 'data', channelId: 0, data: encodeGfxPdu(ack(1)) }),
    verdict: { closes: /unknown channel id 0/ },
  },
  {
    name: 'DVC CREATE response for an id never requested',
    attack: (c) => c.dvc({ type: 'createResponse', channelId: 77, creationStatus: 0 }),
    verdict: { closes: /unknown channel id 77/ },
  },
  {
    name: 'DVC CREATE response repeated',
    attack: (c) => c.dvc({ type: 'createResponse', channelId: c.gfxId, creationStatus: 0 }),
    verdict: { closes: /second create response/ },
  },
  {
    name: 'DVC DATA on the graphics channel before the client created it',
    setup: (c) => c.createRequested(),
    attack: (c) => c.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: PLAIN_CAPS })),
    verdict: { closes: /data on unopened channel/ },
  },
  {
    name: 'DVC CREATE response refusing the graphics channel (bitmap updates carry on)',
    setup: (c) => c.createRequested(),
    attack: (c) => c.dvc({ type: 'createResponse', channelId: c.gfxId, creationStatus: 0x80004005 | 0 }),
    verdict: {
      stays: true,
      check: async (c) => {
        const before = c.bitmapUpdates;
        await c.until(() => c.bitmapUpdates > before, 'bitmap updates');
      },
    },
  },
  {
    name: 'DVC CAPS response with version 0xBEEF (accepted: the sharer needs nothing of version 2 or 3)',
    setup: async () => undefined,
    attack: (c) => c.open(PLAIN_CAPS, 0xbeef),
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
  {
    name: 'DVC CAPS response twice',
    attack: (c) => c.dvc({ type: 'capsResponse', version: 3 }),
    verdict: { closes: /capabilities response/ },
  },
  {
    name: 'DVC CLOSE of the graphics channel in use, then data on it (ignored: data may cross the close); back to bitmap updates',
    attack: async (c) => {
      await framesFlow(c, 2);
      // Every frame acknowledged right before, so the window lets the sharer send more after the close.
      c.gfx(encodeGfxPdu(ack(0xffffffff)));
      c.dvc({ type: 'close', channelId: c.gfxId });
      c.gfx(encodeGfxPdu(ack(1)));
      c.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: [{ version: 0x000a0701, flags: 0 }] }));
    },
    // The display animates: the sharer's next frames for this attendee must not go to a closed channel, and the
    // attendee gets the desktop as bitmap updates instead.
    verdict: {
      stays: true,
      check: async (c) => {
        const before = c.bitmapUpdates;
        await sleep(1500);
        await c.until(() => c.logged('graphics pipeline closed by the client'), 'the log line of the close');
        await c.until(() => c.bitmapUpdates > before, 'bitmap updates after the close');
      },
    },
  },
  {
    name: 'DVC CLOSE of a channel id never created (ignored)',
    attack: (c) => c.dvc({ type: 'close', channelId: 99 }),
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
  {
    name: 'DVC compressed DATA, never negotiated',
    attack: (c) => c.raw(Uint8Array.of((DvcCmd.DATA_COMPRESSED << 4) | 0, c.gfxId, 0xe0, 0x04, 1, 2, 3)),
    verdict: { closes: /Cmd 0x7/ },
  },
  {
    name: 'DVC soft-sync response, never negotiated',
    attack: (c) => c.raw(Uint8Array.of(DvcCmd.SOFT_SYNC_RESPONSE << 4, 0, 0, 0, 0)),
    verdict: { closes: /Cmd 0x9/ },
  },
  {
    name: 'DVC empty message',
    attack: (c) => c.raw(new Uint8Array(0)),
    verdict: { closes: DYNVC },
  },

  // MS-RDPEGFX on the graphics channel.
  {
    name: 'CapsAdvertise with capsSetCount 65535 and one set',
    setup: (c) => c.open(null),
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.CAPSADVERTISE, Uint8Array.of(0xff, 0xff, ...u32s(0x000a0701, 4, 0)))),
    verdict: { closes: /needs 4 bytes/ },
  },
  {
    name: 'CapsAdvertise whose set claims 4 GB of data',
    setup: (c) => c.open(null),
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.CAPSADVERTISE, Uint8Array.of(1, 0, ...u32s(0x000a0701, 0xfffffff0, 0)))),
    verdict: { closes: GFX },
  },
  {
    name: 'CapsAdvertise whose set claims less data than it has',
    setup: (c) => c.open(null),
    attack: (c) =>
      c.gfx(gfxRaw(GfxCmdId.CAPSADVERTISE, Uint8Array.of(2, 0, ...u32s(0x000a0701, 0, 0x20, 0x00080004, 4, 0)))),
    // The second set's version reads 0x20 and its length swallows the rest: nothing known, the pipeline is refused.
    verdict: { closes: GFX },
  },
  {
    name: 'CapsAdvertise with no version the sharer knows (the channel closes, bitmap updates carry on)',
    setup: (c) => c.open(null),
    attack: (c) => c.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: [{ version: 0x00090000, flags: 0 }] })),
    verdict: {
      stays: true,
      check: async (c) => {
        await c.until(() => c.dvcPdus.some((p) => p.type === 'close' && p.channelId === c.gfxId), 'a DVC close');
        const before = c.bitmapUpdates;
        await c.until(() => c.bitmapUpdates > before, 'bitmap updates');
      },
    },
  },
  {
    name: 'CapsAdvertise with no sets at all',
    setup: (c) => c.open(null),
    attack: (c) => c.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: [] })),
    verdict: {
      stays: true,
      check: (c) => c.until(() => c.dvcPdus.some((p) => p.type === 'close' && p.channelId === c.gfxId), 'a close'),
    },
  },
  {
    name: 'a second CapsAdvertise mid-session',
    attack: (c) => c.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: [{ version: 0x00080004, flags: 0 }] })),
    verdict: { closes: /second capabilities advertise/ },
  },
  {
    name: 'FrameAcknowledge of frame ids never sent',
    attack: (c) => {
      for (const id of [0xfffffff0, 12345, 0, 0xffffffff]) c.gfx(encodeGfxPdu(ack(id)));
    },
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
  {
    name: 'no FrameAcknowledge at all: the sharer stops at 3 frames in flight',
    attack: () => sleep(2500),
    verdict: {
      stays: true,
      check: async (c) => {
        const n = c.frameIds().length;
        if (n < 1 || n > 3) throw new Error(`${n} frames sent without an acknowledgement (1 to 3 expected)`);
      },
    },
  },
  {
    name: 'SUSPEND_FRAME_ACKNOWLEDGEMENT, then no more acknowledgements: frames keep coming',
    attack: async (c) => {
      await c.until(() => c.frameIds().length > 0, 'a first frame');
      c.gfx(encodeGfxPdu(ack(c.frameIds()[0], GfxQueueDepth.SUSPEND_FRAME_ACKNOWLEDGEMENT)));
    },
    verdict: {
      stays: true,
      check: async (c) => {
        const before = c.frameIds().length;
        await c.until(() => c.frameIds().length >= before + 6, 'six frames past the window, unacknowledged');
      },
    },
  },
  {
    name: 'a flood of 20000 FrameAcknowledges',
    attack: (c) => {
      const one = encodeGfxPdu(ack(1));
      const batch = new Uint8Array(one.length * 100);
      for (let i = 0; i < 100; i++) batch.set(one, i * one.length);
      for (let i = 0; i < 200; i++) c.gfx(batch);
    },
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
  {
    name: 'QoE FrameAcknowledges (ignored: a 10.x client may send them)',
    attack: (c) => {
      for (let i = 1; i < 20; i++) {
        c.gfx(
          encodeGfxPdu({ type: 'qoeFrameAcknowledge', frameId: i, timestamp: 1000 * i, timeDiffSE: 5, timeDiffEDR: 7 }),
        );
      }
    },
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
  {
    name: 'CacheImportOffer with 5463 entries',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.CACHEIMPORTOFFER, Uint8Array.of(0x57, 0x15, ...new Uint8Array(5463 * 12)))),
    verdict: { closes: /cacheEntriesCount 5463/ },
  },
  {
    name: 'CacheImportOffer whose cacheEntriesCount says 100 for 3 entries',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.CACHEIMPORTOFFER, Uint8Array.of(100, 0, ...new Uint8Array(3 * 12)))),
    verdict: { closes: /cacheEntries needs 1200 bytes/ },
  },
  {
    name: 'CacheImportOffer after the first frame (answered)',
    attack: async (c) => {
      await c.until(() => c.frameIds().length > 0, 'a first frame');
      c.gfx(encodeGfxPdu(offer(10)));
    },
    verdict: { stays: true, check: (c) => c.until(() => c.has('cacheImportReply'), 'the import reply') },
  },
  {
    name: 'CacheImportOffer twice',
    attack: async (c) => {
      c.gfx(encodeGfxPdu(offer(5461, () => 7n)));
      await c.until(() => c.has('cacheImportReply'), 'the first import reply');
      c.gfx(encodeGfxPdu(offer(5461, () => 7n)));
    },
    verdict: { closes: /second cache import offer/ },
  },
  {
    name: 'unknown cmdId 0x00FF',
    attack: (c) => c.gfx(gfxRaw(0x00ff, new Uint8Array(4))),
    verdict: { closes: /cmdId 0xff/ },
  },
  {
    name: 'a server-to-client PDU (StartFrame) from the client',
    attack: (c) => c.gfx(encodeGfxPdu({ type: 'startFrame', timestamp: 0, frameId: 1 })),
    verdict: { closes: /startFrame from a client/ },
  },
  {
    name: 'pduLength 0',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.FRAMEACKNOWLEDGE, u32s(0, 1, 1), 0)),
    verdict: { closes: /pduLength 0/ },
  },
  {
    name: 'pduLength smaller than the body',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.FRAMEACKNOWLEDGE, u32s(0, 1, 1), 12)),
    verdict: { closes: GFX },
  },
  {
    name: 'pduLength larger than the message',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.FRAMEACKNOWLEDGE, u32s(0, 1, 1), 64)),
    verdict: { closes: GFX },
  },
  {
    name: 'pduLength covering padding after the body (the padding is skipped)',
    attack: (c) => c.gfx(gfxRaw(GfxCmdId.FRAMEACKNOWLEDGE, u32s(0, 1, 1, 0, 0), 28)),
    verdict: { stays: true, check: (c) => framesFlow(c, 3) },
  },
];

/** How long a connection that should have been ended may take to go, and one that should stay is watched. */
const CLOSE_WITHIN_MS = 3000;

/** Runs one case on a fresh connection and says whether the sharer did what the verdict says. */
async function runCase(arena: Arena, index: number, test: GfxCase): Promise<GfxCaseResult> {
  const name = `gfx-attack-${index}`;
  const client = await GfxClient.join(arena, name);
  try {
    await (test.setup ?? ((c: GfxClient) => c.open()))(client);
    await test.attack(client);
    return await judge(client, test.verdict);
  } catch (error) {
    return { name: test.name, ok: false, detail: String(error) };
  } finally {
    client.close();
  }

  async function judge(c: GfxClient, verdict: Verdict): Promise<GfxCaseResult> {
    const said = () => c.lines().filter((l) => l.level === 'warn' || l.level === 'error');
    if ('closes' in verdict) {
      const started = Date.now();
      while (!c.closed && Date.now() - started < CLOSE_WITHIN_MS) await sleep(20);
      const why = said().map((l) => `${l.message}: ${JSON.stringify(l.fields)}`);
      // The line attendee-gfx writes for a typed decode error: anything else thrown would not be named so.
      const named = c.lines().some((l) => l.message === MALFORMED && verdict.closes.test(String(l.fields?.error)));
      const ok = c.closed && named;
      const detail = c.closed
        ? named
          ? why[0]
          : `closed, but the log says ${why.join(' | ') || 'nothing'}`
        : 'not closed';
      return { name: test.name, ok, detail };
    }
    await verdict.check?.(c);
    const complaints = said().map((l) => `${l.message}: ${JSON.stringify(l.fields)}`);
    const ok = !c.closed && complaints.length === 0 && c.decodeError === undefined;
    const detail = c.closed
      ? `closed: ${c.test.closed}; ${complaints.join(' | ')}`
      : complaints.join(' | ') || (c.decodeError ? `undecodable output: ${c.decodeError}` : 'carried on');
    return { name: test.name, ok, detail };
  }
}

/** Every case of {@link CASES}, a few connections at a time. */
export async function hostileGraphicsPipeline(arena: Arena) {
  const results: GfxCaseResult[] = [];
  await inParallel(CASES.length, 4, async (i) => {
    results[i] = await runCase(arena, i, CASES[i]);
    // Each pipeline connection holds two bulk compression histories (ours and the sharer's, 5.5 MB): collected
    // as they go, the next ones reuse their memory instead of growing the heap.
    collectGarbage();
  });
  const failed = results.filter((r) => !r.ok);
  return {
    volume: `${CASES.length} hostile inputs on drdynvc and the graphics channel, one connection each`,
    notes: `${results.length - failed.length} handled as the specification says`,
    results,
  };
}

/** The PDUs a client sends on drdynvc once the pipeline is in use, as seeds for mutation. */
function validClientPdus(gfxId: number): Uint8Array[] {
  const dvc = (pdu: DvcPdu) => encodeDvcPdu(pdu);
  return [
    dvc({ type: 'capsResponse', version: 2 }),
    dvc({ type: 'createResponse', channelId: gfxId, creationStatus: 0 }),
    dvc({ type: 'data', channelId: gfxId, data: encodeGfxPdu(ack(1)) }),
    dvc({ type: 'data', channelId: gfxId, data: encodeGfxPdu(offer(3)) }),
    dvc({ type: 'dataFirst', channelId: gfxId, length: 40, data: encodeGfxPdu(ack(2)) }),
    dvc({ type: 'close', channelId: gfxId }),
  ];
}

/**
 * Valid DVC PDUs with 1 to 4 bytes changed (and sometimes cut or extended), each on its own connection whose
 * pipeline is in use. Whether the sharer ends the connection depends on the bytes; what may never happen is a
 * connection ended without a log line saying why, output the client cannot decode, or a sharer that stops.
 */
export async function mutatedDvcPdus(arena: Arena, count: number, seed = 11) {
  const random = prng(seed);
  const failures: string[] = [];
  let ended = 0;
  const plans = Array.from({ length: count }, () => {
    const template = Math.floor(random() * 6);
    const flips = Array.from({ length: 1 + Math.floor(random() * 4) }, () => [random(), Math.floor(random() * 256)]);
    const resize = random() < 0.2 ? Math.floor(random() * 8) - 4 : 0;
    return { template, flips, resize };
  });
  await inParallel(count, 6, async (i) => {
    const client = await GfxClient.join(arena, `dvc-mutant-${i}`);
    try {
      await client.open();
      const { template, flips, resize } = plans[i];
      const valid = validClientPdus(client.gfxId)[template];
      const bytes = new Uint8Array(Math.max(0, valid.length + resize));
      bytes.set(valid.subarray(0, bytes.length));
      for (const [at, value] of flips) if (bytes.length > 0) bytes[Math.floor(at * bytes.length)] = value;
      client.raw(bytes);
      await sleep(800);
      if (client.closed) ended++;
      if (client.closed && !client.logged(MALFORMED)) {
        failures.push(`mutant ${i} (seed ${seed}): closed without a typed decode error logged`);
      }
      if (client.decodeError) failures.push(`mutant ${i} (seed ${seed}): undecodable output ${client.decodeError}`);
    } finally {
      client.close();
    }
  });
  return {
    volume: `${count} mutated DVC PDUs (seed ${seed}), one connection each`,
    notes: `${ended} ended by the sharer with a typed error logged, ${count - ended} carried on`,
    failures,
  };
}

/**
 * A pipeline client that suspends frame acknowledgements, stops reading its socket and keeps acknowledging for
 * `seconds` while the whole screen moves (megabytes of lossless tiles a second, so the kernels' socket buffers
 * fill within a second): with no acknowledgement window left, only the socket's backlog may hold the sharer back.
 * What the sharer wrote and the client did not read (its bytes sent for this attendee less the client's bytes
 * received: the sharer's queue plus both kernels' buffers) must level off.
 */
export async function stalledGfxViewer(arena: Arena, seconds: number, caps = PLAIN_CAPS) {
  const client = await GfxClient.join(arena, `gfx-stalled-${caps[0].flags}`);
  await client.open(caps);
  const ready = client.lines().find((l) => l.message === 'graphics pipeline ready');
  const avc = String(ready?.fields?.avc);
  await client.until(() => client.frameIds().length > 0, 'a first frame');
  client.gfx(encodeGfxPdu(ack(client.frameIds()[0], GfxQueueDepth.SUSPEND_FRAME_ACKNOWLEDGEMENT)));
  client.test.stopReading();
  const motion = await startAnimation(arena.shared, {
    workload: 'full-screen-motion',
    fps: 15,
    recordDrawTimes: false,
  });
  const attendee = [...arena.session.attendees].find((a) => a.id === client.attendeeId);
  if (!attendee) throw new Error('the stalled client has no attendee');
  const unreadMb = () => (attendee.statistics.bytesSent - client.test.bytesReceived) / 1024 / 1024;
  const unread: number[] = [];
  const rss: [number, number][] = [];
  const started = Date.now();
  const one = encodeGfxPdu(ack(1, GfxQueueDepth.SUSPEND_FRAME_ACKNOWLEDGEMENT));
  while (Date.now() - started < seconds * 1000) {
    for (let i = 0; i < 50; i++) client.gfx(one);
    await sleep(250);
    unread.push(unreadMb());
    rss.push([(Date.now() - started) / 1000, process.memoryUsage().rss / 1024 / 1024]);
  }
  await motion.stop();
  const stillThere = [...arena.session.attendees].includes(attendee);
  client.close();
  const half = unread[Math.floor(unread.length / 2)];
  const last = unread[unread.length - 1];
  const slope = linearSlope(rss.slice(Math.floor(rss.length / 2)));
  return {
    volume: `1 pipeline viewer (H.264: ${avc}) with acknowledgements suspended, not reading, 200 acks/s for ${seconds} s of full-screen motion`,
    notes: `${last.toFixed(1)} MB written and unread at the end (${half.toFixed(1)} MB halfway); RSS slope over the last half ${slope.toFixed(2)} MB/s`,
    unreadMb: last,
    unreadGrowthMb: last - half,
    stillThere,
    avc,
  };
}
