import { type ClientInfo, InfoFlag } from '../connection/client-info.js';
import type { ConnectorConfig } from './connector-config.js';

/** The Password of a WDS/Remote Assistance Client Info: always `*` (wds-protocol.md §2.3). */
export const INVITATION_PASSWORD_PLACEHOLDER = '*';
/** ANSI code page 0: the strings are Unicode (INFO_UNICODE). */
const CODE_PAGE = 0;

/**
 * The Client Info PDU (MS-RDPBCGR 2.2.1.11.1.1) a Windows viewer sends to answer an invitation: UserName = the
 * viewer's name, Password `*`, AlternateShell = the invitation password, WorkingDir = the auth string. No
 * compression is offered (the sharer sends none), the mouse and its wheel are present.
 */
export function invitationClientInfo(config: ConnectorConfig): ClientInfo {
  return {
    codePage: CODE_PAGE,
    flags:
      InfoFlag.MOUSE |
      InfoFlag.DISABLECTRLALTDEL |
      InfoFlag.UNICODE |
      InfoFlag.MAXIMIZESHELL |
      InfoFlag.ENABLEWINDOWSKEY |
      InfoFlag.MOUSE_HAS_WHEEL,
    domain: '',
    userName: config.userName,
    password: INVITATION_PASSWORD_PLACEHOLDER,
    alternateShell: config.password,
    workingDir: config.authString,
  };
}
