import {
  Avc444Lc,
  CACHE_IMPORT_MAX_ENTRIES,
  decodeAvc420BitmapStream,
  decodeAvc444BitmapStream,
  decodeGfxPdus,
  decodePlanar,
  decodeSegmentedData,
  encodeGfxPdu,
  type GfxCapabilitySet,
  GfxCapsFlags,
  GfxCapsVersion,
  GfxCodecId,
  type GfxPdu,
  GfxPixelFormat,
  ProgressiveDecoder,
  type ProgressivePainter,
  ProtocolError,
  type Rect,
  RfxDecoder,
  ZgfxHistory,
} from '@rdshare/protocol';
import type { FrameBuffer, FrameRect } from '../frame-buffer.js';
import { Avc444Picture, type Avc444Version } from './avc444-picture.js';
import { GfxCache, type GfxCacheEntry } from './gfx-cache.js';
import type { GfxPersistentCache } from './gfx-persistent-cache.js';
import { type GfxSurface, GfxSurfaces, intersectRect } from './gfx-surfaces.js';
import type { H264Decoder, H264DecoderFactory, H264Planes } from './h264-decoder.js';

const PDU = 'MS-RDPEGFX';
const BYTES_PER_PIXEL = 4;
/** H.264 codes whole 16x16 macroblocks: a picture is the surface rounded up to them. */
const MACROBLOCK = 16;
/** Bytes received and not yet processed (waiting behind an H.264 decode) before the server counts as flooding. */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** RemoteFX Progressive tiles are 64x64 BGRA. */
const PROGRESSIVE_TILE_STRIDE = 64 * BYTES_PER_PIXEL;
/** The progressive context of WireToSurface1 PDUs, which name none (codecContextId is a u32 in WireToSurface2). */
const WIRE_TO_SURFACE_1_CONTEXT = -1;

function roundUpToMacroblock(n: number): number {
  return Math.ceil(n / MACROBLOCK) * MACROBLOCK;
}

/** What the graphics pipeline needs from the viewer around it. */
export interface GfxClientHost {
  /** Sends one RDPGFX message (already encoded) on the graphics channel. */
  send(message: Uint8Array): void;
  /** The frame buffer surfaces are composed onto. */
  frameBuffer(): FrameBuffer | undefined;
  /** ResetGraphics announced a new output size: the frame buffer must be that size before composition. */
  resize(width: number, height: number): void;
  /** Rectangles of the frame buffer a frame changed, once composed. */
  frame(rects: FrameRect[]): void;
  /** An error found while processing asynchronously (after `receive` returned): the connection must end. */
  fail(error: ProtocolError): void;
}

export interface GfxClientOptions {
  /** Makes one H.264 decoder per surface; without it the client does not advertise AVC420. */
  h264?: H264DecoderFactory;
  /** Keeps what the server caches beyond this connection and offers it back on the next one. */
  persistentCache?: GfxPersistentCache;
}

/** RDPGFX_FRAME_ACKNOWLEDGE_PDU counters, for tests and statistics. */
export interface GfxClientStats {
  framesDecoded: number;
  /** The confirmed capability set, once the server chose. */
  capsConfirmed: GfxCapabilitySet | undefined;
  /** Codec ids of the WireToSurface1 and WireToSurface2 PDUs seen, with counts. */
  codecs: Map<number, number>;
  /** Cache entries offered to the server (RDPGFX_CACHE_IMPORT_OFFER_PDU) and the slots it filled from them. */
  cacheOffered: number;
  cacheImported: number;
  /** CacheToSurface commands applied: content the server drew from this client's cache instead of sending it. */
  cacheToSurface: number;
}

/**
 * Capability sets advertised: the small cache everywhere (bounded memory), AVC only with a decoder, and the 10.x
 * sets (which promise AVC444 unless they disable AVC) with AVC only when the decoder hands out planes.
 */
