import {
  ControlAction,
  decodeControl,
  decodeFontList,
  encodeControl,
  encodeFontMap,
  encodeSynchronize,
  FontListFlag,
  SYNCMSGTYPE_SYNC,
} from '../connection/finalization.js';
import { PduType2 } from '../connection/share-headers.js';
import { ProtocolError } from '../core/errors.js';
import { SERVER_CHANNEL_ID } from './server-frames.js';

/** TS_FONT_MAP_PDU.entrySize: always 4 (MS-RDPBCGR 2.2.1.22.1). */
const FONT_MAP_ENTRY_SIZE = 4;
/** TS_FONT_LIST_PDU: numberFonts, totalNumFonts, listFlags and entrySize, 2 bytes each (2.2.1.18.1). */
const FONT_LIST_PDU_SIZE = 8;
/** TS_CONTROL_PDU grantId and controlId of a Cooperate: both 0 (2.2.1.19.1). */
const COOPERATE_ID = 0;

/** One share data PDU the server sends: its pduType2 and body. */
export interface ServerDataPdu {
  pduType2: number;
  body: Uint8Array;
}

/** What one client finalization PDU produced. */
export interface FinalizationStep {
  replies: ServerDataPdu[];
  /** The client's Font List arrived and was answered: the connection is active. */
  complete: boolean;
}

/**
 * The server side of the Connection Finalization phase (MS-RDPBCGR 1.3.1.1, 2.2.1.14–2.2.1.22): answers each
 * client PDU as it arrives (Synchronize with Synchronize, Control Cooperate with Cooperate, Control Request
 * Control with Granted Control, Font List with Font Map), because some clients wait for the server's
 * Synchronize and Control PDUs before they send their Font List. Font List ends the phase in any order: the
 * server PDUs the client did not ask for yet are sent before the Font Map, so every client gets all four
 * exactly once (a client that sends everything at once, like FreeRDP, gets them in Windows' order). A Font List
 * sent in parts (RDP 4.0 clients such as `rdesktop -4` send FONTLIST_FIRST, then FONTLIST_LAST) ends the phase with
 * its last part, so the client never sends a Font List once active.
 */
export class ServerFinalization {
  private synchronized = false;
  private cooperating = false;
  private granted = false;

  constructor(
    /** The client's MCS user id: the targetUser of Synchronize and the grantId of Granted Control. */
    private readonly userId: number,
  ) {}

  /** Handles one client data PDU; undefined when `pduType2` is not a finalization PDU. */
  receive(pduType2: number, body: Uint8Array): FinalizationStep | undefined {
    switch (pduType2) {
      case PduType2.SYNCHRONIZE:
        return { replies: this.answerSynchronize(), complete: false };
      case PduType2.BITMAPCACHE_PERSISTENT_LIST:
        return { replies: [], complete: false };
      case PduType2.CONTROL: {
        const control = decodeControl(body);
        if (control.action === ControlAction.COOPERATE) return { replies: this.answerCooperate(), complete: false };
        if (control.action === ControlAction.REQUEST_CONTROL) return { replies: this.answerRequest(), complete: false };
        throw new ProtocolError('INVALID', `control action ${control.action} from a client`, 'TS_CONTROL_PDU');
      }
      case PduType2.FONTLIST:
        if (!isLastFontListPart(body)) return { replies: [], complete: false };
        return {
          replies: [...this.answerSynchronize(), ...this.answerCooperate(), ...this.answerRequest(), this.fontMap()],
          complete: true,
        };
      default:
        return undefined;
    }
  }

  private answerSynchronize(): ServerDataPdu[] {
    if (this.synchronized) return [];
    this.synchronized = true;
    return [this.synchronize()];
  }

  private answerCooperate(): ServerDataPdu[] {
    if (this.cooperating) return [];
    this.cooperating = true;
    return [this.cooperate()];
  }

  private answerRequest(): ServerDataPdu[] {
    if (this.granted) return [];
    this.granted = true;
    return [this.grantedControl()];
  }

  private synchronize(): ServerDataPdu {
    return {
      pduType2: PduType2.SYNCHRONIZE,
      body: encodeSynchronize({ messageType: SYNCMSGTYPE_SYNC, targetUser: this.userId }),
    };
  }

  private cooperate(): ServerDataPdu {
    return {
      pduType2: PduType2.CONTROL,
      body: encodeControl({ action: ControlAction.COOPERATE, grantId: COOPERATE_ID, controlId: COOPERATE_ID }),
    };
  }

  private grantedControl(): ServerDataPdu {
    return {
      pduType2: PduType2.CONTROL,
      body: encodeControl({
        action: ControlAction.GRANTED_CONTROL,
        grantId: this.userId,
        controlId: SERVER_CHANNEL_ID,
      }),
    };
  }

  private fontMap(): ServerDataPdu {
    return {
      pduType2: PduType2.FONTMAP,
      body: encodeFontMap({
        numberEntries: 0,
        totalNumEntries: 0,
        mapFlags: FontListFlag.FIRST | FontListFlag.LAST,
        entrySize: FONT_MAP_ENTRY_SIZE,
      }),
    };
  }
}

/**
 * Whether a Font List is the last (or only) part of the client's list: not when it says FONTLIST_FIRST without
 * FONTLIST_LAST. A body too short to carry listFlags, or one with neither flag, counts as the whole list.
 */
function isLastFontListPart(body: Uint8Array): boolean {
  if (body.byteLength < FONT_LIST_PDU_SIZE) return true;
  const { listFlags } = decodeFontList(body);
  return !(listFlags & FontListFlag.FIRST) || (listFlags & FontListFlag.LAST) !== 0;
}
