import { describe, expect, it } from 'vitest';
import { decodeSetErrorInfo, ErrorInfo, encodeSetErrorInfo } from '../../src/connection/error-info.js';
import {
  ControlAction,
  decodeControl,
  decodeFontList,
  decodeFontMap,
  decodePersistentKeyList,
  decodeSynchronize,
  encodeControl,
  encodeFontList,
  encodeFontMap,
  encodePersistentKeyList,
  encodeSynchronize,
} from '../../src/connection/finalization.js';
import { decodeRefreshRect, encodeRefreshRect } from '../../src/connection/refresh-rect.js';
import {
  decodeShareControl,
  decodeShareData,
  encodeDataPdu,
  PduType,
  PduType2,
} from '../../src/connection/share-headers.js';
import { encodeShutdownDenied, encodeShutdownRequest } from '../../src/connection/shutdown.js';
import { decodeSuppressOutput, encodeSuppressOutput } from '../../src/connection/suppress-output.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/** MS-RDPBCGR 4.1.14: Client Synchronize PDU (share control + share data headers, unencrypted part). */
const CLIENT_SYNC = hex('16 00 17 00 ef 03 ea 03 01 00 00 01 08 00 1f 00 00 00 01 00 ea 03');
/** MS-RDPBCGR 4.1.15: Client Control PDU - Cooperate. */
const CLIENT_COOPERATE = hex('1a 00 17 00 ef 03 ea 03 01 00 00 01 0c 00 14 00 00 00 04 00 00 00 00 00 00 00');
/** MS-RDPBCGR 4.1.18: Client Font List PDU. */
const CLIENT_FONT_LIST = hex('1a 00 17 00 ef 03 ea 03 01 00 00 01 0c 00 27 00 00 00 00 00 00 00 03 00 32 00');

describe('share headers and finalization PDUs', () => {
  it('encodes the client finalization PDUs of 4.1.14, 4.1.15 and 4.1.18', () => {
    expect(
      encodeDataPdu(0x103ea, 1007, PduType2.SYNCHRONIZE, encodeSynchronize({ messageType: 1, targetUser: 1002 })),
    ).toEqual(CLIENT_SYNC);
    expect(
      encodeDataPdu(
        0x103ea,
        1007,
        PduType2.CONTROL,
        encodeControl({ action: ControlAction.COOPERATE, grantId: 0, controlId: 0 }),
      ),
    ).toEqual(CLIENT_COOPERATE);
    expect(
      encodeDataPdu(
        0x103ea,
        1007,
        PduType2.FONTLIST,
        encodeFontList({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 0x32 }),
      ),
    ).toEqual(CLIENT_FONT_LIST);
  });

  it('decodes them back', () => {
    const control = decodeShareControl(CLIENT_COOPERATE);
    expect(control).toMatchObject({ pduType: PduType.DATA, pduSource: 1007 });
    const data = decodeShareData(control?.body as Uint8Array);
    expect(data).toMatchObject({ shareId: 0x103ea, streamId: 1, pduType2: PduType2.CONTROL, compressedType: 0 });
    expect(decodeControl(data.body)).toEqual({ action: 4, grantId: 0, controlId: 0 });
    const sync = decodeShareData(decodeShareControl(CLIENT_SYNC)?.body as Uint8Array);
    expect(decodeSynchronize(sync.body)).toEqual({ messageType: 1, targetUser: 1002 });
    const fonts = decodeShareData(decodeShareControl(CLIENT_FONT_LIST)?.body as Uint8Array);
    expect(decodeFontList(fonts.body)).toEqual({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 50 });
  });

  it('encodes the server Font Map body of 4.1.22 and a granted control', () => {
    expect(encodeFontMap({ numberEntries: 0, totalNumEntries: 0, mapFlags: 3, entrySize: 4 })).toEqual(
      hex('00 00 00 00 03 00 04 00'),
    );
    expect(decodeFontMap(hex('00 00 00 00 03 00 04 00'))).toEqual({
      numberEntries: 0,
      totalNumEntries: 0,
      mapFlags: 3,
      entrySize: 4,
    });
    expect(encodeControl({ action: ControlAction.GRANTED_CONTROL, grantId: 1007, controlId: 1002 })).toEqual(
      hex('02 00 ef 03 ea 03 00 00'),
    );
  });

  it('ignores flow-control PDUs and rejects a bad totalLength', () => {
    expect(decodeShareControl(hex('00 80 41 00 00 00'))).toBeUndefined();
    expect(() => decodeShareControl(hex('20 00 17 00 ef 03'))).toThrow(/totalLength/);
  });

  it('round-trips the persistent key list, error info, refresh rect and suppress output', () => {
    const list = {
      numEntries: [1, 0, 1, 0, 0],
      totalEntries: [1, 0, 1, 0, 0],
      flags: 3,
      keys: [
        { key1: 1, key2: 2 },
        { key1: 3, key2: 4 },
      ],
    };
    expect(decodePersistentKeyList(encodePersistentKeyList(list))).toEqual(list);
    expect(encodeSetErrorInfo(ErrorInfo.SERVER_DENIED_CONNECTION)).toEqual(hex('07 00 00 00'));
    expect(decodeSetErrorInfo(hex('0c 00 00 00'))).toBe(ErrorInfo.LOGOFF_BY_USER);
    const rects = [{ left: 0, top: 0, right: 1023, bottom: 767 }];
    expect(encodeRefreshRect(rects)).toEqual(hex('01 00 00 00 00 00 00 00 ff 03 ff 02'));
    expect(decodeRefreshRect(encodeRefreshRect(rects))).toEqual(rects);
    expect(encodeSuppressOutput({ allowDisplayUpdates: false })).toEqual(hex('00 00 00 00'));
    expect(decodeSuppressOutput(encodeSuppressOutput({ allowDisplayUpdates: true, rect: rects[0] }))).toEqual({
      allowDisplayUpdates: true,
      rect: rects[0],
    });
    expect(encodeShutdownRequest().byteLength + encodeShutdownDenied().byteLength).toBe(0);
  });

  it('fuzzes the decoders', () => {
    const cases: [(b: Uint8Array) => unknown, Uint8Array[]][] = [
      [decodeShareControl, [CLIENT_SYNC, CLIENT_COOPERATE]],
      [decodeShareData, [CLIENT_SYNC.subarray(6)]],
      [
        decodePersistentKeyList,
        [
          encodePersistentKeyList({
            numEntries: [2, 0, 0, 0, 0],
            totalEntries: [2, 0, 0, 0, 0],
            flags: 3,
            keys: [
              { key1: 1, key2: 2 },
              { key1: 3, key2: 4 },
            ],
          }),
        ],
      ],
      [decodeRefreshRect, [encodeRefreshRect([{ left: 1, top: 2, right: 3, bottom: 4 }])]],
      [
        decodeSuppressOutput,
        [encodeSuppressOutput({ allowDisplayUpdates: true, rect: { left: 1, top: 2, right: 3, bottom: 4 } })],
      ],
      [decodeControl, [hex('02 00 ef 03 ea 03 00 00')]],
      [decodeSynchronize, [hex('01 00 ea 03')]],
      [decodeFontList, [hex('00 00 00 00 03 00 32 00')]],
      [decodeFontMap, [hex('00 00 00 00 03 00 04 00')]],
      [decodeSetErrorInfo, [hex('07 00 00 00')]],
    ];
    for (const [decode, valid] of cases) expect(fuzz(decode, valid).rejected).toBeGreaterThan(0);
  });
});
