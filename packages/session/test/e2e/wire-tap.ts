import { createServer, type Server, Socket } from 'node:net';
import { createSecureContext, TLSSocket, connect as tlsConnect } from 'node:tls';
import {
  BitmapDataFlags,
  ChannelFlags,
  type DecodedDrawingOrder,
  DvcReassembler,
  decodeBitmapUpdate,
  decodeChannelPdu,
  decodeDvcPdu,
  decodeFastPathOutputPdu,
  decodeFastPathUpdates,
  decodeGfxPdus,
  decodeInterleaved,
  decodeMcsDomainPdu,
  decodePlanar,
  decodeSegmentedData,
  decodeTpkt,
  decodeX224Data,
  FastPathFragmentation,
  FastPathUpdateCode,
  FrameKind,
  GFX_CHANNEL_NAME,
  type GfxPdu,
  type InterleavedBpp,
  McsPduType,
  MppcDecompressor,
  OrdersDecoder,
  peekFrame,
  ZgfxHistory,
} from '@rdshare/protocol';
import { generateRsaKeyPair } from '@rdshare/protocol/node';
import { createSelfSignedCertificate } from '../../src/tls-certificate.js';

/**
 * A TLS-terminating relay between a viewer and the sharer, to read what the sharer really sends. It relays
 * X.224 negotiation as is, then speaks TLS to both (the viewer must accept any certificate) and records the
 * sharer's plain text: the bytes on the wire, before the TLS layer that hides them from anyone else.
 */
export interface WireTap {
  port: number;
  /** Everything the sharer sent to the viewers so far, after TLS, in order. */
  sent(): Uint8Array;
  close(): Promise<void>;
}

const TPKT_LENGTH_OFFSET = 2;

