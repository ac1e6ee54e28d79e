import { ProtocolError } from '../core/errors.js';

/**
 * Encoders validate caller-supplied numbers before writing them, because DataView silently wraps or truncates
 * out-of-range values into a PDU that says something else.
 */
export function checkUint(value: number, max: number, what: string, pdu: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ProtocolError('INVALID', `${what} ${value} outside 0..${max}`, pdu);
  }
  return value;
}

export function checkInt16(value: number, what: string, pdu: string): number {
  if (!Number.isInteger(value) || value < -0x8000 || value > 0x7fff) {
    throw new ProtocolError('INVALID', `${what} ${value} outside -32768..32767`, pdu);
  }
  return value;
}
