import {
  encodeMcsDomainPdu,
  MCS_GLOBAL_CHANNEL_ID,
  McsDisconnectReason,
  type McsDomainPdu,
  McsPduType,
} from '../connection/mcs.js';
import { encodeDataPdu, encodeShareControl } from '../connection/share-headers.js';
import { encodeTpkt } from '../connection/tpkt.js';
import { encodeX224Data } from '../connection/x224.js';
import type { SecurityLayerCodec } from '../transport/security-layer.js';

/**
 * The server's MCS user id: the initiator of everything it sends, the pduSource of its share PDUs and the
 * controlId of Granted Control (MS-RDPBCGR 2.2.1.15.1). 1002 is what Windows servers use.
 */
export const SERVER_CHANNEL_ID = 1002;
/** TS_DEMAND_ACTIVE_PDU.shareId: Windows servers use 0x000103EA (0x10000 + the server channel id). */
export const SHARE_ID = 0x000103ea;
/** TS_DEMAND_ACTIVE_PDU.sourceDescriptor, as Windows servers write it. */
export const SOURCE_DESCRIPTOR = 'RDP';

/** A TPKT + X.224 Data frame around one MCS domain PDU. */
export function encodeMcsFrame(pdu: McsDomainPdu): Uint8Array {
  return encodeTpkt(encodeX224Data(encodeMcsDomainPdu(pdu)));
}

/** The MCS Disconnect Provider Ultimatum that ends a connection (2.2.2.3). */
export function encodeDisconnectFrame(reason: number = McsDisconnectReason.PROVIDER_INITIATED): Uint8Array {
  return encodeMcsFrame({ type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM, reason });
}

/** A Send Data Indication on `channelId` carrying `payload` through the security layer. */
export function encodeChannelFrame(
  security: SecurityLayerCodec,
  channelId: number,
  payload: Uint8Array,
  flags = 0,
  encrypt = true,
): Uint8Array {
  return encodeMcsFrame({
    type: McsPduType.SEND_DATA_INDICATION,
    initiator: SERVER_CHANNEL_ID,
    channelId,
    data: security.wrap(payload, flags, encrypt),
  });
}

/** A share control PDU (Demand Active, Deactivate All) from the server on the I/O channel. */
export function encodeShareControlFrame(security: SecurityLayerCodec, pduType: number, body: Uint8Array): Uint8Array {
  return encodeChannelFrame(
    security,
    MCS_GLOBAL_CHANNEL_ID,
    encodeShareControl({ pduType, pduSource: SERVER_CHANNEL_ID, body }),
  );
}

/** A share data PDU from the server on the I/O channel. */
export function encodeDataFrame(security: SecurityLayerCodec, pduType2: number, body: Uint8Array): Uint8Array {
  return encodeChannelFrame(
    security,
    MCS_GLOBAL_CHANNEL_ID,
    encodeDataPdu(SHARE_ID, SERVER_CHANNEL_ID, pduType2, body),
  );
}
