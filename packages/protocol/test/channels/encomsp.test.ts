import { describe, expect, it } from 'vitest';
import {
  ControlChangeFlags,
  decodeEncomspPdus,
  ENCOMSP_MAX_MESSAGE_LENGTH,
  EncomspOrderType,
  type EncomspPdu,
  encodeEncomspPdu,
  encodeEncomspPdus,
  isBasicEncomspPdu,
  orderTypeOf,
  ParticipantDisconnectReason,
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

/**
 * One vector per ORDER_HDR Type, written field by field from the layouts of MS-RDPEMC 2.2.1 (ORDER_HDR: Type u16,
 * Length u16 including the header), 2.2.2 (UNICODE_STRING: cchString u16, then UTF-16LE code units, no
 * terminator) and 2.2.3.x / 2.2.4.x / 2.2.5.x; all integers little-endian.
 */
const vectors: [string, EncomspPdu][] = [
  // OD_FILTER_STATE_UPDATED: Flags u8 FILTER_ENABLED.
  ['01 00 05 00  01', { type: 'filterStateUpdated', flags: 1 }],
  // OD_APP_REMOVED: AppId u32.
  ['02 00 08 00  04 03 02 01', { type: 'appRemoved', appId: 0x01020304 }],
  // OD_APP_CREATED: Flags u16 APPLICATION_SHARED, AppId u32 7, Name "Notepad" (7 code units); Length 26.
  [
    '03 00 1a 00  01 00  07 00 00 00  07 00 4e 00 6f 00 74 00 65 00 70 00 61 00 64 00',
    { type: 'appCreated', flags: 1, appId: 7, name: 'Notepad' },
  ],
  // OD_WND_REMOVED: WndId u32.
  ['04 00 08 00  09 00 00 00', { type: 'windowRemoved', windowId: 9 }],
  // OD_WND_CREATED: Flags u16 WINDOW_SHARED, AppId u32 7, WndId u32 0x10001, Name "Doc"; Length 22.
  [
    '05 00 16 00  01 00  07 00 00 00  01 00 01 00  03 00 44 00 6f 00 63 00',
    { type: 'windowCreated', flags: 1, appId: 7, windowId: 0x10001, name: 'Doc' },
  ],
  // OD_WND_SHOW: WndId u32.
  ['06 00 08 00  01 00 01 00', { type: 'windowShow', windowId: 0x10001 }],
  // OD_PARTICIPANT_REMOVED: ParticipantId 3, DiscType PARTICIPANT_DISCONNECT_REASON_CLI (2), DiscCode 0x80070005.
  [
    '07 00 10 00  03 00 00 00  02 00 00 00  05 00 07 80',
    { type: 'participantRemoved', participantId: 3, discType: ParticipantDisconnectReason.CLI, discCode: 0x80070005 },
  ],
  // OD_PARTICIPANT_CREATED: ParticipantId 3, GroupId 1, Flags MAY_VIEW | MAY_INTERACT | IS_PARTICIPANT,
  // FriendlyName "A" + U+1F600 (a surrogate pair: 3 code units); Length 22.
  [
    '08 00 16 00  03 00 00 00  01 00 00 00  07 00  03 00 41 00 3d d8 00 de',
    { type: 'participantCreated', participantId: 3, groupId: 1, flags: 7, friendlyName: 'A\u{1F600}' },
  ],
  // OD_PARTICIPANT_CTRL_CHANGE: Flags REQUEST_VIEW | ALLOW_CONTROL_REQUESTS, ParticipantId 0x0a0b0c0d.
  ['09 00 0a 00  09 00  0d 0c 0b 0a', { type: 'participantCtrlChange', flags: 9, participantId: 0x0a0b0c0d }],
  // OD_GRAPHICS_STREAM_PAUSED and _RESUMED: the header alone.
  ['0a 00 04 00', { type: 'graphicsStreamPaused' }],
  ['0b 00 04 00', { type: 'graphicsStreamResumed' }],
  // OD_WND_REGION_UPDATE: left, top, right, bottom u32 (inclusive).
  [
    '0c 00 14 00  00 00 00 00  00 00 00 00  7f 07 00 00  37 04 00 00',
    { type: 'windowRegionUpdate', left: 0, top: 0, right: 1919, bottom: 1079 },
  ],
  // OD_PARTICIPANT_CTRL_CHANGE_RESPONSE: Flags u16, ParticipantId u32, ReasonCode u32.
  [
    '0d 00 0e 00  02 00  05 00 00 00  05 00 07 80',
    { type: 'participantCtrlChangeResponse', flags: 2, participantId: 5, reasonCode: 0x80070005 },
  ],
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

  for (const [bytes, pdu] of vectors) {
    it(`${pdu.type}: decodes and encodes the spec-layout vector ${bytes.slice(0, 5)}`, () => {
      expect(decodeEncomspPdus(hex(bytes))).toEqual([pdu]);
      expect(encodeEncomspPdu(pdu)).toEqual(hex(bytes));
      expect(orderTypeOf(pdu)).toBe(hex(bytes)[0]);
    });
  }

  it('has a vector for every ODTYPE', () => {
    expect(new Set(vectors.map(([, pdu]) => orderTypeOf(pdu)))).toEqual(new Set(Object.values(EncomspOrderType)));
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

  it('refuses messages over maxLength (default ENCOMSP_MAX_MESSAGE_LENGTH) before reading them', () => {
    const paused = hex('0a 00 04 00');
    const three = new Uint8Array(12);
    for (let i = 0; i < 3; i++) three.set(paused, i * 4);
    expect(decodeEncomspPdus(three, { maxLength: 12 })).toHaveLength(3);
    expect(() => decodeEncomspPdus(three, { maxLength: 11 })).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    const big = new Uint8Array(ENCOMSP_MAX_MESSAGE_LENGTH + 4);
    for (let o = 0; o < big.length; o += 4) big.set(paused, o);
    expect(() => decodeEncomspPdus(big)).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    expect(decodeEncomspPdus(big.subarray(0, ENCOMSP_MAX_MESSAGE_LENGTH))).toHaveLength(ENCOMSP_MAX_MESSAGE_LENGTH / 4);
  });

  it('tells which PDUs every participant parses: ODTYPEs 0x0001..0x000B, not 0x000C, 0x000D or unknown ones', () => {
    for (const [, pdu] of vectors) {
      const type = orderTypeOf(pdu);
      expect(isBasicEncomspPdu(pdu)).toBe(type <= 0x000b);
      expect(isBasicEncomspPdu(type)).toBe(type <= 0x000b);
    }
    expect(isBasicEncomspPdu(EncomspOrderType.WND_REGION_UPDATE)).toBe(false);
    expect(isBasicEncomspPdu(EncomspOrderType.PARTICIPANT_CTRL_CHANGE_RESPONSE)).toBe(false);
    expect(isBasicEncomspPdu({ type: 'unknown', orderType: 0x42, body: new Uint8Array(0) })).toBe(false);
    expect(isBasicEncomspPdu(0)).toBe(false);
  });

  it('rejects a trailing partial ORDER_HDR', () => {
    expect(() => decodeEncomspPdus(hex('0a 00 04 00 0b 00'))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const valid = [encodeEncomspPdus(all), ...all.map((p) => encodeEncomspPdu(p))];
    const { rejected, accepted } = fuzz(decodeEncomspPdus, valid, { seed: 61 });
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
