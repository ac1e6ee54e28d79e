import { describe, expect, it } from 'vitest';
import {
  ControlChangeFlags,
  decodeEncomspPdus,
  type EncomspPdu,
  encodeEncomspPdu,
  encodeEncomspPdus,
  ParticipantFlags,
} from '../../src/channels/encomsp.js';
import { ProtocolError } from '../../src/core/errors.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

const all: EncomspPdu[] = [
  { type: 'filterStateUpdated', flags: 1 },
  { type: 'appRemoved', appId: 0x01020304 },
  { type: 'appCreated', flags: 1, appId: 7, name: 'Notepad' },
  { type: 'windowRemoved', windowId: 9 },
  { type: 'windowCreated', flags: 1, appId: 7, windowId: 0x10001, name: 'Untitled - Notepad' },
  { type: 'windowShow', windowId: 0x10001 },
  { type: 'participantRemoved', participantId: 3, discType: 2, discCode: 0x80070005 },
  { type: 'participantCreated', participantId: 3, groupId: 1, flags: 7, friendlyName: 'Ana' },
  { type: 'participantCtrlChange', flags: 2, participantId: 0 },
  { type: 'graphicsStreamPaused' },
  { type: 'graphicsStreamResumed' },
  { type: 'windowRegionUpdate', left: 0, top: 0, right: 1919, bottom: 1079 },
  { type: 'participantCtrlChangeResponse', flags: 3, participantId: 1, reasonCode: 0 },
];

describe('MS-RDPEMC', () => {
  it('decodes the OD_PARTICIPANT_CTRL_CHANGE capture of MS-RDPEMC 4.2.1', () => {
    expect(decodeEncomspPdus(hex('09 00 0A 00 03 00 00 00 00 00'))).toEqual([
      {
        type: 'participantCtrlChange',
        flags: ControlChangeFlags.REQUEST_VIEW | ControlChangeFlags.REQUEST_INTERACT,
        participantId: 0,
      },
    ]);
    expect(encodeEncomspPdu({ type: 'participantCtrlChange', flags: 3, participantId: 0 })).toEqual(
      hex('09 00 0A 00 03 00 00 00 00 00'),
    );
  });

  it('decodes the OD_PARTICIPANT_CTRL_CHANGE_RESPONSE capture of MS-RDPEMC 4.1.9', () => {
    // The spec annotates ParticipantId as 1, but its bytes 00 00 00 01 read little-endian are 0x01000000:
    // the fields are little-endian everywhere else, so we read them that way.
    const bytes = hex('0D 00 0E 00 03 00 00 00 00 01 00 00 00 00');
    expect(decodeEncomspPdus(bytes)).toEqual([
      { type: 'participantCtrlChangeResponse', flags: 3, participantId: 0x01000000, reasonCode: 0 },
    ]);
    expect(
      encodeEncomspPdu({ type: 'participantCtrlChangeResponse', flags: 3, participantId: 0x01000000, reasonCode: 0 }),
    ).toEqual(bytes);
  });

  it('encodes the lengths of the type table (5, 8, 10+2+2cch, ..., 4, 20, 14)', () => {
    const lengths = all.map((p) => {
      const bytes = encodeEncomspPdu(p);
      expect(bytes[2] | (bytes[3] << 8)).toBe(bytes.length);
      return bytes.length;
    });
    expect(lengths).toEqual([5, 8, 12 + 14, 8, 16 + 36, 8, 16, 16 + 6, 10, 4, 4, 20, 14]);
  });

  it('encodes OD_PARTICIPANT_CREATED field by field', () => {
    expect(
      encodeEncomspPdu({
        type: 'participantCreated',
        participantId: 3,
        groupId: 1,
        flags: ParticipantFlags.MAY_VIEW | ParticipantFlags.IS_PARTICIPANT,
        friendlyName: 'Jo',
      }),
    ).toEqual(hex('08 00 14 00 03 00 00 00 01 00 00 00 05 00 02 00 4a 00 6f 00'));
  });

  it('round-trips all 13 types concatenated in one message', () => {
    const bytes = encodeEncomspPdus(all);
    expect(decodeEncomspPdus(bytes)).toEqual(all);
  });

  it('skips bytes between the known fields and Length, and reports unknown types', () => {
    // OD_WND_SHOW with Length 10 (2 extension bytes), then type 0x0042 with a 2-byte body, then GRAPHICS_STREAM_PAUSED
    const bytes = hex('06 00 0a 00 05 00 00 00 ee ee 42 00 06 00 01 02 0a 00 04 00');
    expect(decodeEncomspPdus(bytes)).toEqual([
      { type: 'windowShow', windowId: 5 },
      { type: 'unknown', orderType: 0x42, body: hex('01 02') },
      { type: 'graphicsStreamPaused' },
    ]);
    expect(encodeEncomspPdu({ type: 'unknown', orderType: 0x42, body: hex('01 02') })).toEqual(
      hex('42 00 06 00 01 02'),
    );
  });

  it('rejects bad lengths and strings', () => {
    expect(() => decodeEncomspPdus(hex('0a 00 03 00'))).toThrow(/Length 3/);
    expect(() => decodeEncomspPdus(hex('0a 00 08 00 00 00'))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    // OD_APP_REMOVED whose Length (6) is too short for AppId
    expect(() => decodeEncomspPdus(hex('02 00 06 00 01 02'))).toThrow(ProtocolError);
    // cchString 1025
    expect(() => decodeEncomspPdus(hex('03 00 0c 00 01 00 07 00 00 00 01 04'))).toThrow(/1025/);
    // cchString 3 but only 2 code units inside Length
    expect(() => decodeEncomspPdus(hex('03 00 10 00 01 00 07 00 00 00 03 00 41 00 42 00'))).toThrow(ProtocolError);
    expect(() => encodeEncomspPdu({ type: 'appCreated', flags: 0, appId: 1, name: 'x'.repeat(1025) })).toThrow(/1025/);
    expect(() => encodeEncomspPdu({ type: 'appRemoved', appId: -1 })).toThrow(/appId/);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const valid = [encodeEncomspPdus(all), ...all.map((p) => encodeEncomspPdu(p))];
    const { rejected, accepted } = fuzz(decodeEncomspPdus, valid, { seed: 61 });
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
