import { encodeDeactivateAll, encodeDemandActive } from '../connection/active.js';
import {
  type CapabilitySet,
  CapabilitySetType,
  findCapability,
  GeneralExtraFlag,
  OrderFlag,
  type RawCapability,
} from '../connection/capabilities.js';
import { type ClientData, requestedColorDepth } from '../connection/client-data.js';
import type { ClientInfo } from '../connection/client-info.js';
import { PduType } from '../connection/share-headers.js';
import { effectiveMaxRequestSize, FASTPATH_FRAGMENT_SAFE_SIZE } from '../data/fastpath-output.js';
import { OrderSupportIndex } from '../data/primary-orders.js';
import type { SecurityLayer, SecurityLayerCodec } from '../transport/security-layer.js';
import type { ActivatedClient, ClientCapabilities } from './acceptor-host.js';
import { serverCapabilitySets } from './server-capabilities.js';
import { encodeShareControlFrame, SERVER_CHANNEL_ID, SHARE_ID, SOURCE_DESCRIPTOR } from './server-frames.js';

/** TS_DEMAND_ACTIVE_PDU.sessionId: ignored by clients, 0 as Windows writes it. */
const DEMAND_ACTIVE_SESSION_ID = 0;

/** The server's Demand Active PDU (MS-RDPBCGR 2.2.1.13.1) for a desktop of this size and depth. */
export function encodeDemandActiveFrame(
  security: SecurityLayerCodec,
  desktop: { width: number; height: number; colorDepth: number },
): Uint8Array {
  const capabilitySets = serverCapabilitySets({ ...desktop, serverChannelId: SERVER_CHANNEL_ID });
  const body = encodeDemandActive({
    shareId: SHARE_ID,
    sourceDescriptor: SOURCE_DESCRIPTOR,
    capabilitySets,
    sessionId: DEMAND_ACTIVE_SESSION_ID,
  });
  return encodeShareControlFrame(security, PduType.DEMAND_ACTIVE, body);
}

/** The Deactivate All PDU that starts a Deactivation-Reactivation Sequence (2.2.3.1). */
export function encodeDeactivateAllFrame(security: SecurityLayerCodec): Uint8Array {
  const body = encodeDeactivateAll({ shareId: SHARE_ID, sourceDescriptor: SOURCE_DESCRIPTOR });
  return encodeShareControlFrame(security, PduType.DEACTIVATE_ALL, body);
}

/** TS_BITMAPCACHE_CAPABILITYSET_REV2 has room for five cell caches. */
const MAX_CELL_CACHES = 5;
const CELL_ENTRIES_MASK = 0x7fffffff;

/** What the client said it can do, distilled from the capability sets of its Confirm Active PDU (2.2.1.13.2). */
export function clientCapabilitiesOf(sets: (CapabilitySet | RawCapability)[]): ClientCapabilities {
  const general = findCapability(sets, CapabilitySetType.GENERAL);
  const bitmap = findCapability(sets, CapabilitySetType.BITMAP);
  const input = findCapability(sets, CapabilitySetType.INPUT);
  const pointer = findCapability(sets, CapabilitySetType.POINTER);
  const multifragment = findCapability(sets, CapabilitySetType.MULTIFRAGMENTUPDATE);
  const largePointer = findCapability(sets, CapabilitySetType.LARGE_POINTER);
  const surface = findCapability(sets, CapabilitySetType.SURFACE_COMMANDS);
  const codecs = findCapability(sets, CapabilitySetType.BITMAP_CODECS);
  const frameAck = findCapability(sets, CapabilitySetType.FRAME_ACKNOWLEDGE);
  const order = findCapability(sets, CapabilitySetType.ORDER);
  const cacheRev2 = findCapability(sets, CapabilitySetType.BITMAPCACHE_REV2);
  const extraFlags = general?.extraFlags ?? 0;
  /** Whether the client negotiates order support and draws the order at `index`. */
  const supports = (index: number) =>
    order !== undefined &&
    (order.orderFlags & OrderFlag.NEGOTIATEORDERSUPPORT) !== 0 &&
    order.orderSupport[index] !== 0;
  return {
    fastPathOutput: (extraFlags & GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED) !== 0,
    // Slow-path updates are never reassembled from fragments: each must fit one share data PDU (whose 16-bit
    // totalLength stops at 0x7FFF), whatever MultifragmentUpdate size the client announced (rdesktop -4 announces one).
    multifragmentMaxRequestSize:
      extraFlags & GeneralExtraFlag.FASTPATH_OUTPUT_SUPPORTED
        ? effectiveMaxRequestSize(multifragment?.maxRequestSize)
        : FASTPATH_FRAGMENT_SAFE_SIZE,
    inputFlags: input?.inputFlags ?? 0,
    colorPointerCacheSize: pointer?.colorPointerFlag ? pointer.colorPointerCacheSize : 0,
    pointerCacheSize: pointer?.pointerCacheSize ?? 0,
    largePointerFlags: largePointer?.largePointerSupportFlags ?? 0,
    surfaceCommands: surface?.cmdFlags ?? 0,
    codecs: codecs?.codecs ?? [],
    bitmapCompression: (bitmap?.bitmapCompressionFlag ?? 0) !== 0,
    noBitmapCompressionHeader: (extraFlags & GeneralExtraFlag.NO_BITMAP_COMPRESSION_HDR) !== 0,
    scrBlt: supports(OrderSupportIndex.SCRBLT),
    bitmapCacheCells:
      supports(OrderSupportIndex.MEMBLT) && cacheRev2
        ? [cacheRev2.cellInfo0, cacheRev2.cellInfo1, cacheRev2.cellInfo2, cacheRev2.cellInfo3, cacheRev2.cellInfo4]
            .slice(0, Math.min(cacheRev2.numCellCaches, MAX_CELL_CACHES))
            // Bit 31 (k) marks a persistent cache; the entries are the other bits.
            .map((info) => info & CELL_ENTRIES_MASK)
        : [],
    ...(frameAck ? { frameAcknowledge: frameAck.maxUnacknowledgedFrameCount } : {}),
  };
}

/** What the server knows of a client besides its Confirm Active capability sets. */
export interface ActivationContext {
  width: number;
  height: number;
  securityLayer: SecurityLayer;
  encryptionMethod: number;
  clientInfo: ClientInfo;
  clientData: ClientData;
  channels: string[];
}

/**
 * The activated client from its Confirm Active capability sets. Its colour depth is the Confirm Active's
 * preferredBitsPerPixel, else what the client asked for at MCS Connect.
 */
export function activatedClientOf(
  sets: (CapabilitySet | RawCapability)[],
  context: ActivationContext,
): ActivatedClient {
  return {
    ...context,
    colorDepth:
      findCapability(sets, CapabilitySetType.BITMAP)?.preferredBitsPerPixel ||
      requestedColorDepth(context.clientData.core),
    capabilities: clientCapabilitiesOf(sets),
    capabilitySets: sets,
  };
}
