import {
  Avc444Lc,
  CACHE_IMPORT_MAX_ENTRIES,
  decodeAvc420BitmapStream,
  decodeAvc444BitmapStream,
  decodeDvcPdu,
  decodeGfxPdus,
  decodeSegmentedData,
  encodeDvcPdu,
  encodeGfxPdu,
  GfxCapsFlags,
  GfxCapsVersion,
  GfxCmdId,
  GfxCodecId,
  type GfxPdu,
  GfxQueueDepth,
  ProtocolError,
  ZgfxHistory,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import type { GraphicsSink } from '../../src/graphics/attendee-graphics.js';
import { GfxStream, type GfxStreamOptions } from '../../src/graphics/gfx-stream.js';

/** A scripted client on the other end of `drdynvc`: answers caps and create, collects RDPGFX PDUs. */
function setup(maxFramesInFlight = 2, hooks: Pick<GfxStreamOptions, 'onClosed' | 'onUnavailable'> = {}) {
  const gfx: GfxPdu[] = [];
  let channelId = 0;
  const partial = new Map<number, Uint8Array[]>();
  /** The length a DATA_FIRST announced, until the message is whole. */
  const totals = new Map<number, number>();
  let ready: GraphicsSink | undefined;
  let socketBacklog = 0;
  const drains = new Set<() => void>();
  const history = new ZgfxHistory();
  /** Every RDP_SEGMENTED_DATA message as sent. */
  const messages: Uint8Array[] = [];
  const stream: GfxStream = new GfxStream(
    {
      sendChannelData: (_, data) => {
        const pdu = decodeDvcPdu(data, 'server');
        if (pdu.type === 'capsRequest')
          queueMicrotask(() => stream.receive(encodeDvcPdu({ type: 'capsResponse', version: 2 })));
        if (pdu.type === 'createRequest') channelId = pdu.channelId;
        if (pdu.type === 'data' || pdu.type === 'dataFirst') {
          const parts = partial.get(pdu.channelId) ?? [];
          parts.push(pdu.data);
          partial.set(pdu.channelId, parts);
          if (pdu.type === 'dataFirst') totals.set(pdu.channelId, pdu.length);
          const total = totals.get(pdu.channelId);
          const have = parts.reduce((n, p) => n + p.length, 0);
          if (total === undefined || have >= total) {
            const whole = new Uint8Array(Buffer.concat(parts));
            partial.delete(pdu.channelId);
            totals.delete(pdu.channelId);
            messages.push(whole);
            gfx.push(...decodeGfxPdus(decodeSegmentedData(whole, 1 << 24, history)));
          }
        }
      },
      backlog: () => socketBacklog,
      onDrain: (l) => {
        drains.add(l);
        return () => drains.delete(l);
      },
    },
    { width: 128, height: 64 },
    { maxFramesInFlight, onReady: (sink) => (ready = sink), ...hooks },
  );
  const clientSendsBytes = (data: Uint8Array) => stream.receive(encodeDvcPdu({ type: 'data', channelId, data }));
  const clientSends = (pdu: GfxPdu) => clientSendsBytes(encodeGfxPdu(pdu));
  return {
    stream,
    gfx,
    messages,
    clientSends,
    clientSendsBytes,
    ready: () => ready,
    channelId: () => channelId,
    open: async () => {
      await Promise.resolve();
      stream.receive(encodeDvcPdu({ type: 'createResponse', channelId, creationStatus: 0 }));
    },
    setSocketBacklog: (n: number) => (socketBacklog = n),
  };
}

const tile = (x: number) => ({
  rect: { x, y: 0, width: 64, height: 64 },
  width: 64,
  bitsPerPixel: 32,
  flags: 0,
  data: new Uint8Array([1, 2, 3]),
});

describe('GfxStream', () => {
  it('confirms the highest version, resets graphics, creates and maps the surface, then sends planar frames', async () => {
    const t = setup();
    await t.open();
    expect(t.ready()).toBeUndefined();
    t.clientSends({
      type: 'capsAdvertise',
      capsSets: [
        { version: GfxCapsVersion.VERSION8, flags: 0 },
        { version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.AVC_DISABLED },
      ],
    });
    expect(t.ready()).toBe(t.stream);
    expect(t.gfx.map((p) => p.type)).toEqual(['capsConfirm', 'resetGraphics', 'createSurface', 'mapSurfaceToOutput']);
    expect(t.gfx[0]).toEqual({
      type: 'capsConfirm',
      capsSet: { version: GfxCapsVersion.VERSION107, flags: GfxCapsFlags.AVC_DISABLED },
    });
    expect(t.gfx[2]).toMatchObject({ width: 128, height: 64 });

    t.gfx.length = 0;
    t.stream.sendTiles([tile(0), tile(64)]);
    expect(t.gfx.map((p) => p.type)).toEqual(['startFrame', 'wireToSurface1', 'wireToSurface1', 'endFrame']);
    expect(t.gfx[2]).toMatchObject({
      codecId: GfxCodecId.PLANAR,
      destRect: { left: 64, top: 0, right: 128, bottom: 64 },
      bitmapData: new Uint8Array([1, 2, 3]),
    });
  });

  it('sends what compresses compressed (RDP 8.0 bulk compression), what does not as it is', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION8, flags: 0 }] });
    const rows = new Uint8Array(4000).map((_, i) => (i % 40) * 3);
    let seed = 1;
    const noise = new Uint8Array(4000).map(() => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
    for (const data of [rows, noise]) {
      t.gfx.length = 0;
      t.stream.sendTiles([{ ...tile(0), data }]);
      expect(t.gfx[1]).toMatchObject({ codecId: GfxCodecId.PLANAR, bitmapData: data });
    }
    const [patterned, random] = t.messages.slice(-2);
    // RDP_SEGMENTED_DATA SINGLE (0xE0), then the RDP8 header: 0x24 compressed, 0x04 as it is.
    expect([patterned[0], patterned[1]]).toEqual([0xe0, 0x24]);
    expect(patterned.length).toBeLessThan(400);
    expect([random[0], random[1]]).toEqual([0xe0, 0x04]);
  });

  it.each([
    ['8.0', GfxCapsVersion.VERSION8, 0, undefined],
    ['8.1 without AVC420_ENABLED', GfxCapsVersion.VERSION81, 0, undefined],
    ['8.1 with AVC420_ENABLED', GfxCapsVersion.VERSION81, GfxCapsFlags.AVC420_ENABLED, 'avc420'],
    ['10.0', GfxCapsVersion.VERSION10, 0, 'avc444'],
    ['10.1', GfxCapsVersion.VERSION101, 0, 'avc444v2'],
    ['10.7', GfxCapsVersion.VERSION107, GfxCapsFlags.SMALL_CACHE, 'avc444v2'],
    ['10.7 with AVC_DISABLED', GfxCapsVersion.VERSION107, GfxCapsFlags.AVC_DISABLED, undefined],
  ])('a confirmed %s set allows H.264 format %s', async (_, version, flags, format) => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version, flags }] });
    expect(t.stream.avcFormat).toBe(format);
  });

  it('sends an access unit as one frame: AVC420 over the whole surface, showing the regions given', async () => {
    const t = setup();
    await t.open();
    t.clientSends({
      type: 'capsAdvertise',
      capsSets: [{ version: GfxCapsVersion.VERSION81, flags: GfxCapsFlags.AVC420_ENABLED }],
    });
    t.gfx.length = 0;
    const bitstream = new Uint8Array([0, 0, 0, 1, 0x67]);
    t.stream.sendAccessUnit([{ x: 64, y: 0, width: 64, height: 64 }], { bitstream });
    expect(t.gfx.map((p) => p.type)).toEqual(['startFrame', 'wireToSurface1', 'endFrame']);
    const command = t.gfx[1] as Extract<GfxPdu, { type: 'wireToSurface1' }>;
    expect(command).toMatchObject({
      codecId: GfxCodecId.AVC420,
      destRect: { left: 0, top: 0, right: 128, bottom: 64 },
    });
    expect(decodeAvc420BitmapStream(command.bitmapData)).toEqual({
      regionRects: [{ left: 64, top: 0, right: 128, bottom: 64 }],
      quantQualityVals: [{ qp: 22, progressive: false, qualityVal: 100 }],
      bitstream,
    });
  });

  it('sends both views of an AVC444 access unit as one AVC444v2 frame (LC 0), each view with the regions', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION106, flags: 0 }] });
    t.gfx.length = 0;
    const bitstream = new Uint8Array([0, 0, 0, 1, 0x65]);
    const auxiliary = new Uint8Array([0, 0, 0, 1, 0x01]);
    t.stream.sendAccessUnit([{ x: 0, y: 0, width: 64, height: 64 }], { bitstream, auxiliary });
    expect(t.gfx.map((p) => p.type)).toEqual(['startFrame', 'wireToSurface1', 'endFrame']);
    const command = t.gfx[1] as Extract<GfxPdu, { type: 'wireToSurface1' }>;
    expect(command).toMatchObject({
      codecId: GfxCodecId.AVC444V2,
      destRect: { left: 0, top: 0, right: 128, bottom: 64 },
    });
    const view = (b: Uint8Array) => ({
      regionRects: [{ left: 0, top: 0, right: 64, bottom: 64 }],
      quantQualityVals: [{ qp: 22, progressive: false, qualityVal: 100 }],
      bitstream: b,
    });
    expect(decodeAvc444BitmapStream(command.bitmapData)).toEqual({
      lc: Avc444Lc.LUMA_AND_CHROMA,
      main: view(bitstream),
      auxiliary: view(auxiliary),
    });
  });

  it('holds back at the frames-in-flight cap until the client acknowledges; suspension lifts the cap', async () => {
    const t = setup(2);
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    let drained = 0;
    t.stream.onDrain(() => drained++);
    t.setSocketBacklog(7);
    t.stream.sendTiles([tile(0)]);
    expect(t.stream.backlog()).toBe(7);
    t.stream.sendTiles([tile(0)]);
    expect(t.stream.backlog()).toBeGreaterThan(1 << 30);
    // An access unit may take two frames past the cap (one for a capture's copies), no more.
    expect(t.stream.accessUnitBacklog()).toBe(7);
    t.stream.sendAccessUnit([], { bitstream: new Uint8Array([0, 0, 0, 1]) });
    expect(t.stream.accessUnitBacklog()).toBe(7);
    t.stream.sendAccessUnit([], { bitstream: new Uint8Array([0, 0, 0, 1]), auxiliary: new Uint8Array([0, 0, 0, 1]) });
    expect(t.stream.accessUnitBacklog()).toBeGreaterThan(1 << 30);
    t.clientSends({ type: 'frameAcknowledge', queueDepth: 0, frameId: 3, totalFramesDecoded: 3 });
    expect(t.stream.accessUnitBacklog()).toBe(7);
    t.clientSends({ type: 'frameAcknowledge', queueDepth: 0, frameId: 4, totalFramesDecoded: 4 });
    expect(drained).toBe(2);
    expect(t.stream.backlog()).toBe(7);
    t.stream.sendTiles([tile(0)]);
    t.stream.sendTiles([tile(0)]);
    expect(t.stream.backlog()).toBeGreaterThan(1 << 30);
    t.clientSends({
      type: 'frameAcknowledge',
      queueDepth: GfxQueueDepth.SUSPEND_FRAME_ACKNOWLEDGEMENT,
      frameId: 2,
      totalFramesDecoded: 2,
    });
    for (let i = 0; i < 5; i++) t.stream.sendTiles([tile(0)]);
    expect(t.stream.backlog()).toBe(7);
  });

  it('answers a cache import offer before the capabilities with zero entries and rejects server-only PDUs', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'cacheImportOffer', cacheEntries: [{ cacheKey: 1n, bitmapLength: 10 }] });
    expect(t.gfx).toEqual([{ type: 'cacheImportReply', cacheSlots: [] }]);
    expect(() => t.clientSends({ type: 'endFrame', frameId: 1 })).toThrow(/endFrame from a client/);
  });

  it('imports offered tiles into the cache model, draws them from the cache, and evicts them on a reset', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    t.gfx.length = 0;
    t.clientSends({ type: 'cacheImportOffer', cacheEntries: [{ cacheKey: 77n, bitmapLength: 64 * 64 * 4 }] });
    expect(t.gfx).toEqual([{ type: 'cacheImportReply', cacheSlots: [1] }]);
    t.gfx.length = 0;
    t.stream.sendTiles([
      { ...tile(64), cacheKey: 77n },
      { ...tile(0), cacheKey: 78n },
    ]);
    expect(t.gfx.map((p) => p.type)).toEqual([
      'startFrame',
      'cacheToSurface',
      'wireToSurface1',
      'surfaceToCache',
      'endFrame',
    ]);
    expect(t.gfx[1]).toEqual({ type: 'cacheToSurface', cacheSlot: 1, surfaceId: 0, destPts: [{ x: 64, y: 0 }] });
    expect(t.gfx[3]).toMatchObject({
      cacheKey: 78n,
      cacheSlot: 2,
      rectSrc: { left: 0, top: 0, right: 64, bottom: 64 },
    });
    t.gfx.length = 0;
    t.stream.resize({ width: 64, height: 64 });
    expect(t.gfx.slice(0, 3)).toEqual([
      { type: 'deleteSurface', surfaceId: 0 },
      { type: 'evictCacheEntry', cacheSlot: 1 },
      { type: 'evictCacheEntry', cacheSlot: 2 },
    ]);
  });

  it('ends the connection on an import offer above the 5462 entries the protocol allows', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    const count = CACHE_IMPORT_MAX_ENTRIES + 1;
    const pdu = new Uint8Array(8 + 2 + count * 12);
    const view = new DataView(pdu.buffer);
    view.setUint16(0, GfxCmdId.CACHEIMPORTOFFER, true);
    view.setUint32(4, pdu.length, true);
    view.setUint16(8, count, true);
    expect(() => t.clientSendsBytes(pdu)).toThrow(ProtocolError);
  });

  it('answers one cache import offer and ends the connection on a second', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    t.gfx.length = 0;
    const offer: GfxPdu = { type: 'cacheImportOffer', cacheEntries: [{ cacheKey: 5n, bitmapLength: 64 * 64 * 4 }] };
    t.clientSends(offer);
    expect(t.gfx).toEqual([{ type: 'cacheImportReply', cacheSlots: [1] }]);
    expect(() => t.clientSends(offer)).toThrow(/second cache import offer/);
    expect(t.gfx).toHaveLength(1);
  });

  it('ignores QoE frame acknowledgements', async () => {
    const t = setup(1);
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    t.stream.sendTiles([tile(0)]);
    t.clientSends({ type: 'qoeFrameAcknowledge', frameId: 1, timestamp: 10, timeDiffSE: 2, timeDiffEDR: 3 });
    expect(t.stream.framesAcknowledged).toBe(0);
    expect(t.stream.backlog()).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('sends nothing more once the client closed the channel in use, and says so once', async () => {
    let closed = 0;
    const t = setup(8, { onClosed: () => closed++ });
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: GfxCapsVersion.VERSION10, flags: 0 }] });
    t.stream.receive(encodeDvcPdu({ type: 'close', channelId: t.channelId() }));
    t.gfx.length = 0;
    t.stream.sendTiles([tile(0)]);
    t.stream.sendAccessUnit([], { bitstream: new Uint8Array([0, 0, 0, 1]) });
    t.stream.resize({ width: 64, height: 64 });
    expect(t.gfx).toEqual([]);
    t.stream.close();
    expect(closed).toBe(1);
  });

  it('stays off when the client offers no known version', async () => {
    const t = setup();
    await t.open();
    t.clientSends({ type: 'capsAdvertise', capsSets: [{ version: 0x00070000, flags: 0 }] });
    expect(t.ready()).toBeUndefined();
  });
});
