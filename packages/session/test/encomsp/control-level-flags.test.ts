import { decodeEncomspPdus, encodeEncomspPdu, ParticipantFlags } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { CTRL_LEVEL } from '../../src/constants.js';
import { controlChangeFlagsFor, participantFlagsFor, requestedLevelOf } from '../../src/control-level-flags.js';

const { MAY_VIEW, MAY_INTERACT } = ParticipantFlags;

describe('control levels on the wire', () => {
  it('maps levels to OD_PARTICIPANT_CREATED flags and requests back to levels', () => {
    expect(participantFlagsFor(CTRL_LEVEL.NONE)).toBe(0);
    expect(participantFlagsFor(CTRL_LEVEL.VIEW)).toBe(MAY_VIEW);
    expect(participantFlagsFor(CTRL_LEVEL.INTERACTIVE)).toBe(MAY_VIEW | MAY_INTERACT);
    // MS-RDPEMC 4.2.1's capture: 09 00 0A 00 03 00 00 00 00 00, REQUEST_VIEW | REQUEST_INTERACT.
    const [request] = decodeEncomspPdus(Uint8Array.of(0x09, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00));
    expect(request).toEqual({ type: 'participantCtrlChange', flags: 3, participantId: 0 });
    expect(requestedLevelOf(3)).toBe(CTRL_LEVEL.INTERACTIVE);
    expect(requestedLevelOf(1)).toBe(CTRL_LEVEL.VIEW);
    expect(requestedLevelOf(0)).toBe(CTRL_LEVEL.NONE);
    expect(requestedLevelOf(0x0008)).toBe(CTRL_LEVEL.NONE);
  });

  // MS-RDPEMC 4.1.9's capture (Flags 3, ParticipantId 1, ReasonCode 0) misprints ParticipantId's bytes; 2.2.4.4 says u32 LE.
  it('encodes the response with the fields of MS-RDPEMC 4.1.9', () => {
    const bytes = encodeEncomspPdu({
      type: 'participantCtrlChangeResponse',
      flags: controlChangeFlagsFor(CTRL_LEVEL.INTERACTIVE),
      participantId: 1,
      reasonCode: 0,
    });
    expect([...bytes]).toEqual([0x0d, 0x00, 0x0e, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    expect(controlChangeFlagsFor(CTRL_LEVEL.REQCTRL_VIEW)).toBe(1);
    expect(controlChangeFlagsFor(CTRL_LEVEL.NONE)).toBe(0);
  });
});