export async function startWireTap(target: { host: string; port: number }): Promise<WireTap> {
  const key = generateRsaKeyPair(2048);
  const identity = createSelfSignedCertificate(key.privateKey, key.publicKey);
  const secureContext = createSecureContext({ cert: identity.cert, key: identity.key });
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((viewer) => {
    const sharer = new Socket();
    sockets.add(viewer);
    sockets.add(sharer);
    sharer.connect(target.port, target.host);
    let pending = Buffer.alloc(0);
    const fromViewer = (d: Buffer) => sharer.write(d);
    // The first TPKT from the sharer is the X.224 Connection Confirm; TLS starts right after it on both legs.
    const fromSharer = (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      if (pending.length < 4) return;
      const length = pending.readUInt16BE(TPKT_LENGTH_OFFSET);
      if (pending.length < length) return;
      viewer.off('data', fromViewer);
      sharer.off('data', fromSharer);
      viewer.write(pending.subarray(0, length));
      const plainSharer = tlsConnect({ socket: sharer, rejectUnauthorized: false });
      const plainViewer = new TLSSocket(viewer, { isServer: true, secureContext });
      plainSharer.on('data', (bytes: Buffer) => {
        chunks.push(Buffer.from(bytes));
        plainViewer.write(bytes);
      });
      plainViewer.on('data', (bytes: Buffer) => plainSharer.write(bytes));
      const end = () => {
        plainSharer.destroy();
        plainViewer.destroy();
      };
      for (const s of [plainSharer, plainViewer]) {
        s.on('error', end);
        s.on('close', end);
      }
    };
    viewer.on('data', fromViewer);
    sharer.on('data', fromSharer);
    const end = () => {
      viewer.destroy();
      sharer.destroy();
    };
    viewer.on('error', end);
    sharer.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the wire tap has no port');
  return {
    port: address.port,
    sent: () => new Uint8Array(Buffer.concat(chunks)),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The connection string with every listener address replaced by the tap's. */
export function viaTap(connectionString: string, tap: WireTap): string {
  return connectionString.replace(/<L P="\d+" N="[^"]*"\/>/g, `<L P="${tap.port}" N="127.0.0.1"/>`);
}

/** One bitmap rectangle the sharer sent, decoded to top-down B,G,R,A pixels. */
export interface SentBitmap {
  x: number;
  y: number;
  width: number;
  height: number;
  bitsPerPixel: number;
  pixels: Uint8Array;
}

/** The sharer's stream cut into frames: slow-path (TPKT) and fast-path PDUs, whole. */
function* frames(stream: Uint8Array): Generator<{ kind: FrameKind; bytes: Uint8Array }> {
  let offset = 0;
  while (offset < stream.byteLength) {
    const frame = peekFrame(stream.subarray(offset), 1 << 20);
    if (!frame || offset + frame.length > stream.byteLength) return;
    yield { kind: frame.kind, bytes: stream.subarray(offset, offset + frame.length) };
    offset += frame.length;
  }
}

/** First byte of a BER [APPLICATION n] constructed tag with n >= 31: the MCS Connect PDUs (T.125). */
const BER_APPLICATION_CONSTRUCTED_HIGH_TAG = 0x7f;

/** The MCS I/O channel (MS-RDPBCGR 2.2.1.4.4): everything else the sharer sends on is a virtual channel. */
const IO_CHANNEL_ID = 1003;

/**
 * Every virtual channel message the sharer sent (reassembled from its chunks), by MCS channel id. Under TLS the
 * Send Data Indications carry no security header.
 */
export function sentChannelMessages(stream: Uint8Array): Map<number, Uint8Array[]> {
  const messages = new Map<number, Uint8Array[]>();
  const partial = new Map<number, Uint8Array[]>();
  for (const frame of frames(stream)) {
    if (frame.kind !== FrameKind.SLOW_PATH) continue;
    const payload = decodeX224Data(decodeTpkt(frame.bytes));
    // The MCS Connect Response is BER, not a PER domain PDU; it carries no channel data.
    if (payload[0] === BER_APPLICATION_CONSTRUCTED_HIGH_TAG) continue;
    const mcs = decodeMcsDomainPdu(payload);
    if (mcs.type !== McsPduType.SEND_DATA_INDICATION || mcs.channelId === IO_CHANNEL_ID) continue;
    const chunk = decodeChannelPdu(mcs.data);
    const parts = chunk.flags & ChannelFlags.FIRST ? [] : (partial.get(mcs.channelId) ?? []);
    parts.push(chunk.data);
    if (!(chunk.flags & ChannelFlags.LAST)) {
      partial.set(mcs.channelId, parts);
      continue;
    }
    partial.delete(mcs.channelId);
    const list = messages.get(mcs.channelId) ?? [];
    list.push(new Uint8Array(Buffer.concat(parts)));
    messages.set(mcs.channelId, list);
  }
  return messages;
}

/**
 * Every fast-path update in the sharer's byte stream, fragmented ones reassembled. The stream must be unencrypted
 * at the RDP layer, as it is under TLS.
 */
function* fastPathUpdates(stream: Uint8Array): Generator<{ code: number; data: Uint8Array }> {
  const fragments = new Map<number, Uint8Array[]>();
  // As the viewer keeps it: a viewer that asked for bulk compression gets each fragment compressed on its own.
  const mppc = new MppcDecompressor();
  for (const frame of frames(stream)) {
    if (frame.kind !== FrameKind.FAST_PATH) continue;
    for (const update of decodeFastPathUpdates(decodeFastPathOutputPdu(frame.bytes).updates)) {
      let data =
        update.compressionFlags === undefined
          ? update.data
          : mppc.decompress(update.data, update.compressionFlags).slice();
      if (update.fragmentation !== FastPathFragmentation.SINGLE) {
        const parts = fragments.get(update.code) ?? [];
        parts.push(data);
        fragments.set(update.code, parts);
        if (update.fragmentation !== FastPathFragmentation.LAST) continue;
        fragments.delete(update.code);
        data = new Uint8Array(Buffer.concat(parts));
      }
      yield { code: update.code, data };
    }
  }
}

/** The compressionFlags of every fast-path update fragment the sharer sent (undefined: not bulk-compressed). */
export function sentCompressionFlags(stream: Uint8Array): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const frame of frames(stream)) {
    if (frame.kind !== FrameKind.FAST_PATH) continue;
    for (const update of decodeFastPathUpdates(decodeFastPathOutputPdu(frame.bytes).updates)) {
      out.push(update.compressionFlags);
    }
  }
  return out;
}

/** Decodes every fast-path bitmap update in the sharer's byte stream. */
export function sentBitmaps(stream: Uint8Array): SentBitmap[] {
  const out: SentBitmap[] = [];
  for (const { code, data } of fastPathUpdates(stream)) {
    if (code !== FastPathUpdateCode.BITMAP) continue;
    // The update starts with updateType (2 bytes) like its slow-path twin; decodeBitmapUpdate reads it.
    for (const rect of decodeBitmapUpdate(data)) out.push(decodeRect(rect));
  }
  return out;
}

/** Every drawing order of the sharer's fast-path orders updates, in order. */
export function sentOrders(stream: Uint8Array): DecodedDrawingOrder['order'][] {
  const decoder = new OrdersDecoder();
  const out: DecodedDrawingOrder['order'][] = [];
  for (const { code, data } of fastPathUpdates(stream)) {
    if (code === FastPathUpdateCode.ORDERS) out.push(...decoder.decodeOrdersUpdate(data).map((o) => o.order));
  }
  return out;
}

function decodeRect(rect: ReturnType<typeof decodeBitmapUpdate>[number]): SentBitmap {
  const { width, height, bitsPerPixel } = rect;
  const pixels = new Uint8Array(width * height * 4);
  if (!(rect.flags & BitmapDataFlags.COMPRESSION)) throw new Error('uncompressed bitmaps are not expected');
  if (bitsPerPixel === 32) decodePlanar(rect.data, width, height, pixels);
  else decodeInterleaved(rect.data, width, height, bitsPerPixel as InterleavedBpp, pixels);
  return { x: rect.destLeft, y: rect.destTop, width, height, bitsPerPixel, pixels };
}

/** Largest graphics message the tap reassembles: an uncompressed key frame of a 4K surface fits. */
const MAX_GFX_MESSAGE = 64 << 20;

/**
 * Every RDPGFX PDU the sharer sent, in order: the dynamic channel opened with the graphics pipeline's name is
 * found among the static channels' messages (those that are not drdynvc PDUs fail to decode and are skipped), its
 * data reassembled, unwrapped from RDP_SEGMENTED_DATA and decoded.
 */
export function sentGfxPdus(stream: Uint8Array): GfxPdu[] {
  const out: GfxPdu[] = [];
  for (const messages of sentChannelMessages(stream).values()) {
    let gfxChannel: number | undefined;
    const reassembler = new DvcReassembler(MAX_GFX_MESSAGE);
    // As the client keeps it: the sharer compresses lossless tiles against everything it sent on the channel.
    const history = new ZgfxHistory();
    for (const message of messages) {
      let pdu: ReturnType<typeof decodeDvcPdu>;
      try {
        pdu = decodeDvcPdu(message, 'server');
      } catch {
        break;
      }
      if (pdu.type === 'createRequest' && pdu.channelName === GFX_CHANNEL_NAME) gfxChannel = pdu.channelId;
      if ((pdu.type !== 'data' && pdu.type !== 'dataFirst') || pdu.channelId !== gfxChannel) continue;
      const whole = reassembler.push(pdu);
      if (whole) out.push(...decodeGfxPdus(decodeSegmentedData(whole, MAX_GFX_MESSAGE, history)));
    }
  }
  return out;
}
