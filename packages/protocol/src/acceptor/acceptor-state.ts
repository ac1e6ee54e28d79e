/** Where the acceptor is in the connection sequence (MS-RDPBCGR 1.3.1.1). */
export const AcceptorState = {
  /** Waiting for a Preconnection PDU or the X.224 Connection Request. */
  INITIAL: 'initial',
  /** Connection Confirm written; waiting for the host's TLS handshake. */
  TLS_HANDSHAKE: 'tls-handshake',
  MCS_CONNECT: 'mcs-connect',
  /** Erect Domain, Attach User and Channel Join requests. */
  MCS_DOMAIN: 'mcs-domain',
  SECURITY_EXCHANGE: 'security-exchange',
  CLIENT_INFO: 'client-info',
  /** Client Info received; waiting for `host.authenticate` to settle. */
  AUTHENTICATION: 'authentication',
  /** Demand Active sent; waiting for Confirm Active. */
  CAPABILITIES: 'capabilities',
  /** Confirm Active received; waiting for the client's finalization PDUs up to Font List. */
  FINALIZATION: 'finalization',
  ACTIVE: 'active',
  CLOSED: 'closed',
} as const;
export type AcceptorState = (typeof AcceptorState)[keyof typeof AcceptorState];