export function gfxClientCapabilities(avc420: boolean, avc444 = false): GfxCapabilitySet[] {
  const small = GfxCapsFlags.SMALL_CACHE;
  if (avc444) {
    return [
      { version: GfxCapsVersion.VERSION8, flags: small },
      { version: GfxCapsVersion.VERSION81, flags: small | GfxCapsFlags.AVC420_ENABLED },
      { version: GfxCapsVersion.VERSION10, flags: small },
      { version: GfxCapsVersion.VERSION102, flags: small },
      { version: GfxCapsVersion.VERSION104, flags: small },
      { version: GfxCapsVersion.VERSION105, flags: small },
      { version: GfxCapsVersion.VERSION106, flags: small },
      { version: GfxCapsVersion.VERSION107, flags: small | GfxCapsFlags.SCALEDMAP_DISABLE },
    ];
  }
  if (avc420) {
    // Every 10.x set without AVC_DISABLED also promises AVC444, which this client does not decode: with a decoder
    // it stops at 8.1, where AVC420_ENABLED promises AVC420 alone.
    return [
      { version: GfxCapsVersion.VERSION8, flags: small },
      { version: GfxCapsVersion.VERSION81, flags: small | GfxCapsFlags.AVC420_ENABLED },
    ];
  }
  const noAvc = small | GfxCapsFlags.AVC_DISABLED;
  return [
    { version: GfxCapsVersion.VERSION8, flags: small },
    { version: GfxCapsVersion.VERSION81, flags: small },
    { version: GfxCapsVersion.VERSION10, flags: noAvc },
    { version: GfxCapsVersion.VERSION102, flags: noAvc },
    { version: GfxCapsVersion.VERSION103, flags: GfxCapsFlags.AVC_DISABLED },
    { version: GfxCapsVersion.VERSION104, flags: noAvc },
    { version: GfxCapsVersion.VERSION105, flags: noAvc },
    { version: GfxCapsVersion.VERSION106, flags: noAvc },
    { version: GfxCapsVersion.VERSION107, flags: noAvc | GfxCapsFlags.SCALEDMAP_DISABLE },
  ];
}

/** Codecs a server may use whatever the capabilities say (MS-RDPEGFX 2.2.1.1.1), by id, named for the user. */
const UNDECODED_CODECS: Readonly<Record<number, string>> = {
  [GfxCodecId.CLEARCODEC]: 'ClearCodec',
  [GfxCodecId.ALPHA]: 'the alpha codec',
};

/**
 * Draws RemoteFX and RemoteFX Progressive tiles (64x64 BGRA, each with the rects it may cover) onto a surface,
 * offset by the destination's origin; the surface clips.
 */
function paintTiles(surface: GfxSurface, originX: number, originY: number): ProgressivePainter {
  return (pixels, x, y, rects) => {
    for (const r of rects) {
      const offset = ((r.top - y) * 64 + (r.left - x)) * BYTES_PER_PIXEL;
      const width = r.right - r.left;
      const height = r.bottom - r.top;
      surface.write(pixels, offset, PROGRESSIVE_TILE_STRIDE, originX + r.left, originY + r.top, width, height, true);
    }
  };
}

/**
 * The error for a surface command in a codec this client does not decode. Servers may choose RemoteFX and
 * ClearCodec for clients that cannot take H.264, and no capability set turns them off; with an H.264 decoder the
 * same servers send AVC instead.
 */
function undecodedCodec(codecId: number): ProtocolError {
  const name = UNDECODED_CODECS[codecId];
  return new ProtocolError(
    'UNSUPPORTED',
    name
      ? `the server sent ${name} (codecId 0x${codecId.toString(16)}), which this viewer does not decode: give it an ` +
          'H.264 decoder (servers then send AVC) or connect without the graphics pipeline'
      : `codecId 0x${codecId.toString(16)}, which no capability set announces`,
    PDU,
  );
}

/**
 * The client side of the graphics pipeline (MS-RDPEGFX) over its dynamic channel: advertises capabilities,
 * keeps the server's surfaces and bitmap cache, decodes WireToSurface1 (uncompressed, planar, AVC420 and AVC444
 * through an injected H.264 decoder, RemoteFX Progressive), WireToSurface2 (RemoteFX Progressive), SolidFill, SurfaceToSurface and the cache PDUs, composes mapped surfaces onto the
 * viewer's frame buffer at each EndFrame and only then acknowledges the frame, so a slow renderer slows what the
 * sharer sends to this viewer alone. Messages are processed strictly in order; `queueDepth` in each
 * acknowledgement counts the frames received and not yet composed.
 *
 * @internal
 */
