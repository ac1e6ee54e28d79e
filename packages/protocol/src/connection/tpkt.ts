import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TPKT version byte; it doubles as the marker that tells slow-path frames from fast-path ones. */
export const TPKT_VERSION = 3;
export const TPKT_HEADER_LENGTH = 4;

/** Wraps an X.224 TPDU in a TPKT header ([T123] section 8, MS-RDPBCGR 2.2.1.1 tpktHeader). */
export function encodeTpkt(payload: Uint8Array): Uint8Array {
  const length = payload.byteLength + TPKT_HEADER_LENGTH;
  if (length > 0xffff) throw new ProtocolError('OVERSIZE', `${length} bytes do not fit in a TPKT`, 'TPKT');
  return new ByteWriter(length).u8(TPKT_VERSION).u8(0).u16be(length).bytes(payload).toBytes();
}

/** The payload of one complete TPKT; the length field must cover exactly the given bytes. */
export function decodeTpkt(bytes: Uint8Array): Uint8Array {
  const r = new ByteReader(bytes, 'TPKT');
  if (r.u8() !== TPKT_VERSION) throw new ProtocolError('INVALID', 'version is not 3', 'TPKT');
  r.u8();
  const length = r.u16be();
  if (length !== bytes.byteLength) {
    throw new ProtocolError('INVALID', `length ${length} does not match ${bytes.byteLength} bytes`, 'TPKT');
  }
  return r.rest();
}
