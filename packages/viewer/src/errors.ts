/** Why a viewer call or connection failed. */
export const ViewerErrorCode = {
  /** An argument is out of range or of the wrong kind. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The connection string is not an invitation (or reverse-connect) string this viewer can use. */
  BAD_TICKET: 'BAD_TICKET',
  /** No address of the ticket could be reached. */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** The sharer's key is not the one the invitation names (KH2/KH). */
  KEY_MISMATCH: 'KEY_MISMATCH',
  /** The sharer refused the viewer: wrong password, revoked invitation, attendee limit. */
  REFUSED: 'REFUSED',
  /** The sharer broke the protocol. */
  PROTOCOL: 'PROTOCOL',
  /** The connection dropped or was ended by the sharer. */
  DISCONNECTED: 'DISCONNECTED',
  /** The call needs a connected viewer (or, for `connect`, an idle one). */
  INVALID_STATE: 'INVALID_STATE',
} as const;
export type ViewerErrorCode = (typeof ViewerErrorCode)[keyof typeof ViewerErrorCode];

/**
 * The one error type the viewer throws and rejects with; `code` says what went wrong. RDPSRAPI reports these as
 * HRESULTs from `IRDPSRAPIViewer::Connect` and `_IRDPSessionEvents::OnConnectionFailed`.
 *
 * @example
 * ```ts
 * try {
 *   await viewer.connect(connectionString, 'Ann', password);
 * } catch (error) {
 *   if (error instanceof ViewerError && error.code === ViewerErrorCode.REFUSED) askForThePasswordAgain();
 *   else throw error;
 * }
 * ```
 */
export class ViewerError extends Error {
  override readonly name = 'ViewerError';
  constructor(
    readonly code: ViewerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
