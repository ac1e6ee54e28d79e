import type { CryptoProvider, RsaKey } from '@rdshare/protocol';
import type { Logger } from './logger.js';

/** @internal What a connection needs from its session. */
export interface SessionInternals {
  readonly crypto: CryptoProvider;
  readonly rsaKey: RsaKey;
  /** Server certificate bytes for Standard RDP Security (proprietary certificate). */
  readonly proprietaryCertificate: Uint8Array;
  readonly enforceStrongEncryption: boolean;
  readonly width: number;
  readonly height: number;
  readonly logger: Logger;
  /** The session's ColorDepth at the time a connection starts. */
  colorDepth(): number;
  /** Static virtual channels the sharer serves. */
  channelNames(): string[];
}
