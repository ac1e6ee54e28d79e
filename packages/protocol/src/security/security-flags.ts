/** TS_SECURITY_HEADER flags (MS-RDPBCGR 2.2.8.1.1.2.1). */
export const SecurityFlag = {
  EXCHANGE_PKT: 0x0001,
  TRANSPORT_REQ: 0x0002,
  TRANSPORT_RSP: 0x0004,
  ENCRYPT: 0x0008,
  RESET_SEQNO: 0x0010,
  IGNORE_SEQNO: 0x0020,
  INFO_PKT: 0x0040,
  LICENSE_PKT: 0x0080,
  /** Same bit, sent by the server (CS) or by the client with SEC_EXCHANGE_PKT (SC). */
  LICENSE_ENCRYPT: 0x0200,
  REDIRECTION_PKT: 0x0400,
  /** The MAC is salted with the packet count (5.3.6.1.1). */
  SECURE_CHECKSUM: 0x0800,
  AUTODETECT_REQ: 0x1000,
  AUTODETECT_RSP: 0x2000,
  HEARTBEAT: 0x4000,
  FLAGSHI_VALID: 0x8000,
} as const;
export type SecurityFlag = (typeof SecurityFlag)[keyof typeof SecurityFlag];