export class GfxClient {
  readonly stats: GfxClientStats = {
    framesDecoded: 0,
    capsConfirmed: undefined,
    codecs: new Map(),
    cacheOffered: 0,
    cacheImported: 0,
    cacheToSurface: 0,
  };
  /** The channel's RDP 8.0 bulk compression history: Windows servers compress what they send. */
  private readonly history = new ZgfxHistory();
  private readonly surfaces = new GfxSurfaces();
  private readonly cache = new GfxCache();
  private readonly decoders = new Map<number, Promise<H264Decoder>>();
  /** Each AVC444 surface's YUV444 picture, rebuilt from the views as they come. */
  private readonly avc444 = new Map<number, Avc444Picture>();
  /**
   * Each surface's RemoteFX Progressive context: one per surface, as the server keeps one per surface; a PDU that
   * names another context id starts a fresh one in its place.
   */
  private readonly progressive = new Map<number, { codecContextId: number; decoder: ProgressiveDecoder }>();
  /** Each surface's RemoteFX (CAVIDEO) decoder. */
  private readonly remoteFx = new Map<number, RfxDecoder>();
  private tail: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  /** EndFrames received whose frames are not composed yet. */
  private framesQueued = 0;
  private inFrame = false;
  private closed = false;
  /** The entries of this connection's CacheImportOffer, in offer order, until the reply names their slots. */
  private offered: readonly GfxCacheEntry[] = [];

  constructor(
    private readonly host: GfxClientHost,
    private readonly options: GfxClientOptions = {},
  ) {}

  /** The channel opened: advertise what this client decodes. */
  start(): void {
    const h264 = this.options.h264;
    this.host.send(
      encodeGfxPdu({
        type: 'capsAdvertise',
        capsSets: gfxClientCapabilities(h264 !== undefined, h264?.yuvPlanes === true),
      }),
    );
  }

  /** One message of the graphics channel (RDP_SEGMENTED_DATA). Throws ProtocolError for what it can tell now. */
  receive(message: Uint8Array): void {
    if (this.closed) return;
    // Bounded by the room left in the queue before anything is allocated: a declared total (or, compressed, a few
    // bytes per 64 KiB segment) cannot make it allocate what the queue would refuse anyway.
    const data = decodeSegmentedData(message, MAX_QUEUED_BYTES - this.queuedBytes, this.history);
    const pdus = decodeGfxPdus(data);
    // What waits is the decompressed data: a compressed message may stand for thousands of times its size.
    const bytes = data.byteLength;
    if (this.queuedBytes + bytes > MAX_QUEUED_BYTES) {
      throw new ProtocolError('OVERSIZE', `over ${MAX_QUEUED_BYTES} bytes of graphics waiting to be decoded`, PDU);
    }
    this.queuedBytes += bytes;
    this.framesQueued += pdus.filter((p) => p.type === 'endFrame').length;
    this.tail = this.tail.then(async () => {
      if (this.closed) return;
      try {
        for (const pdu of pdus) await this.apply(pdu);
        if (!this.inFrame) this.compose();
      } catch (err) {
        this.closed = true;
        this.host.fail(
          err instanceof ProtocolError
            ? err
            : new ProtocolError('INVALID', err instanceof Error ? err.message : String(err), PDU),
        );
      } finally {
        this.queuedBytes -= bytes;
      }
    });
  }

  /** Resolves once everything received so far is processed (tests, recorded-session replays). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** The channel or connection closed: free decoders, drop what is queued. */
  close(): void {
    this.closed = true;
    for (const decoder of this.decoders.values())
      decoder.then(
        (d) => d.close(),
        () => undefined,
      );
    this.decoders.clear();
    this.avc444.clear();
    this.progressive.clear();
    this.remoteFx.clear();
    this.surfaces.clear();
    this.cache.clear();
  }

