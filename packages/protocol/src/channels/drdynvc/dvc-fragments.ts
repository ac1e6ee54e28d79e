import { ProtocolError } from '../../core/errors.js';
import { type DvcPdu, dvcDataHeaderLength, encodeDvcPdu } from './dvc-pdu.js';

const PDU = 'MS-RDPEDYC';

/**
 * Largest DVC PDU sent in one `drdynvc` static channel message: CHANNEL_CHUNK_LENGTH, which the Data PDUs'
 * blocks are sized against (MS-RDPEDYC 3.1.5.1.1).
 */
export const DVC_MAX_PDU_LENGTH = 1600;

/**
 * Splits one message into the DVC PDUs that carry it: a single DYNVC_DATA when it fits, else a DYNVC_DATA_FIRST
 * declaring the total length followed by DYNVC_DATA blocks, each PDU at most `maxPduLength` bytes.
 */
export function encodeDvcMessage(
  channelId: number,
  message: Uint8Array,
  maxPduLength = DVC_MAX_PDU_LENGTH,
): Uint8Array[] {
  const dataHeader = dvcDataHeaderLength(channelId);
  if (maxPduLength < dvcDataHeaderLength(channelId, 0xffffffff) + 1) {
    throw new ProtocolError('INVALID', `maxPduLength ${maxPduLength} leaves no room for data`, PDU);
  }
  if (message.length + dataHeader <= maxPduLength) return [encodeDvcPdu({ type: 'data', channelId, data: message })];
  const firstBlock = maxPduLength - dvcDataHeaderLength(channelId, message.length);
  const out: Uint8Array[] = [
    encodeDvcPdu({ type: 'dataFirst', channelId, length: message.length, data: message.subarray(0, firstBlock) }),
  ];
  const block = maxPduLength - dataHeader;
  for (let at = firstBlock; at < message.length; at += block) {
    out.push(encodeDvcPdu({ type: 'data', channelId, data: message.subarray(at, at + block) }));
  }
  return out;
}

/**
 * Rebuilds messages from DYNVC_DATA_FIRST/DYNVC_DATA on one channel. The declared length is checked against
 * `maxMessageLength` before anything is allocated, and blocks past the declared length are rejected.
 */
export class DvcReassembler {
  private buffer: Uint8Array | undefined;
  private filled = 0;

  constructor(private readonly maxMessageLength: number) {}

  /** Feeds one data PDU; returns the whole message when this block completes one. */
  push(pdu: Extract<DvcPdu, { type: 'dataFirst' | 'data' }>): Uint8Array | undefined {
    if (pdu.type === 'dataFirst') {
      if (pdu.length > this.maxMessageLength) {
        throw new ProtocolError('OVERSIZE', `message of ${pdu.length} bytes over ${this.maxMessageLength}`, PDU);
      }
      this.buffer = new Uint8Array(pdu.length);
      this.filled = 0;
      return this.append(pdu.data);
    }
    if (!this.buffer) return pdu.data;
    return this.append(pdu.data);
  }

  private append(data: Uint8Array): Uint8Array | undefined {
    const buffer = this.buffer as Uint8Array;
    if (this.filled + data.length > buffer.length) {
      throw new ProtocolError('INVALID', `data past the declared Length ${buffer.length}`, PDU);
    }
    buffer.set(data, this.filled);
    this.filled += data.length;
    if (this.filled < buffer.length) return undefined;
    this.buffer = undefined;
    return buffer;
  }
}
