/** Where the connector is in the connection sequence (MS-RDPBCGR 1.3.1.1), seen from the client. */
export const ConnectorState = {
  /** Nothing sent yet. */
  INITIAL: 'initial',
  /** X.224 Connection Request sent; waiting for the Connection Confirm. */
  NEGOTIATION: 'negotiation',
  /** PROTOCOL_SSL selected; waiting for the host's TLS handshake. */
  TLS_HANDSHAKE: 'tls-handshake',
  /** MCS Connect Initial sent; waiting for the Connect Response. */
  MCS_CONNECT: 'mcs-connect',
  /** Erect Domain and Attach User sent; waiting for the Attach User Confirm. */
  ATTACH_USER: 'attach-user',
  /** Joining the user, I/O and static channels one at a time. */
  CHANNEL_JOIN: 'channel-join',
  /** Security Exchange and Client Info sent; waiting for the server's licensing verdict. */
  LICENSING: 'licensing',
  /** Waiting for the Demand Active PDU. */
  CAPABILITIES: 'capabilities',
  /** Confirm Active and the client's finalization PDUs sent; waiting for the Font Map. */
  FINALIZATION: 'finalization',
  ACTIVE: 'active',
  CLOSED: 'closed',
} as const;
export type ConnectorState = (typeof ConnectorState)[keyof typeof ConnectorState];
