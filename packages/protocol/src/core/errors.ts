/** Why a PDU was rejected; lets callers decide how to log or which error info to send. */
export const ProtocolErrorCode = {
  /** Fewer bytes than a field or a declared length needs. */
  TRUNCATED: 'TRUNCATED',
  /** A length field larger than the limit for that PDU. */
  OVERSIZE: 'OVERSIZE',
  /** Fields that contradict each other or the specification. */
  INVALID: 'INVALID',
  /** A PDU type or value this implementation does not handle. */
  UNSUPPORTED: 'UNSUPPORTED',
  /** A PDU that is valid on its own but not allowed in the current state. */
  UNEXPECTED: 'UNEXPECTED',
  /** A MAC signature or decryption check failed. */
  SECURITY: 'SECURITY',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** The only error protocol code raises for bad input: decoding never throws anything else. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** The structure being decoded when it failed, e.g. `TS_INFO_PACKET`. */
    readonly pdu?: string,
  ) {
    super(pdu ? `${pdu}: ${message}` : message);
  }
}
