/** What went wrong, for code that reacts to `RdshareError`s without parsing messages. */
export const SessionErrorCode = {
  /** An argument failed validation; the message says which and what is allowed. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A property name that IRDPSRAPISessionProperties does not document. */
  UNKNOWN_PROPERTY: 'UNKNOWN_PROPERTY',
  /** A property that can only be set before `open()`. */
  READ_ONLY: 'READ_ONLY',
  /** The call needs an open session. */
  NOT_OPEN: 'NOT_OPEN',
  /** `open()` on a session that is already open. */
  ALREADY_OPEN: 'ALREADY_OPEN',
  /** The session was closed; like Windows, a closed session cannot reopen. */
  CLOSED: 'CLOSED',
  /** Another session (in this process or another) shares this display. */
  DISPLAY_IN_USE: 'DISPLAY_IN_USE',
  /**
   * The display could not be opened: no X server there, it refused this client, or it lacks an extension; the
   * message carries the reason from @rdshare/native.
   */
  DISPLAY_UNAVAILABLE: 'DISPLAY_UNAVAILABLE',
  /** The shared X server went away while the session was open (raised on `error$`); close the session. */
  DISPLAY_LOST: 'DISPLAY_LOST',
  /**
   * The @rdshare/native addon could not be loaded (not built, a system library missing, built for another
   * Node.js or platform); the message says which and how to fix it.
   */
  NATIVE_UNAVAILABLE: 'NATIVE_UNAVAILABLE',
  /**
   * `open()` could not make the session's identity: the `tls` certificate and key are not PEM or do not belong
   * together, or the session key or its self-signed certificate could not be generated; the message says which.
   */
  TLS_IDENTITY_FAILED: 'TLS_IDENTITY_FAILED',
  /**
   * The listener could not bind its address and port; `cause` is Node's error, whose `code` says why
   * (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`, `ENOTFOUND` for a host name that does not resolve).
   */
  LISTEN_FAILED: 'LISTEN_FAILED',
  /** An attendee was refused: bad password, unknown or revoked invitation, attendee limit reached. */
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  /** The attendee's connection failed: protocol error, socket error or vanished peer. */
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  /** Something with the name already exists (auth string, group name). */
  DUPLICATE: 'DUPLICATE',
  /** No such attendee or invitation. */
  NOT_FOUND: 'NOT_FOUND',
  /**
   * An attendee's application channel queue is full (it reads slower than the app sends); retry after
   * `channelDataSent$` reports progress.
   */
  CHANNEL_QUEUE_FULL: 'CHANNEL_QUEUE_FULL',
  /** `connectToClient` reached none of the viewer's addresses. */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** A failure none of the other codes names: a bug in rdshare; `cause` holds the original error (report it). */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type SessionErrorCode = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];

/** The one error type the session API throws; `code` says what kind of failure it is. */
export class RdshareError extends Error {
  override readonly name = 'RdshareError';
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const invalidArgument = (message: string) => new RdshareError('INVALID_ARGUMENT', message);
