import type { ProtocolError } from '../core/errors.js';
import type { CryptoProvider, RsaKey } from '../security/crypto-provider.js';
import type { InvitationKeyHashes } from '../security/invitation-key-hash.js';
import type { ClientSurfaceCodecs } from './client-capabilities.js';

/** Which security layers the connector offers; TLS needs {@link ConnectorHost.startTls}. */
export interface ConnectorSecurity {
  /** Ask for PROTOCOL_SSL. */
  tls: boolean;
  /** Accept Standard RDP Security (the server may also pick it when TLS was asked for). */
  rdp: boolean;
}

/**
 * What the client role needs to know before it starts: the invitation it answers (WDS puts the viewer's name,
 * the invitation password and the auth string in the Client Info PDU), the desktop it asks for and the channels
 * it declares.
 */
export interface ConnectorConfig {
  crypto: CryptoProvider;
  /** The viewer's friendly name: Client Info UserName, what the sharer shows as the attendee's name. */
  userName: string;
  /** The invitation password: Client Info AlternateShell. */
  password: string;
  /** The invitation's auth string (the ticket's `A@ID`): Client Info WorkingDir. */
  authString: string;
  /** CS_CORE clientName (at most 15 characters). */
  clientName?: string;
  /** The desktop size and depth asked for; the server's Demand Active decides. */
  desktopWidth: number;
  desktopHeight: number;
  /** 8, 15, 16, 24 or 32 (default 32). */
  colorDepth?: number;
  /** Static virtual channels declared in CS_NET, in order (at most 31 names of at most 7 characters). */
  channels: readonly string[];
  security: ConnectorSecurity;
  /**
   * The sharer-key pins of the invitation (`KH`, `KH2`); absent for a connection that has none to check (a
   * reverse-connect string). When present, a server key that matches neither ends the connection.
   */
  keyHashes?: Partial<InvitationKeyHashes>;
  /** The ticket's `T@SID` when non-zero: sent as RDP_PRECONNECTION_PDU_V2 before the Connection Request. */
  preconnectionId?: number;
  /**
   * Announce the graphics pipeline (RNS_UD_CS_SUPPORT_DYNVC_GFX_PROTOCOL in CS_CORE): the server may then send
   * graphics as MS-RDPEGFX over the `drdynvc` channel, which must be in {@link channels}. Default false.
   */
  graphicsPipeline?: boolean;
  /**
   * Surface codecs to offer in the Confirm Active (with the Surface Commands and Frame Acknowledge sets they
   * need), in every activation and reactivation. Default none: the capability sets stay bitmap updates only.
   */
  surfaceCodecs?: ClientSurfaceCodecs;
  /** Largest reassembled static channel message (default 1 MiB). */
  maxChannelMessage?: number;
}

/** What the TLS upgrade learned about the server, for the key pin. */
export interface TlsPeer {
  /** The RSA public key of the server's TLS certificate; undefined if it is not an RSA key. */
  publicKey?: RsaKey;
}

/** Why a connection attempt or session ended, for the viewer's events. */
export const ConnectorFailure = {
  /** The server's key matched neither KH2 nor KH of the invitation. */
  KEY_MISMATCH: 'key-mismatch',
  /** The server refused the client (Set Error Info and/or a disconnect before activation: wrong password...). */
  REFUSED: 'refused',
  /** The server answered X.224 negotiation with a failure code. */
  NEGOTIATION: 'negotiation',
  /** The server broke the protocol. */
  PROTOCOL: 'protocol',
  /** The server ended an active session. */
  SERVER_DISCONNECT: 'server-disconnect',
  /** The transport closed or failed. */
  TRANSPORT: 'transport',
  /** The client disconnected itself. */
  LOCAL: 'local',
} as const;
export type ConnectorFailure = (typeof ConnectorFailure)[keyof typeof ConnectorFailure];

/** How a connection ended. */
export interface ConnectorClose {
  kind: ConnectorFailure;
  reason: string;
  /** The server's Set Error Info code, when it sent one. */
  errorInfo?: number;
  /** The protocol violation behind a PROTOCOL or KEY_MISMATCH end. */
  error?: ProtocolError;
}
