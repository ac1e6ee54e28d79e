import { decodeMcsDomainPdu, type McsDomainPdu } from '../connection/mcs.js';
import { decodeShareControl, decodeShareData, PduType, type ShareData } from '../connection/share-headers.js';
import { decodeTpkt } from '../connection/tpkt.js';
import { decodeX224Data, peekX224Type, X224TpduType } from '../connection/x224.js';
import { ProtocolError } from '../core/errors.js';
import { SecurityFlag } from '../security/security-flags.js';
import { SecurityLayer, type SecurityLayerCodec } from '../transport/security-layer.js';

/** TS_SHARECONTROLHEADER.pduType carries TS_PROTOCOL_VERSION (0x10) in its upper bits (MS-RDPBCGR 2.2.8.1.1.1.1). */
const TS_PROTOCOL_VERSION_MASK = 0xfff0;
const TS_PROTOCOL_VERSION = 0x0010;
/** Bulk compression flags of TS_SHAREDATAHEADER.compressedType: PACKET_COMPRESSED. */
const PACKET_COMPRESSED = 0x20;

/** A server slow-path frame: an MCS domain PDU, or the X.224 Disconnect Request some servers end with. */
export type ServerSlowPathPdu = McsDomainPdu | { type: 'x224-disconnect' };

/** Decodes a TPKT frame from the server down to its MCS domain PDU. */
export function decodeServerSlowPathFrame(frame: Uint8Array): ServerSlowPathPdu {
  const tpdu = decodeTpkt(frame);
  if (peekX224Type(tpdu) === X224TpduType.DISCONNECT_REQUEST) return { type: 'x224-disconnect' };
  return decodeMcsDomainPdu(decodeX224Data(tpdu));
}

/**
 * Strips the security layer from a PDU the server sent on the I/O channel. Under TLS only licensing PDUs carry a
 * (basic) security header; they are told from share control PDUs by the second u16, which is flagsHi (0) in a
 * security header and pduType (with TS_PROTOCOL_VERSION) in a share control header.
 */
export function unwrapServerIoPdu(
  security: SecurityLayerCodec,
  data: Uint8Array,
): { flags: number; payload: Uint8Array } {
  if (security.layer === SecurityLayer.TLS) {
    const second = data.byteLength >= 4 ? data[2] | (data[3] << 8) : 0;
    const shareControl = (second & TS_PROTOCOL_VERSION_MASK) === TS_PROTOCOL_VERSION;
    return security.unwrap(data, !shareControl);
  }
  return security.unwrap(data);
}

/** A server PDU on the I/O channel, once unwrapped. */
export type ServerIoPdu =
  | { kind: 'license'; payload: Uint8Array }
  | { kind: 'control'; pduType: number; pduSource: number; body: Uint8Array }
  | { kind: 'data'; data: ShareData }
  | { kind: 'none' };

/** Classifies an unwrapped I/O channel PDU: licensing, a share control PDU, or a share data PDU. */
export function classifyServerIoPdu(flags: number, payload: Uint8Array): ServerIoPdu {
  if (flags & SecurityFlag.LICENSE_PKT) return { kind: 'license', payload };
  const control = decodeShareControl(payload);
  if (!control) return { kind: 'none' };
  if (control.pduType !== PduType.DATA) return { kind: 'control', ...control };
  const data = decodeShareData(control.body);
  if (data.compressedType & PACKET_COMPRESSED)
    throw new ProtocolError('UNSUPPORTED', 'bulk-compressed data PDU (none was offered)', 'TS_SHAREDATAHEADER');
  return { kind: 'data', data };
}
