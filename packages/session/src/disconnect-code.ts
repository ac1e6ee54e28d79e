import { ProtocolError } from '@rdshare/protocol';
import type { ConnectionEnd } from './attendee-connection.js';
import { ATTENDEE_DISCONNECT_REASON } from './constants.js';

/** HRESULT_FROM_WIN32: the form MS-RDPEMC DiscCode gives Win32 errors (0x8007xxxx, MS-RDPEMC 2.2.4.2). */
const hresultFromWin32 = (win32Error: number) => (0x80070000 | win32Error) >>> 0;

/**
 * The `code` of IRDPSRAPIAttendeeDisconnectInfo and the DiscCode of OD_PARTICIPANT_REMOVED: why a connection
 * ended, as an HRESULT (unsigned 32-bit), the form MS-RDPEMC gives the field.
 */
export const DISCONNECT_CODE = {
  /** The viewer left in order (ERROR_GRACEFUL_DISCONNECT). */
  GRACEFUL_DISCONNECT: hresultFromWin32(1226),
  /** The sharer ended the connection: `terminateConnection()` (ERROR_CONNECTION_ABORTED). */
  CONNECTION_ABORTED: hresultFromWin32(1236),
  /** The viewer broke the protocol (ERROR_INVALID_DATA). */
  INVALID_DATA: hresultFromWin32(13),
  /** Any other failure (E_FAIL). */
  FAILED: 0x80004005,
} as const;
export type DISCONNECT_CODE = (typeof DISCONNECT_CODE)[keyof typeof DISCONNECT_CODE];

/** Why an attendee left, as IRDPSRAPIAttendeeDisconnectInfo reports it. */
export interface DisconnectCause {
  reason: ATTENDEE_DISCONNECT_REASON;
  code: DISCONNECT_CODE;
}

/** The reason and code of a connection's end: the viewer left (CLI), the sharer ended it (APP), or it failed (ERR). */
export function disconnectCauseOf(end: ConnectionEnd): DisconnectCause {
  if (end.byClient) return { reason: ATTENDEE_DISCONNECT_REASON.CLI, code: DISCONNECT_CODE.GRACEFUL_DISCONNECT };
  if (!end.error) return { reason: ATTENDEE_DISCONNECT_REASON.APP, code: DISCONNECT_CODE.CONNECTION_ABORTED };
  const code = end.error instanceof ProtocolError ? DISCONNECT_CODE.INVALID_DATA : DISCONNECT_CODE.FAILED;
  return { reason: ATTENDEE_DISCONNECT_REASON.ERR, code };
}