  private async apply(pdu: GfxPdu): Promise<void> {
    switch (pdu.type) {
      case 'capsConfirm':
        this.stats.capsConfirmed = pdu.capsSet;
        this.offerCache();
        return;
      case 'resetGraphics':
        for (const id of this.surfaces.ids()) this.deleteSurface(id);
        this.host.resize(pdu.width, pdu.height);
        return;
      case 'createSurface':
        this.surfaces.create(pdu.surfaceId, pdu.width, pdu.height, pdu.pixelFormat);
        return;
      case 'deleteSurface':
        this.deleteSurface(pdu.surfaceId);
        return;
      case 'mapSurfaceToOutput': {
        const surface = this.surfaces.get(pdu.surfaceId);
        surface.output = { x: pdu.outputOriginX, y: pdu.outputOriginY };
        surface.invalidate(surface.bounds);
        return;
      }
      case 'startFrame':
        this.inFrame = true;
        return;
      case 'endFrame':
        this.inFrame = false;
        this.compose();
        this.framesQueued--;
        this.stats.framesDecoded++;
        this.host.send(
          encodeGfxPdu({
            type: 'frameAcknowledge',
            queueDepth: this.framesQueued,
            frameId: pdu.frameId,
            totalFramesDecoded: this.stats.framesDecoded >>> 0,
          }),
        );
        return;
      case 'wireToSurface1':
        this.stats.codecs.set(pdu.codecId, (this.stats.codecs.get(pdu.codecId) ?? 0) + 1);
        await this.wireToSurface(this.surfaces.get(pdu.surfaceId), pdu);
        return;
      case 'solidFill': {
        const surface = this.surfaces.get(pdu.surfaceId);
        // RDPGFX_COLOR32 is B, G, R, XA on the wire: the little-endian u32 0xXXRRGGBB.
        const b = pdu.fillPixel & 0xff;
        const g = (pdu.fillPixel >>> 8) & 0xff;
        const r = (pdu.fillPixel >>> 16) & 0xff;
        const a = surface.pixelFormat === GfxPixelFormat.ARGB_8888 ? pdu.fillPixel >>> 24 : 0xff;
        for (const rect of pdu.fillRects) surface.fill(rect, b, g, r, a);
        return;
      }
      case 'surfaceToSurface': {
        const pixels = this.surfaces.get(pdu.surfaceIdSrc).read(pdu.rectSrc);
        const dest = this.surfaces.get(pdu.surfaceIdDest);
        const width = pdu.rectSrc.right - pdu.rectSrc.left;
        const height = pdu.rectSrc.bottom - pdu.rectSrc.top;
        for (const p of pdu.destPts) dest.write(pixels, 0, width * BYTES_PER_PIXEL, p.x, p.y, width, height, false);
        return;
      }
      case 'surfaceToCache': {
        const rect = pdu.rectSrc;
        const pixels = this.surfaces.get(pdu.surfaceId).read(rect);
        const entry = { width: rect.right - rect.left, height: rect.bottom - rect.top, pixels, cacheKey: pdu.cacheKey };
        this.cache.put(pdu.cacheSlot, entry);
        this.options.persistentCache?.remember(entry);
        return;
      }
      case 'cacheToSurface': {
        const entry = this.cache.get(pdu.cacheSlot);
        this.stats.cacheToSurface++;
        this.options.persistentCache?.touch(entry.cacheKey);
        const dest = this.surfaces.get(pdu.surfaceId);
        for (const p of pdu.destPts) {
          dest.write(entry.pixels, 0, entry.width * BYTES_PER_PIXEL, p.x, p.y, entry.width, entry.height, false);
        }
        return;
      }
      case 'evictCacheEntry':
        this.cache.evict(pdu.cacheSlot);
        return;
      case 'cacheImportReply':
        this.cache.imported(pdu.cacheSlots, this.offered);
        this.offered = [];
        this.stats.cacheImported += pdu.cacheSlots.length;
        return;
      case 'wireToSurface2': {
        this.stats.codecs.set(pdu.codecId, (this.stats.codecs.get(pdu.codecId) ?? 0) + 1);
        if (pdu.codecId !== GfxCodecId.CAPROGRESSIVE) throw undecodedCodec(pdu.codecId);
        const surface = this.surfaces.get(pdu.surfaceId);
        this.decodeProgressive(surface, pdu.codecContextId, pdu.bitmapData, 0, 0);
        return;
      }
      case 'deleteEncodingContext':
        // The server will not refine that context's tiles again (MS-RDPEGFX 3.3.5.17): their coefficients go.
        if (this.progressive.get(pdu.surfaceId)?.codecContextId === pdu.codecContextId) {
          this.progressive.delete(pdu.surfaceId);
        }
        return;
      default:
        throw new ProtocolError('UNEXPECTED', `${pdu.type} from a server`, PDU);
    }
  }

