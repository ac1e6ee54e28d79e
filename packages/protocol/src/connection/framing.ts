import { ProtocolError } from '../core/errors.js';
import { TPKT_HEADER_LENGTH, TPKT_VERSION } from './tpkt.js';

/** Which of the two framings of the RDP byte stream a frame uses (MS-RDPBCGR 2.2.8.1.2 / 2.2.9.1.2). */
export const FrameKind = { SLOW_PATH: 'slow-path', FAST_PATH: 'fast-path' } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface FrameHeader {
  kind: FrameKind;
  /** Total length of the frame including its header. */
  length: number;
}

/**
 * Peeks at the start of a byte stream and returns the kind and length of the first frame, or `undefined`
 * while too few bytes have arrived to know. A first byte of 3 is a TPKT header; anything else is a fast-path
 * header whose length is one byte, or two with the high bit of the first set (2.2.8.1.2 length1/length2).
 */
export function peekFrame(bytes: Uint8Array, maxLength: number): FrameHeader | undefined {
  if (bytes.byteLength < 2) return undefined;
  let kind: FrameKind;
  let length: number;
  let headerLength: number;
  if (bytes[0] === TPKT_VERSION) {
    if (bytes.byteLength < TPKT_HEADER_LENGTH) return undefined;
    kind = FrameKind.SLOW_PATH;
    length = (bytes[2] << 8) | bytes[3];
    headerLength = TPKT_HEADER_LENGTH;
  } else {
    if ((bytes[0] & 0x03) !== 0)
      throw new ProtocolError('INVALID', `action bits ${bytes[0] & 3} are not fast-path`, 'frame');
    kind = FrameKind.FAST_PATH;
    if (bytes[1] & 0x80) {
      if (bytes.byteLength < 3) return undefined;
      length = ((bytes[1] & 0x7f) << 8) | bytes[2];
      headerLength = 3;
    } else {
      length = bytes[1];
      headerLength = 2;
    }
  }
  if (length < headerLength) throw new ProtocolError('INVALID', `length ${length} is shorter than its header`, kind);
  if (length > maxLength)
    throw new ProtocolError('OVERSIZE', `length ${length} exceeds the limit of ${maxLength}`, kind);
  return { kind, length };
}
