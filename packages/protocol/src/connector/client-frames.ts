import { encodeMcsFrame } from '../acceptor/server-frames.js';
import { McsPduType } from '../connection/mcs.js';
import { encodeDataPdu, encodeShareControl } from '../connection/share-headers.js';
import type { SecurityLayerCodec } from '../transport/security-layer.js';

/** Where the client's slow-path PDUs go: its MCS user id and the share it joined. */
export interface ClientAddress {
  userId: number;
  ioChannelId: number;
  /** The Demand Active's shareId; 0 before it arrived. */
  shareId: number;
}

/** A Send Data Request on `channelId` carrying `payload` through the security layer (MS-RDPBCGR 2.2.8.1.1.1.1). */
export function encodeClientChannelFrame(
  security: SecurityLayerCodec,
  userId: number,
  channelId: number,
  payload: Uint8Array,
  flags = 0,
): Uint8Array {
  return encodeMcsFrame({
    type: McsPduType.SEND_DATA_REQUEST,
    initiator: userId,
    channelId,
    data: security.wrap(payload, flags),
  });
}

/** A share control PDU (Confirm Active) from the client on the I/O channel. */
export function encodeClientShareControlFrame(
  security: SecurityLayerCodec,
  address: ClientAddress,
  pduType: number,
  body: Uint8Array,
): Uint8Array {
  return encodeClientChannelFrame(
    security,
    address.userId,
    address.ioChannelId,
    encodeShareControl({ pduType, pduSource: address.userId, body }),
  );
}

/** A share data PDU from the client on the I/O channel. */
export function encodeClientDataFrame(
  security: SecurityLayerCodec,
  address: ClientAddress,
  pduType2: number,
  body: Uint8Array,
): Uint8Array {
  return encodeClientChannelFrame(
    security,
    address.userId,
    address.ioChannelId,
    encodeDataPdu(address.shareId, address.userId, pduType2, body),
  );
}
