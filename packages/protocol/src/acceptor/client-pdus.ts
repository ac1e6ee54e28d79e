import { decodeShareData, type ShareData } from '../connection/share-headers.js';
import { decodeTpkt } from '../connection/tpkt.js';
import { decodeX224Data, peekX224Type, X224TpduType } from '../connection/x224.js';
import { ProtocolError } from '../core/errors.js';
import type { ChannelTable } from '../transport/channel-table.js';
import type { SecurityLayerCodec } from '../transport/security-layer.js';

/** TS_SHAREDATAHEADER.compressedType PACKET_COMPRESSED: we never announce bulk compression (2.2.8.1.1.1.2). */
const PACKET_COMPRESSED = 0x20;

/** What a client's TPKT frame carries, as far as the server's dispatch cares. */
export type ClientSlowPathFrame =
  | { type: 'connection-request'; tpdu: Uint8Array }
  | { type: 'disconnect-request' }
  | { type: 'data'; userData: Uint8Array };

/** Unwraps TPKT and X.224 of a client's slow-path frame. */
export function decodeClientSlowPathFrame(frame: Uint8Array): ClientSlowPathFrame {
  const tpdu = decodeTpkt(frame);
  const type = peekX224Type(tpdu);
  if (type === X224TpduType.CONNECTION_REQUEST) return { type: 'connection-request', tpdu };
  if (type === X224TpduType.DISCONNECT_REQUEST) return { type: 'disconnect-request' };
  return { type: 'data', userData: decodeX224Data(tpdu) };
}

/** A client's share data PDU; compressed ones are refused since the server never offers compression. */
export function decodeClientShareData(body: Uint8Array): ShareData {
  const data = decodeShareData(body);
  if (data.compressedType & PACKET_COMPRESSED)
    throw new ProtocolError('UNSUPPORTED', 'compressed data PDU', 'TS_SHAREDATAHEADER');
  return data;
}

/**
 * Data on a channel other than the I/O channel: decrypted whether or not it is used (every client PDU advances
 * the RC4 stream), dropped on the message channel (auto-detect and multitransport are not used here), and
 * reassembled on a static channel when `deliver` is true.
 */
export function receiveChannelData(
  channels: ChannelTable,
  security: SecurityLayerCodec,
  channelId: number,
  data: Uint8Array,
  deliver: boolean,
): { name: string; data: Uint8Array } | undefined {
  const isStatic = channels.nameOf(channelId) !== undefined;
  if ((!isStatic && channelId !== channels.messageChannelId) || !channels.isJoined(channelId)) {
    throw new ProtocolError('UNEXPECTED', `data on unjoined channel ${channelId}`, 'MCS Send Data Request');
  }
  const { payload } = security.unwrap(data);
  if (!isStatic || !deliver) return undefined;
  return channels.reassemble(channelId, payload);
}
