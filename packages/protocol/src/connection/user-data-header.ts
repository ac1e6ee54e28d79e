import type { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { ProtocolError } from '../core/errors.js';

/** TS_UD_HEADER.type of the client and server settings blocks (MS-RDPBCGR 2.2.1.3.1, 2.2.1.4.1). */
export const UserDataType = {
  CS_CORE: 0xc001,
  CS_SECURITY: 0xc002,
  CS_NET: 0xc003,
  CS_CLUSTER: 0xc004,
  CS_MONITOR: 0xc005,
  CS_MCS_MSGCHANNEL: 0xc006,
  CS_MONITOR_EX: 0xc008,
  CS_MULTITRANSPORT: 0xc00a,
  SC_CORE: 0x0c01,
  SC_SECURITY: 0x0c02,
  SC_NET: 0x0c03,
  SC_MCS_MSGCHANNEL: 0x0c04,
  SC_MULTITRANSPORT: 0x0c08,
} as const;
export type UserDataType = (typeof UserDataType)[keyof typeof UserDataType];

/** Splits concatenated settings blocks into (type, body reader) pairs; a block must fit in what is left. */
export function* readUserDataBlocks(r: ByteReader): Generator<{ type: number; body: ByteReader }> {
  while (r.remaining >= 4) {
    const type = r.u16le();
    const length = r.u16le();
    if (length < 4) throw new ProtocolError('INVALID', `block 0x${type.toString(16)} length ${length} < 4`, r.pdu);
    yield { type, body: r.sub(length - 4, `TS_UD 0x${type.toString(16)}`) };
  }
  if (r.remaining !== 0) throw new ProtocolError('TRUNCATED', `${r.remaining} bytes after the last block`, r.pdu);
}

/** Writes one settings block: TS_UD_HEADER followed by what `body` writes. */
export function writeUserDataBlock(w: ByteWriter, type: number, body: (w: ByteWriter) => void): void {
  const inner = new ByteWriter(64);
  body(inner);
  const length = inner.offset + 4;
  if (length > 0xffff)
    throw new ProtocolError('OVERSIZE', `block 0x${type.toString(16)} of ${length} bytes`, 'TS_UD_HEADER');
  w.u16le(type).u16le(length).bytes(inner.written());
}
