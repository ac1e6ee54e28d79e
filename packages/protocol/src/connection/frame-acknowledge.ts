import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';

/**
 * TS_FRAME_ACKNOWLEDGE_PDU body ([MS-RDPRFX] 2.2.3.1, pduType2 PDUTYPE2_FRAME_ACKNOWLEDGE): the frameID of a
 * Frame Marker END whose frame the client has drawn.
 */
export function encodeFrameAcknowledge(frameId: number): Uint8Array {
  return new ByteWriter(4).u32le(frameId).toBytes();
}

export function decodeFrameAcknowledge(body: Uint8Array): number {
  return new ByteReader(body, 'TS_FRAME_ACKNOWLEDGE_PDU').u32le();
}
