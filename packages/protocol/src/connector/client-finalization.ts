import {
  ControlAction,
  decodeControl,
  encodeControl,
  encodeFontList,
  encodeSynchronize,
  FontListFlag,
  SYNCMSGTYPE_SYNC,
} from '../connection/finalization.js';
import { PduType2 } from '../connection/share-headers.js';
import { ProtocolError } from '../core/errors.js';

/** TS_FONT_LIST_PDU.entrySize: always 0x32 (MS-RDPBCGR 2.2.1.18.1). */
const FONT_LIST_ENTRY_SIZE = 0x32;
/** grantId and controlId of the client's Control PDUs: 0 (2.2.1.15.1, 2.2.1.16.1). */
const CLIENT_CONTROL_ID = 0;

/** One share data PDU the client sends. */
export interface ClientDataPdu {
  pduType2: number;
  body: Uint8Array;
}

/**
 * The client side of Connection Finalization (MS-RDPBCGR 1.3.1.1, 2.2.1.14–2.2.1.22): the four PDUs sent right
 * after Confirm Active, then the server's Synchronize, Cooperate, Granted Control and Font Map, the last of
 * which completes activation. Windows servers send them in that order but a client does not depend on it.
 */
export const ClientFinalization = {
  /** Synchronize (to the server's channel), Control Cooperate, Control Request Control, Font List. */
  requests(serverChannelId: number): ClientDataPdu[] {
    return [
      {
        pduType2: PduType2.SYNCHRONIZE,
        body: encodeSynchronize({ messageType: SYNCMSGTYPE_SYNC, targetUser: serverChannelId }),
      },
      {
        pduType2: PduType2.CONTROL,
        body: encodeControl({
          action: ControlAction.COOPERATE,
          grantId: CLIENT_CONTROL_ID,
          controlId: CLIENT_CONTROL_ID,
        }),
      },
      {
        pduType2: PduType2.CONTROL,
        body: encodeControl({
          action: ControlAction.REQUEST_CONTROL,
          grantId: CLIENT_CONTROL_ID,
          controlId: CLIENT_CONTROL_ID,
        }),
      },
      {
        pduType2: PduType2.FONTLIST,
        body: encodeFontList({
          numberFonts: 0,
          totalNumFonts: 0,
          listFlags: FontListFlag.FIRST | FontListFlag.LAST,
          entrySize: FONT_LIST_ENTRY_SIZE,
        }),
      },
    ];
  },

  /** Handles one server data PDU: true when it completed finalization, undefined when it is not one of its PDUs. */
  receive(pduType2: number, body: Uint8Array): boolean | undefined {
    switch (pduType2) {
      case PduType2.SYNCHRONIZE:
        return false;
      case PduType2.CONTROL: {
        const { action } = decodeControl(body);
        if (action !== ControlAction.COOPERATE && action !== ControlAction.GRANTED_CONTROL)
          throw new ProtocolError('INVALID', `control action ${action} from a server`, 'TS_CONTROL_PDU');
        return false;
      }
      case PduType2.FONTMAP:
        return true;
      default:
        return undefined;
    }
  },
} as const;
