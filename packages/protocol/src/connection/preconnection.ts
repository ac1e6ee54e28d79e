import { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** RDP_PRECONNECTION_PDU_V1/V2 ([MS-RDPEPS] 2.2.1.1/2.2.1.2), sent before the X.224 Connection Request. */
export interface PreconnectionPdu {
  version: 1 | 2;
  flags: number;
  id: number;
  /** V2 only: the preconnection blob (wszPCB). */
  pcb?: string;
}

/** Upper bound on a preconnection PDU we accept: cchPCB is a u16 of UTF-16 units. */
export const MAX_PRECONNECTION_PDU = 16 + 2 + 0xffff * 2;

export function encodePreconnectionPdu(pdu: PreconnectionPdu): Uint8Array {
  const w = new ByteWriter(64);
  w.u32le(0).u32le(pdu.flags).u32le(pdu.version).u32le(pdu.id);
  if (pdu.version === 2) {
    const pcb = pdu.pcb ?? '';
    if (pcb.length + 1 > 0xffff) throw new ProtocolError('OVERSIZE', 'wszPCB too long', 'RDP_PRECONNECTION_PDU');
    w.u16le(pcb.length + 1).utf16(pcb, { nul: true });
  }
  w.setU32le(0, w.offset);
  return w.toBytes();
}

export function decodePreconnectionPdu(bytes: Uint8Array): PreconnectionPdu {
  const pdu = 'RDP_PRECONNECTION_PDU';
  const r = new ByteReader(bytes, pdu);
  const cbSize = r.u32le();
  if (cbSize !== bytes.byteLength)
    throw new ProtocolError('INVALID', `cbSize ${cbSize} does not match ${bytes.byteLength}`, pdu);
  const flags = r.u32le();
  const version = r.u32le();
  const id = r.u32le();
  if (version === 1) {
    r.end();
    return { version, flags, id };
  }
  if (version !== 2) throw new ProtocolError('UNSUPPORTED', `version ${version}`, pdu);
  const cch = r.u16le();
  const pcb = r.utf16(cch * 2);
  r.end();
  return { version, flags, id, pcb };
}
