import { PduType2 } from '../connection/share-headers.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';
import { FastPathUpdateCode } from '../data/fastpath-output.js';
import { decodeFastPathPointerUpdate, encodePointerPdu } from '../data/pointer-update.js';

/** TS_UPDATE_HDR.updateType of the slow-path Update PDU (MS-RDPBCGR 2.2.9.1.1.3.1). */
const UPDATETYPE_ORDERS = 0x0000;
const UPDATETYPE_SYNCHRONIZE = 0x0003;

/**
 * The slow-path Data PDU (pduType2 and body) that carries the same thing as a fast-path update, for clients
 * that did not announce fast-path output: bitmap and palette data are the same bytes (they start with their
 * updateType), a synchronize becomes TS_UPDATE_SYNC, pointer updates become TS_POINTER_PDU (2.2.9.1.1.4), orders
 * (numberOrders and the orders) become TS_UPDATE_ORDERS_PDU_DATA (2.2.2.1.1 of MS-RDPEGDI: updateType, pad2OctetsA,
 * numberOrders, pad2OctetsB, orderData). Surface commands have no slow-path form and raise UNSUPPORTED.
 */
export function slowPathUpdate(code: number, data: Uint8Array): { pduType2: number; body: Uint8Array } {
  switch (code) {
    case FastPathUpdateCode.ORDERS: {
      if (data.byteLength < 2)
        throw new ProtocolError('TRUNCATED', 'orders update without numberOrders', 'TS_FP_UPDATE_ORDERS');
      const w = new ByteWriter(data.byteLength + 6).u16le(UPDATETYPE_ORDERS).u16le(0);
      return {
        pduType2: PduType2.UPDATE,
        body: w.bytes(data.subarray(0, 2)).u16le(0).bytes(data.subarray(2)).toBytes(),
      };
    }
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
