import { DisconnectReason, ViewerError } from '@rdshare/viewer';

/** What a failed join means to the person at the browser, and what to do about it. */
export function joinFailureMessage(error: unknown): string {
  if (!(error instanceof ViewerError)) return `Could not join: ${String(error)}`;
  switch (error.code) {
    case 'BAD_TICKET':
      return 'That is not an invitation. Paste the whole connection string the sharer gave you.';
    case 'REFUSED':
      return 'The sharer refused you: check the password, or ask whether the invitation is still open and has room.';
    case 'KEY_MISMATCH':
      return 'This server is not the one the invitation names (its key differs). Do not enter your password here.';
    case 'CONNECT_FAILED':
      return 'The sharer cannot be reached: is it still sharing, with the web viewer port open?';
    default:
      return `Could not join: ${error.message}`;
  }
}

/** Why the session ended, from OnConnectionTerminated's reason. */
export function disconnectMessage(reason: number, extendedInfo: number): string {
  switch (reason) {
    case DisconnectReason.LOCAL_NOT_ERROR:
      return 'You left the session.';
    case DisconnectReason.REMOTE_BY_USER:
      return 'The sharer ended the session.';
    case DisconnectReason.BY_SERVER:
      return `The sharer disconnected you${extendedInfo ? ` (code 0x${extendedInfo.toString(16)})` : ''}.`;
    default:
      return 'The connection to the sharer was lost.';
  }
}