  private async wireToSurface(surface: GfxSurface, pdu: Extract<GfxPdu, { type: 'wireToSurface1' }>): Promise<void> {
    const { destRect } = pdu;
    const width = destRect.right - destRect.left;
    const height = destRect.bottom - destRect.top;
    const opaque = pdu.pixelFormat !== GfxPixelFormat.ARGB_8888;
    switch (pdu.codecId) {
      case GfxCodecId.UNCOMPRESSED: {
        if (pdu.bitmapData.byteLength !== width * height * BYTES_PER_PIXEL) {
          throw new ProtocolError(
            'INVALID',
            `uncompressed ${width}x${height} needs ${width * height * BYTES_PER_PIXEL} bytes, got ${pdu.bitmapData.byteLength}`,
            PDU,
          );
        }
        surface.write(pdu.bitmapData, 0, width * BYTES_PER_PIXEL, destRect.left, destRect.top, width, height, opaque);
        return;
      }
      case GfxCodecId.PLANAR: {
        if (width > surface.width || height > surface.height) {
          throw new ProtocolError(
            'OVERSIZE',
            `planar ${width}x${height} on a ${surface.width}x${surface.height} surface`,
            PDU,
          );
        }
        const pixels = new Uint8Array(width * height * BYTES_PER_PIXEL);
        decodePlanar(pdu.bitmapData, width, height, pixels, { bottomUp: false });
        surface.write(pixels, 0, width * BYTES_PER_PIXEL, destRect.left, destRect.top, width, height, opaque);
        return;
      }
      case GfxCodecId.AVC420: {
        const decoder = this.decoders.get(surface.surfaceId) ?? this.newDecoder(surface);
        const stream = decodeAvc420BitmapStream(pdu.bitmapData);
        const picture = await (await decoder).decode(stream.bitstream);
        if (!picture) return;
        // The H.264 picture covers the surface from its origin (coded sizes are padded to 16: crop to the
        // surface); only the metablock's regions are taken from it, within the destination rectangle.
        const area = {
          left: 0,
          top: 0,
          right: Math.min(picture.width, surface.width),
          bottom: Math.min(picture.height, surface.height),
        };
        for (const region of stream.regionRects) {
          const r = intersectRect(intersectRect(region, destRect), area);
          if (r.right <= r.left || r.bottom <= r.top) continue;
          const offset = (r.top * picture.width + r.left) * BYTES_PER_PIXEL;
          surface.write(
            picture.data,
            offset,
            picture.width * BYTES_PER_PIXEL,
            r.left,
            r.top,
            r.right - r.left,
            r.bottom - r.top,
            true,
          );
        }
        return;
      }
      case GfxCodecId.AVC444:
      case GfxCodecId.AVC444V2:
        await this.avc444Views(surface, pdu, pdu.codecId === GfxCodecId.AVC444 ? 1 : 2);
        return;
      case GfxCodecId.CAPROGRESSIVE:
        this.decodeProgressive(surface, WIRE_TO_SURFACE_1_CONTEXT, pdu.bitmapData, destRect.left, destRect.top);
        return;
      case GfxCodecId.CAVIDEO:
        this.decodeRemoteFx(surface, pdu.bitmapData, destRect.left, destRect.top);
        return;
      default:
        throw undecodedCodec(pdu.codecId);
    }
  }

  /**
   * AVC444 (MS-RDPEGFX 2.2.4.5, 2.2.4.6): the main and auxiliary views are consecutive pictures of the surface's
   * one H.264 stream, decoded to planes and combined into its YUV444 picture; the regions either view changed are
   * converted onto the surface, within the destination rectangle.
   */
  private async avc444Views(
    surface: GfxSurface,
    pdu: Extract<GfxPdu, { type: 'wireToSurface1' }>,
    version: Avc444Version,
  ): Promise<void> {
    const stream = decodeAvc444BitmapStream(pdu.bitmapData);
    const decoder = await (this.decoders.get(surface.surfaceId) ?? this.newDecoder(surface));
    if (!decoder.decodePlanes) throw new ProtocolError('UNSUPPORTED', 'AVC444 was not advertised', PDU);
    const changed: Rect[] = [];
    if (stream.lc !== Avc444Lc.CHROMA) {
      const view = await decoder.decodePlanes(stream.main.bitstream);
      if (view) {
        this.avc444Picture(surface, view).applyMain(view, stream.main.regionRects);
        changed.push(...stream.main.regionRects);
      }
    }
    if (stream.lc !== Avc444Lc.LUMA) {
      const view = await decoder.decodePlanes(stream.auxiliary.bitstream);
      if (view) {
        this.avc444Picture(surface, view).applyAuxiliary(view, version, stream.auxiliary.regionRects);
        changed.push(...stream.auxiliary.regionRects);
      }
    }
    const picture = this.avc444.get(surface.surfaceId);
    if (!picture) return;
    for (const region of changed) {
      const r = intersectRect(intersectRect(region, pdu.destRect), surface.bounds);
      if (r.right <= r.left || r.bottom <= r.top) continue;
      const width = r.right - r.left;
      const pixels = new Uint8Array(width * (r.bottom - r.top) * BYTES_PER_PIXEL);
      picture.toBgra(r, pixels, 0, width * BYTES_PER_PIXEL);
      surface.write(pixels, 0, width * BYTES_PER_PIXEL, r.left, r.top, width, r.bottom - r.top, true);
    }
  }

