import { type ClientInfo, InfoFlag } from '../connection/client-info.js';
import { BulkCompressionFlag, compressionInfoFlags } from '../data/bulk-compression.js';
import type { ConnectorConfig } from './connector-config.js';

/** The Password of a WDS/Remote Assistance Client Info: always `*` (wds-protocol.md §2.3). */
export const INVITATION_PASSWORD_PLACEHOLDER = '*';
/** ANSI code page 0: the strings are Unicode (INFO_UNICODE). */
const CODE_PAGE = 0;
/** TS_EXTENDED_INFO_PACKET.clientAddressFamily AF_INET; the address itself is left empty (a browser cannot know it). */
const AF_INET = 0x0002;
/** clientDir as Windows clients send it: the path of the client control. */
const CLIENT_DIR = 'C:\\Windows\\System32\\mstscax.dll';
/** TS_TIME_ZONE_INFORMATION: 172 bytes; zeros say UTC with no daylight saving. */
const TIME_ZONE_INFORMATION_LENGTH = 172;
/** PERF_FLAGS: 0, nothing disabled (a sharer sends its desktop as it is anyway). */
const PERFORMANCE_FLAGS = 0;

/**
 * The Client Info PDU (MS-RDPBCGR 2.2.1.11.1.1) a Windows viewer sends to answer an invitation: UserName = the
 * viewer's name, Password `*`, AlternateShell = the invitation password, WorkingDir = the auth string. Bulk
 * compression is offered up to MPPC with a 64 KB history (what the connector decompresses), the mouse and its
 * wheel are present. The extended info packet is always there, as from every RDP 5+ client: FreeRDP servers
 * refuse a Client Info without it.
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
      InfoFlag.MOUSE_HAS_WHEEL |
      compressionInfoFlags(BulkCompressionFlag.PACKET_COMPR_TYPE_64K),
    domain: '',
    userName: config.userName,
    password: INVITATION_PASSWORD_PLACEHOLDER,
    alternateShell: config.password,
    workingDir: config.authString,
    extended: {
      clientAddressFamily: AF_INET,
      clientAddress: '',
      clientDir: CLIENT_DIR,
      clientTimeZone: new Uint8Array(TIME_ZONE_INFORMATION_LENGTH),
      clientSessionId: 0,
      performanceFlags: PERFORMANCE_FLAGS,
    },
  };
}
