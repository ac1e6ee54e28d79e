import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TS_SHARECONTROLHEADER.pduType type bits (2.2.8.1.1.1.1); the version nibble 1 is added on the wire. */
export const PduType = {
  DEMAND_ACTIVE: 0x1,
  CONFIRM_ACTIVE: 0x3,
  DEACTIVATE_ALL: 0x6,
  DATA: 0x7,
  SERVER_REDIRECT: 0xa,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

/** TS_SHAREDATAHEADER.pduType2 (2.2.8.1.1.1.2). */
export const PduType2 = {
  UPDATE: 0x02,
  CONTROL: 0x14,
  POINTER: 0x1b,
  INPUT: 0x1c,
  SYNCHRONIZE: 0x1f,
  REFRESH_RECT: 0x21,
  PLAY_SOUND: 0x22,
  SUPPRESS_OUTPUT: 0x23,
  SHUTDOWN_REQUEST: 0x24,
  SHUTDOWN_DENIED: 0x25,
  SAVE_SESSION_INFO: 0x26,
  FONTLIST: 0x27,
  FONTMAP: 0x28,
  SET_KEYBOARD_INDICATORS: 0x29,
  BITMAPCACHE_PERSISTENT_LIST: 0x2b,
  BITMAPCACHE_ERROR: 0x2c,
  SET_KEYBOARD_IME_STATUS: 0x2d,
  OFFSCRCACHE_ERROR: 0x2e,
  SET_ERROR_INFO: 0x2f,
  DRAWNINEGRID_ERROR: 0x30,
  DRAWGDIPLUS_ERROR: 0x31,
  ARC_STATUS: 0x32,
  STATUS_INFO: 0x36,
  MONITOR_LAYOUT: 0x37,
  FRAME_ACKNOWLEDGE: 0x38,
} as const;
export type PduType2 = (typeof PduType2)[keyof typeof PduType2];

/** TS_SHAREDATAHEADER.streamId (2.2.8.1.1.1.2). */
export const StreamId = { UNDEFINED: 0, LOW: 1, MED: 2, HI: 4 } as const;

const PROTOCOL_VERSION = 0x10;
/** totalLength 0x8000 marks a flow-control PDU, which has no further share control fields. */
const FLOW_PDU_MARKER = 0x8000;

export interface ShareControl {
  pduType: number;
  pduSource: number;
  body: Uint8Array;
}

/** Wraps `body` in a TS_SHARECONTROLHEADER (2.2.8.1.1.1.1). */
export function encodeShareControl(pdu: ShareControl): Uint8Array {
  const length = 6 + pdu.body.byteLength;
  if (length > 0x7fff)
    throw new ProtocolError('OVERSIZE', `share control PDU of ${length} bytes`, 'TS_SHARECONTROLHEADER');
  return new ByteWriter(length)
    .u16le(length)
    .u16le(pdu.pduType | PROTOCOL_VERSION)
    .u16le(pdu.pduSource)
    .bytes(pdu.body)
    .toBytes();
}

/**
 * Decodes a TS_SHARECONTROLHEADER; `body` is a view. Returns `undefined` for a flow-control PDU, which
 * servers ignore. Bytes beyond totalLength are tolerated (some clients pad).
 */
export function decodeShareControl(bytes: Uint8Array): ShareControl | undefined {
  const pdu = 'TS_SHARECONTROLHEADER';
  const r = new ByteReader(bytes, pdu);
  const totalLength = r.u16le();
  if (totalLength === FLOW_PDU_MARKER) return undefined;
  if (totalLength < 6 || totalLength > bytes.byteLength)
    throw new ProtocolError('INVALID', `totalLength ${totalLength} for ${bytes.byteLength} bytes`, pdu);
  const pduType = r.u16le() & 0xf;
  const pduSource = r.u16le();
  return { pduType, pduSource, body: r.bytesView(totalLength - 6) };
}

export interface ShareData {
  shareId: number;
  streamId: number;
  pduType2: number;
  compressedType: number;
  compressedLength: number;
  body: Uint8Array;
}

/** Wraps `body` in a TS_SHAREDATAHEADER (2.2.8.1.1.1.2), uncompressed. */
export function encodeShareData(pdu: {
  shareId: number;
  streamId?: number;
  pduType2: number;
  body: Uint8Array;
}): Uint8Array {
  const w = new ByteWriter(12 + pdu.body.byteLength);
  // uncompressedLength counts the body plus pduType2..compressedLength, as in the 4.1.14 example.
  w.u32le(pdu.shareId)
    .u8(0)
    .u8(pdu.streamId ?? StreamId.LOW)
    .u16le(pdu.body.byteLength + 4);
  w.u8(pdu.pduType2).u8(0).u16le(0).bytes(pdu.body);
  return w.toBytes();
}

/** Decodes a TS_SHAREDATAHEADER; `body` is a view of the rest. */
export function decodeShareData(bytes: Uint8Array): ShareData {
  const r = new ByteReader(bytes, 'TS_SHAREDATAHEADER');
  const shareId = r.u32le();
  r.u8();
  const streamId = r.u8();
  r.u16le();
  const pduType2 = r.u8();
  const compressedType = r.u8();
  const compressedLength = r.u16le();
  return { shareId, streamId, pduType2, compressedType, compressedLength, body: r.rest() };
}

/** A complete Data PDU: share control header (PDUTYPE_DATAPDU) around a share data header around `body`. */
export function encodeDataPdu(shareId: number, pduSource: number, pduType2: number, body: Uint8Array): Uint8Array {
  return encodeShareControl({ pduType: PduType.DATA, pduSource, body: encodeShareData({ shareId, pduType2, body }) });
}
