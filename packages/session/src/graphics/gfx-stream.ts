import {
  Avc444Lc,
  chooseGfxCapabilitySet,
  DRDYNVC_CHANNEL_NAME,
  type DvcChannel,
  DvcServerManager,
  decodeGfxPdus,
  encodeAvc420BitmapStream,
  encodeAvc444BitmapStream,
  encodeGfxPdus,
  encodeSegmentedData,
  GFX_CHANNEL_NAME,
  GfxCapsVersion,
  GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
  GfxQueueDepth,
  gfxSupportsAvc420,
  gfxSupportsAvc444,
  MonitorFlags,
  ProtocolError,
  ZgfxCompressor,
} from '@rdshare/protocol';
import type { AvcSink } from './attendee-avc.js';
import type { GraphicsSink } from './attendee-graphics.js';
import type { AvcFormat } from './avc-picture-coder.js';
import { ClientBitmapCache, gfxCacheLimits } from './client-bitmap-cache.js';
import type { EncodedTile } from './encoded-tile-cache.js';
import { gfxFramePdus } from './gfx-frame.js';
import type { AccessUnit } from './h264-surface-encoder.js';
import type { SurfaceMove } from './move-detector.js';
import type { Rect } from './tile-grid.js';

/** What the stream needs from the attendee's connection. */
export interface GfxStreamLink {
  sendChannelData(channel: string, data: Uint8Array): void;
  backlog(): number;
  onDrain(listener: () => void): () => void;
}

export interface GfxStreamOptions {
  /** Frames sent but not acknowledged before the stream holds back (default 3). */
  maxFramesInFlight?: number;
  /**
   * Called once the client confirmed a capability set and the surface is mapped: send tiles here now, and
   * access units too when `stream.avcFormat` is set.
   */
  onReady(stream: GfxStream): void;
  /** The client refused the graphics channel or offered no known version: it stays on bitmap updates. */
  onUnavailable?(reason: string): void;
  /** The client closed the graphics channel after it was ready: nothing more goes to it. */
  onClosed?(): void;
}

/** The one surface rdshare draws on: the shared area, mapped at the output's origin. */
const SURFACE_ID = 0;
/**
 * RDPGFX_H264_QUANT_QUALITY for every region: the encoder's rate control picks quantizers per macroblock, so no
 * single value is true; clients use these only as hints (FreeRDP ignores them). 22 is a common mid-quality QP.
 */
const AVC420_REGION_QUALITY = { qp: 22, progressive: false, qualityVal: 100 };
/** The codec of each H.264 format's WireToSurface1 (MS-RDPEGFX 2.2.2.1). */
const AVC_CODEC_IDS: Record<AvcFormat, number> = {
  avc420: GfxCodecId.AVC420,
  avc444: GfxCodecId.AVC444,
  avc444v2: GfxCodecId.AVC444V2,
};
/** Tells the stream to hold back: more than any socket high-water mark. */
const HOLD_BACK = Number.MAX_SAFE_INTEGER;

/** RDPGFX_START_FRAME_PDU timestamp: milliseconds, seconds, minutes and hours packed in 10/6/6/10 bits. */
function frameTimestamp(now: Date): number {
  return (
    ((now.getUTCHours() << 22) |
      (now.getUTCMinutes() << 16) |
      (now.getUTCSeconds() << 10) |
      now.getUTCMilliseconds()) >>>
    0
  );
}

/**
 * One attendee's graphics pipeline (MS-RDPEGFX over MS-RDPEDYC): opens the graphics channel, confirms the
 * client's capabilities, resets graphics and maps one surface of the shared size, then acts as the attendee's
 * {@link GraphicsSink}: each batch of tiles goes as one lossless frame (scroll copies, solid fills, cache hits
 * and planar WireToSurface1 PDUs, see {@link gfxFramePdus}), and, when the confirmed capabilities allow H.264,
 * as the attendee's {@link AvcSink} each access unit goes as one frame of an AVC420 or AVC444v2 WireToSurface1 over
 * the whole surface. Frames the
 * client has not acknowledged count against `maxFramesInFlight`; at the cap the sink reports a full backlog, so
 * the attendee's latest-wins stream skips to the newest tiles instead of queueing frames. Protocol errors in
 * what the client sends throw `ProtocolError` from {@link receive}.
 */
