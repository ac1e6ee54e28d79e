import type { BitmapCodec, CapabilitySet, RawCapability } from '../connection/capabilities.js';
import type { ClientData } from '../connection/client-data.js';
import type { ClientInfo } from '../connection/client-info.js';
import type { Rect } from '../connection/rect.js';
import type { ProtocolError } from '../core/errors.js';
import type { InputEvent } from '../data/input-event.js';
import type { CryptoProvider, RsaKey } from '../security/crypto-provider.js';
import type { SecurityLayer } from '../transport/security-layer.js';

/** The answer of {@link AcceptorHost.authenticate}. */
export type AuthenticationResult = { accept: true } | { accept: false; errorInfo: number; reason: string };

/** What the client said it can do, distilled from its Confirm Active PDU. */
export interface ClientCapabilities {
  /** General capability FASTPATH_OUTPUT_SUPPORTED. */
  fastPathOutput: boolean;
  /** The update size the client reassembles (MultifragmentUpdate, already floored as `effectiveMaxRequestSize`). */
  multifragmentMaxRequestSize: number;
  /** Input capability flags (InputFlag). */
  inputFlags: number;
  colorPointerCacheSize: number;
  pointerCacheSize: number;
  /** LargePointerFlag bits, 0 when absent. */
  largePointerFlags: number;
  /** SurfaceCommandFlag bits, 0 when absent. */
  surfaceCommands: number;
  codecs: BitmapCodec[];
  /** maxUnacknowledgedFrameCount when the client supports frame acknowledgement. */
  frameAcknowledge?: number;
  /** Bitmap capability bitmapCompressionFlag. */
  bitmapCompression: boolean;
  /** General capability NO_BITMAP_COMPRESSION_HDR. */
  noBitmapCompressionHeader: boolean;
  /**
   * Order capability: the client negotiates order support and draws ScrBlt (orderSupport[TS_NEG_SCRBLT_INDEX]),
   * so screen-to-screen copies may go to it in orders updates (`encodeOrdersUpdate`).
   */
  scrBlt: boolean;
  /**
   * Entries of each revision 2 bitmap cache (TS_BITMAPCACHE_CELL_CACHE_INFO numEntries, cache 0 first) MemBlt
   * orders may draw from, filled by Cache Bitmap Revision 2 orders: empty unless the client negotiates MemBlt
   * (orderSupport[TS_NEG_MEMBLT_INDEX]) and sent TS_BITMAPCACHE_CAPABILITYSET_REV2.
   */
  bitmapCacheCells: number[];
}

/** Everything known about a client once the connection sequence has finished. */
export interface ActivatedClient {
  width: number;
  height: number;
  /** The session colour depth: the client's Confirm Active preferredBitsPerPixel. */
  colorDepth: number;
  securityLayer: SecurityLayer;
  /** The Standard RDP Security method (EncryptionMethod), 0 under TLS. */
  encryptionMethod: number;
  clientInfo: ClientInfo;
  clientData: ClientData;
  /** Static channel names the client joined, in CS_NET order. */
  channels: string[];
  capabilities: ClientCapabilities;
  capabilitySets: (CapabilitySet | RawCapability)[];
}

/** The environment the acceptor runs in: a byte transport and the session's policies. */
export interface AcceptorHost {
  /** Bytes for the transport, in order. */
  write(bytes: Uint8Array): void;
  /**
   * Upgrades the transport to TLS (server side) right after the X.224 Connection Confirm was written; the
   * acceptor holds further input until the promise resolves. Without it TLS is never selected.
   */
  startTls?(): Promise<void>;
  /**
   * Decides whether the client may join, from its Client Info PDU (WDS: alternateShell = password, workingDir =
   * auth string). May answer later (a directory look-up, a person deciding): the acceptor holds the client's
   * further input (bounded like during the TLS handshake) until the promise settles, and sends nothing if the
   * connection closed meanwhile. A rejected promise (or a throw) refuses the client.
   */
  authenticate(info: ClientInfo, peer: { channels: string[] }): AuthenticationResult | Promise<AuthenticationResult>;
  /** The connection sequence finished: graphics may flow. Called again after each `RdpAcceptor.resize`. */
  onActive?(client: ActivatedClient): void;
  /** Fast-path and slow-path input, decoded. */
  onInput?(events: InputEvent[]): void;
  onRefreshRect?(rects: Rect[]): void;
  /** Suppress Output: `allow` false means stop sending graphics until it is true again. */
  onSuppressOutput?(allow: boolean, rect?: Rect): void;
  /** The client acknowledged a frame (Frame Acknowledge PDU). */
  onFrameAcknowledge?(frameId: number): void;
  /** One reassembled message of a static virtual channel the client joined, whatever its name. */
  onChannelData?(name: string, data: Uint8Array): void;
  /** The connection is over; `error` is set when it ended on a protocol violation. Called exactly once. */
  onClose?(reason: string, error?: ProtocolError): void;
}

/** Standard RDP Security material: the server's RSA key and its proprietary certificate (`encodeProprietaryCertificate`). */
export interface RdpSecurityOptions {
  key: RsaKey;
  certificate: Uint8Array;
  /**
   * Offer FIPS encryption (3DES + HMAC-SHA1, needs `crypto.des3Cbc` and `crypto.hmacSha1`) to clients that
   * support it: WDS's EnforceStrongEncryption. Default: 128-bit RC4, what Windows servers pick.
   */
  fips?: boolean;
  /**
   * Also accept 40- and 56-bit RC4 from clients that offer nothing stronger (default false: such a client is
   * refused with an UNSUPPORTED ProtocolError that says so). These key lengths are broken; allow them only for
   * old clients on a trusted network.
   */
  allowWeakRc4?: boolean;
  /**
   * Accept FIPS encryption only, no RC4 at all (implies `fips`): WDS's EnforceStrongEncryption. A client that
   * does not offer FIPS is refused with an UNSUPPORTED ProtocolError.
   */
  fipsOnly?: boolean;
}

export interface AcceptorOptions {
  crypto: CryptoProvider;
  /** Desktop size announced in the Demand Active PDU. */
  width: number;
  height: number;
  security: {
    /** Select PROTOCOL_SSL when the client asks for it (needs `host.startTls`). */
    tls: boolean;
    /** Offer Standard RDP Security; absent = refuse clients that do not ask for TLS. */
    rdp?: RdpSecurityOptions;
  };
  /**
   * Highest colour depth the session runs at (8, 15, 16, 24 or 32; default 32). A client asking for more gets
   * this depth in the Demand Active PDU and uses it: IRDPSRAPISharingSession's ColorDepth.
   */
  maxColorDepth?: number;
  /** Largest reassembled static channel message (default 1 MiB). */
  maxChannelMessage?: number;
}
