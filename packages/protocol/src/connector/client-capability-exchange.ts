import { type DemandActive, decodeDemandActive, encodeConfirmActive } from '../connection/active.js';
import { CapabilitySetType, findCapability } from '../connection/capabilities.js';
import { PduType } from '../connection/share-headers.js';
import { ProtocolError } from '../core/errors.js';
import type { SecurityLayerCodec } from '../transport/security-layer.js';
import { type ClientSurfaceCodecs, clientCapabilitySets } from './client-capabilities.js';
import { ClientFinalization } from './client-finalization.js';
import { type ClientAddress, encodeClientDataFrame, encodeClientShareControlFrame } from './client-frames.js';

/** TS_CONFIRM_ACTIVE_PDU.originatorId: MUST be the server channel id 0x03EA (MS-RDPBCGR 2.2.1.13.2.1). */
const CONFIRM_ACTIVE_ORIGINATOR_ID = 0x03ea;
/** TS_CONFIRM_ACTIVE_PDU.sourceDescriptor, as Windows clients write it. */
const CLIENT_SOURCE_DESCRIPTOR = 'MSTSC';
const COLOR_DEPTHS = new Set([8, 15, 16, 24, 32]);

/** The desktop a Demand Active announced: what the client now draws. */
export interface SharedDesktop {
  width: number;
  height: number;
  /** The session colour depth (Bitmap capability preferredBitsPerPixel). */
  colorDepth: number;
}

/** The answer to one Demand Active: the desktop, the share joined, and the frames to send. */
export interface CapabilityExchange {
  desktop: SharedDesktop;
  address: ClientAddress;
  frames: Uint8Array[];
  /**
   * The server announced TS_FRAME_ACKNOWLEDGE_CAPABILITYSET ([MS-RDPRFX] 2.2.1.3): it takes a
   * TS_FRAME_ACKNOWLEDGE_PDU for each frame its surface commands end, and may pace itself on them.
   */
  frameAcknowledge: boolean;
}

/**
 * Answers a Demand Active PDU (MS-RDPBCGR 2.2.1.13.1) with a Confirm Active carrying our capability sets for the
 * server's desktop, followed at once by the client's finalization PDUs (2.2.1.14–2.2.1.18), as Windows clients do.
 * Used both in the connection sequence and for each Deactivation-Reactivation (1.3.1.3).
 */
export function answerDemandActive(
  security: SecurityLayerCodec,
  address: Omit<ClientAddress, 'shareId'>,
  serverChannelId: number,
  body: Uint8Array,
  codecs: ClientSurfaceCodecs,
): CapabilityExchange {
  const demand: DemandActive = decodeDemandActive(body);
  const bitmap = findCapability(demand.capabilitySets, CapabilitySetType.BITMAP);
  if (!bitmap) throw new ProtocolError('INVALID', 'no Bitmap capability set', 'TS_DEMAND_ACTIVE_PDU');
  const desktop = {
    width: bitmap.desktopWidth,
    height: bitmap.desktopHeight,
    colorDepth: bitmap.preferredBitsPerPixel,
  };
  if (desktop.width === 0 || desktop.height === 0 || !COLOR_DEPTHS.has(desktop.colorDepth))
    throw new ProtocolError(
      'INVALID',
      `desktop ${desktop.width}x${desktop.height} at ${desktop.colorDepth} bpp`,
      'TS_BITMAP_CAPABILITYSET',
    );
  const joined: ClientAddress = { ...address, shareId: demand.shareId };
  const confirm = encodeConfirmActive({
    shareId: demand.shareId,
    originatorId: CONFIRM_ACTIVE_ORIGINATOR_ID,
    sourceDescriptor: CLIENT_SOURCE_DESCRIPTOR,
    capabilitySets: clientCapabilitySets(desktop, codecs),
  });
  const frames = [
    encodeClientShareControlFrame(security, joined, PduType.CONFIRM_ACTIVE, confirm),
    ...ClientFinalization.requests(serverChannelId).map((pdu) =>
      encodeClientDataFrame(security, joined, pdu.pduType2, pdu.body),
    ),
  ];
  const frameAcknowledge = findCapability(demand.capabilitySets, CapabilitySetType.FRAME_ACKNOWLEDGE) !== undefined;
  return { desktop, address: joined, frames, frameAcknowledge };
}