export class GfxStream implements GraphicsSink, AvcSink {
  private readonly dvc: DvcServerManager;
  private readonly channel: DvcChannel;
  private readonly inFlight = new Set<number>();
  private readonly drainListeners = new Set<() => void>();
  private readonly maxFramesInFlight: number;
  private nextFrameId = 1;
  private acknowledging = true;
  private ready = false;
  /** Set by {@link close}: the channel's end that follows is ours, not the client's. */
  private closed = false;
  /** A client offers its persistent cache once; answering every offer would let one that never reads pile up replies. */
  private cacheOffered = false;
  /** What the client's bitmap cache holds; sized by the confirmed capabilities. */
  private cache?: ClientBitmapCache;
  /**
   * RDP 8.0 bulk compression, the client's history mirrored: lossless tiles go compressed where that is smaller.
   * Every message from the first passes through it, as the client adds every one to its history.
   */
  private readonly compressor = new ZgfxCompressor();
  readonly copiesSurface = true;
  /** Frames the client acknowledged (for tests and statistics). */
  framesAcknowledged = 0;
  /**
   * The best H.264 format the confirmed capability set allows: AVC444 for a 10.x set without AVC_DISABLED (such a
   * client MUST decode YUV444), as v2 from 10.1 on (what FreeRDP's and Windows' servers send: the auxiliary view's
   * chroma as two coherent half pictures, which code better than v1's interleaved rows) and as the original v1
   * to a client whose newest set is 10.0; AVC420 for an 8.1 set with AVC420_ENABLED; undefined for none.
   */
  avcFormat: AvcFormat | undefined;

  constructor(
    private readonly link: GfxStreamLink,
    private size: { width: number; height: number },
    private readonly options: GfxStreamOptions,
  ) {
    this.maxFramesInFlight = options.maxFramesInFlight ?? 3;
    this.dvc = new DvcServerManager({ send: (pdu) => link.sendChannelData(DRDYNVC_CHANNEL_NAME, pdu) });
    this.channel = this.dvc.open(GFX_CHANNEL_NAME, {
      onMessage: (message) => this.onMessage(message),
      onClose: () => {
        if (this.closed) return;
        if (!this.ready) {
          options.onUnavailable?.('the client closed the graphics channel');
          return;
        }
        // Frames for a closed channel cannot be sent: sending them would throw inside the shared graphics pump.
        this.ready = false;
        options.onClosed?.();
      },
    });
    this.dvc.start();
  }

  /** Handles one `drdynvc` message from the client. */
  receive(data: Uint8Array): void {
    this.dvc.receive(data);
  }

  /** The shared area changed size (reactivation): a new surface of that size, whose tiles must all be resent. */
  resize(size: { width: number; height: number }): void {
    this.size = size;
    if (!this.ready) return;
    this.inFlight.clear();
    // Whether a client keeps its cache over a graphics reset is not said anywhere: evicting leaves no doubt.
    const evicts = (this.cache?.clear() ?? []).map((cacheSlot): GfxPdu => ({ type: 'evictCacheEntry', cacheSlot }));
    this.send([{ type: 'deleteSurface', surfaceId: SURFACE_ID }, ...evicts, ...this.surfaceSetup()]);
  }

  close(): void {
    this.closed = true;
    this.ready = false;
    this.drainListeners.clear();
    this.dvc.dispose();
  }

  backlog(): number {
    if (this.acknowledging && this.inFlight.size >= this.maxFramesInFlight) return HOLD_BACK;
    return this.link.backlog();
  }

  /**
   * As {@link backlog}, with two frames more in flight allowed: tiles skipped now go with the next frame, but an
   * access unit skipped costs the attendee its decoder's sync (lossless motion until a key frame), so neither a
   * burst of tiles nor the frame of surface copies that comes with every capture of a scroll may crowd it out.
   */
  accessUnitBacklog(): number {
    if (this.acknowledging && this.inFlight.size > this.maxFramesInFlight + 1) return HOLD_BACK;
    return this.link.backlog();
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    const unsubscribe = this.link.onDrain(listener);
    return () => {
      this.drainListeners.delete(listener);
      unsubscribe();
    };
  }

  sendTiles(tiles: EncodedTile[], copies: readonly SurfaceMove[] = []): void {
    if (!this.ready || !this.cache) return;
    this.sendFrame(gfxFramePdus(SURFACE_ID, tiles, copies, this.cache));
  }

