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
  /** The listener could not bind its port. */
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
