import {
  type ActivatedClient,
  CapabilitySetType,
  decodeEncomspPdus,
  type EncomspPdu,
  encodeEncomspPdus,
  isBasicEncomspPdu,
} from '@rdshare/protocol';
import type { Logger } from './logger.js';

/** TS_GENERAL_CAPABILITYSET.osMajorType OSMAJORTYPE_WINDOWS (MS-RDPBCGR 2.2.7.1.1). */
const OSMAJORTYPE_WINDOWS = 0x0001;
/** TS_UD_CS_CORE.clientBuild of Windows 10's first release, the first with OnControlLevelChangeResponse. */
const WINDOWS_10_BUILD = 10240;

/**
 * Largest message accepted from a viewer: a participant sends only OD_PARTICIPANT_CTRL_CHANGE (10 bytes) and
 * OD_WND_SHOW (8 bytes), so this is thousands of requests at once.
 */
const MAX_REQUEST_MESSAGE = 0x10000;

/**
 * Whether a viewer is known to read OD_WND_REGION_UPDATE and OD_PARTICIPANT_CTRL_CHANGE_RESPONSE. MS-RDPEMC has
 * no version exchange, so this goes by what the client says of itself: a Windows client (General capability
 * osMajorType) of build 10240 or later whose Client Core Data carries a clientDigProductId. The last test is
 * what keeps FreeRDP out: every FreeRDP client leaves clientDigProductId empty, while wfreerdp reports
 * OSMAJORTYPE_WINDOWS and FreeRDP 2.11 reports build 18363 on every platform. A peer this cannot vouch for is
 * never sent these PDUs: a missing response costs a Windows viewer a notification, a response sent to FreeRDP
 * costs it its encomsp channel.
 */
export function readsWindows10Pdus(client: ActivatedClient): boolean {
  const general = client.capabilitySets.find((set) => set.type === CapabilitySetType.GENERAL);
  const osMajorType = general && 'osMajorType' in general ? general.osMajorType : undefined;
  const core = client.clientData.core;
  return (
    osMajorType === OSMAJORTYPE_WINDOWS &&
    core.clientBuild >= WINDOWS_10_BUILD &&
    (core.clientDigProductId ?? '').length > 0
  );
}

/** The viewer's end of the `encomsp` static channel. */
export interface EncomspChannel {
  /** Whether the viewer joined `encomsp`; nothing is sent to a viewer that did not. */
  readonly joined: boolean;
  /** Sends one channel message (several PDUs back to back). */
  send(message: Uint8Array): void;
}

/** What a viewer asks of the sharing manager. */
export interface EncomspRequests {
  /** OD_PARTICIPANT_CTRL_CHANGE: `flags` are ControlChangeFlags. */
  controlChange(flags: number): void;
  /** OD_WND_SHOW: bring that window to the front. */
  windowShow(windowId: number): void;
}

/**
 * One attendee's MS-RDPEMC endpoint: encodes what the sharing manager tells this viewer (leaving out the PDU
 * types it may not read) and decodes what it asks. The ParticipantId of a viewer's request is not trusted:
 * FreeRDP sends 0, and a request can only ever be about the connection it came on.
 */
export class EncomspEndpoint {
  constructor(
    private readonly channel: EncomspChannel,
    /** {@link readsWindows10Pdus} of this viewer. */
    readonly readsWindows10Pdus: boolean,
    private readonly requests: EncomspRequests,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends the PDUs this viewer reads as one channel message; returns how many went out. Those beyond the basic
   * revision (FreeRDP 2.x fails the whole message on them) go only to viewers that read Windows 10's PDUs.
   */
  send(pdus: readonly EncomspPdu[]): number {
    if (!this.channel.joined) return 0;
    const wanted = this.readsWindows10Pdus ? pdus : pdus.filter((pdu) => isBasicEncomspPdu(pdu));
    if (wanted.length > 0) this.channel.send(encodeEncomspPdus(wanted));
    return wanted.length;
  }

  /**
   * Handles one reassembled channel message from the viewer. A malformed message throws the ProtocolError
   * (the connection ends); PDUs a participant has no business sending are logged and ignored.
   */
  receive(message: Uint8Array): void {
    for (const pdu of decodeEncomspPdus(message, { maxLength: MAX_REQUEST_MESSAGE })) {
      switch (pdu.type) {
        case 'participantCtrlChange':
          this.requests.controlChange(pdu.flags);
          break;
        case 'windowShow':
          this.requests.windowShow(pdu.windowId);
          break;
        default:
          this.logger.debug('MS-RDPEMC PDU ignored', {
            type: pdu.type === 'unknown' ? `unknown ${pdu.orderType}` : pdu.type,
          });
      }
    }
  }
}