  sendAccessUnit(regions: readonly Rect[], unit: Pick<AccessUnit, 'bitstream' | 'auxiliary'>): void {
    if (!this.ready || !this.avcFormat) return;
    const { width, height } = this.size;
    const regionRects = regions.map((r) => ({
      left: r.x,
      top: r.y,
      right: r.x + r.width,
      bottom: r.y + r.height,
    }));
    const view = (bitstream: Uint8Array) => ({
      regionRects,
      quantQualityVals: regions.map(() => AVC420_REGION_QUALITY),
      bitstream,
    });
    const bitmapData = unit.auxiliary
      ? encodeAvc444BitmapStream({
          lc: Avc444Lc.LUMA_AND_CHROMA,
          main: view(unit.bitstream),
          auxiliary: view(unit.auxiliary),
        })
      : encodeAvc420BitmapStream(view(unit.bitstream));
    this.sendFrame(
      [
        {
          type: 'wireToSurface1',
          surfaceId: SURFACE_ID,
          codecId: AVC_CODEC_IDS[this.avcFormat],
          pixelFormat: GfxPixelFormat.XRGB_8888,
          destRect: { left: 0, top: 0, right: width, bottom: height },
          bitmapData,
        },
      ],
      false,
    );
  }

  /** `pdus` between a start and an end frame, counted against the frames in flight. */
  private sendFrame(pdus: GfxPdu[], compress = true): void {
    const frameId = this.nextFrameId;
    this.nextFrameId = (this.nextFrameId + 1) >>> 0 || 1;
    if (this.acknowledging) this.inFlight.add(frameId);
    this.send(
      [{ type: 'startFrame', timestamp: frameTimestamp(new Date()), frameId }, ...pdus, { type: 'endFrame', frameId }],
      compress,
    );
  }

  private onMessage(message: Uint8Array): void {
    for (const pdu of decodeGfxPdus(message)) {
      switch (pdu.type) {
        case 'capsAdvertise':
          this.confirm(pdu.capsSets);
          break;
        case 'frameAcknowledge':
          this.acknowledge(pdu.frameId, pdu.queueDepth);
          break;
        case 'qoeFrameAcknowledge':
          // Timings for the server's own statistics (MS-RDPEGFX 2.2.2.21); the frame acknowledgements drive the flow.
          break;
        case 'cacheImportOffer':
          if (this.cacheOffered) throw new ProtocolError('UNEXPECTED', 'second cache import offer', 'MS-RDPEGFX');
          this.cacheOffered = true;
          // Before the capabilities say how large the client's cache is, importing nothing is the safe answer.
          this.send([{ type: 'cacheImportReply', cacheSlots: this.cache?.importOffer(pdu.cacheEntries) ?? [] }]);
          break;
        default:
          throw new ProtocolError('UNEXPECTED', `${pdu.type} from a client`, 'MS-RDPEGFX');
      }
    }
  }

  private confirm(advertised: Parameters<typeof chooseGfxCapabilitySet>[0]): void {
    if (this.ready) throw new ProtocolError('UNEXPECTED', 'second capabilities advertise', 'MS-RDPEGFX');
    const capsSet = chooseGfxCapabilitySet(advertised);
    if (!capsSet) {
      this.channel.close();
      this.options.onUnavailable?.('the client offered no known graphics pipeline version');
      return;
    }
    this.send([{ type: 'capsConfirm', capsSet }, ...this.surfaceSetup()]);
    this.avcFormat = gfxSupportsAvc444(capsSet)
      ? capsSet.version === GfxCapsVersion.VERSION10
        ? 'avc444'
        : 'avc444v2'
      : gfxSupportsAvc420(capsSet)
        ? 'avc420'
        : undefined;
    this.cache = new ClientBitmapCache(gfxCacheLimits(capsSet));
    this.ready = true;
    this.options.onReady(this);
  }

  private surfaceSetup(): GfxPdu[] {
    const { width, height } = this.size;
    return [
      {
        type: 'resetGraphics',
        width,
        height,
        monitors: [{ left: 0, top: 0, right: width - 1, bottom: height - 1, flags: MonitorFlags.PRIMARY }],
      },
      { type: 'createSurface', surfaceId: SURFACE_ID, width, height, pixelFormat: GfxPixelFormat.XRGB_8888 },
      { type: 'mapSurfaceToOutput', surfaceId: SURFACE_ID, outputOriginX: 0, outputOriginY: 0 },
    ];
  }

  private acknowledge(frameId: number, queueDepth: number): void {
    this.acknowledging = queueDepth !== GfxQueueDepth.SUSPEND_FRAME_ACKNOWLEDGEMENT;
    // Acknowledgements may be lost to a reset or arrive for several frames at once: one clears all before it.
    for (const id of this.inFlight) if (id <= frameId || !this.acknowledging) this.inFlight.delete(id);
    this.framesAcknowledged++;
    for (const listener of this.drainListeners) listener();
  }

  /** `compress` false for H.264, which does not compress: it only enters the history. */
  private send(pdus: GfxPdu[], compress = true): void {
    this.channel.send(encodeSegmentedData(encodeGfxPdus(pdus), this.compressor, compress));
  }
}
