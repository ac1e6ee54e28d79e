import { PduType2 } from '../connection/share-headers.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { FastPathUpdateCode } from '../data/fastpath-output.js';
import { decodeFastPathPointerUpdate, encodePointerPdu } from '../data/pointer-update.js';

/** TS_UPDATE_HDR.updateType of the slow-path Update PDU (MS-RDPBCGR 2.2.9.1.1.3.1). */
const UPDATETYPE_SYNCHRONIZE = 0x0003;

/**
 * The slow-path Data PDU (pduType2 and body) that carries the same thing as a fast-path update, for clients
 * that did not announce fast-path output: bitmap and palette data are the same bytes (they start with their
 * updateType), a synchronize becomes TS_UPDATE_SYNC, pointer updates become TS_POINTER_PDU (2.2.9.1.1.4).
 * Surface commands and orders have no slow-path form here and raise UNSUPPORTED.
 */
export function slowPathUpdate(code: number, data: Uint8Array): { pduType2: number; body: Uint8Array } {
  switch (code) {
    case FastPathUpdateCode.BITMAP:
    case FastPathUpdateCode.PALETTE:
      return { pduType2: PduType2.UPDATE, body: data };
    case FastPathUpdateCode.SYNCHRONIZE:
      return { pduType2: PduType2.UPDATE, body: new ByteWriter(4).u16le(UPDATETYPE_SYNCHRONIZE).u16le(0).toBytes() };
    case FastPathUpdateCode.PTR_NULL:
    case FastPathUpdateCode.PTR_DEFAULT:
    case FastPathUpdateCode.PTR_POSITION:
    case FastPathUpdateCode.COLOR:
    case FastPathUpdateCode.CACHED:
    case FastPathUpdateCode.POINTER:
    case FastPathUpdateCode.LARGE_POINTER:
      return { pduType2: PduType2.POINTER, body: encodePointerPdu(decodeFastPathPointerUpdate(code, data)) };
    default:
      throw new ProtocolError('UNSUPPORTED', `update code ${code} has no slow-path form`, 'slow-path update');
  }
}