  /**
   * RemoteFX Progressive tiles into the surface, offset by the destination's origin (tiles are placed relative to
   * it in WireToSurface1, to the surface in WireToSurface2), each drawn only within its region's rectangles.
   */
  private decodeProgressive(
    surface: GfxSurface,
    codecContextId: number,
    bitmapData: Uint8Array,
    originX: number,
    originY: number,
  ): void {
    let context = this.progressive.get(surface.surfaceId);
    if (context?.codecContextId !== codecContextId) {
      context = { codecContextId, decoder: new ProgressiveDecoder(surface.width, surface.height) };
      this.progressive.set(surface.surfaceId, context);
    }
    context.decoder.decode(bitmapData, paintTiles(surface, originX, originY));
  }

  /**
   * RemoteFX tiles (CAVIDEO, MS-RDPEGFX 2.2.4.3: an [MS-RDPRFX] message stream) into the surface, placed relative
   * to the destination's origin. The surface's decoder keeps the stream's header messages for the PDUs after.
   */
  private decodeRemoteFx(surface: GfxSurface, bitmapData: Uint8Array, originX: number, originY: number): void {
    let decoder = this.remoteFx.get(surface.surfaceId);
    if (!decoder) {
      decoder = new RfxDecoder();
      this.remoteFx.set(surface.surfaceId, decoder);
    }
    decoder.decode(bitmapData, paintTiles(surface, originX, originY));
  }

  /** The surface's YUV444 picture, made (or remade, after a key frame of another size) at the views' size. */
  private avc444Picture(surface: GfxSurface, view: H264Planes): Avc444Picture {
    const known = this.avc444.get(surface.surfaceId);
    if (known && known.width === view.width && known.height === view.height) return known;
    if (view.width > roundUpToMacroblock(surface.width) || view.height > roundUpToMacroblock(surface.height)) {
      throw new ProtocolError(
        'OVERSIZE',
        `a ${view.width}x${view.height} AVC444 view on a ${surface.width}x${surface.height} surface`,
        PDU,
      );
    }
    const picture = new Avc444Picture(view.width, view.height);
    this.avc444.set(surface.surfaceId, picture);
    return picture;
  }

  /**
   * Offers the persistent cache's entries once the server confirmed the capabilities (it sizes the client's cache
   * from them). Nothing is sent when there is nothing to offer, so a first connection looks as before.
   */
  private offerCache(): void {
    const offered = this.options.persistentCache?.offer().slice(0, CACHE_IMPORT_MAX_ENTRIES) ?? [];
    if (offered.length === 0) return;
    this.offered = offered;
    this.stats.cacheOffered = offered.length;
    const cacheEntries = offered.map((e) => ({ cacheKey: e.cacheKey, bitmapLength: e.pixels.byteLength }));
    this.host.send(encodeGfxPdu({ type: 'cacheImportOffer', cacheEntries }));
  }

  private newDecoder(surface: GfxSurface): Promise<H264Decoder> {
    const factory = this.options.h264;
    if (!factory) throw new ProtocolError('UNSUPPORTED', 'AVC420 without an H.264 decoder (not advertised)', PDU);
    const decoder = Promise.resolve(factory(surface.width, surface.height));
    this.decoders.set(surface.surfaceId, decoder);
    return decoder;
  }

  private deleteSurface(surfaceId: number): void {
    this.surfaces.delete(surfaceId);
    this.avc444.delete(surfaceId);
    this.progressive.delete(surfaceId);
    this.remoteFx.delete(surfaceId);
    const decoder = this.decoders.get(surfaceId);
    this.decoders.delete(surfaceId);
    decoder?.then(
      (d) => d.close(),
      () => undefined,
    );
  }

  private compose(): void {
    const frame = this.host.frameBuffer();
    if (!frame) return;
    const rects: FrameRect[] = [];
    for (const surface of this.surfaces.values()) rects.push(...surface.composeInto(frame));
    if (rects.length > 0) this.host.frame(rects);
  }
}
