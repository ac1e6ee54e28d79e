import { describe, expect, it } from 'vitest';
import { type ClientInfo, decodeClientInfo, encodeClientInfo, InfoFlag } from '../../src/connection/client-info.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/** What xfreerdp sends in Remote Assistance mode (wds-protocol.md §2.3), with extended info. */
const WDS_INFO: ClientInfo = {
  codePage: 0,
  flags: InfoFlag.MOUSE | InfoFlag.UNICODE | InfoFlag.LOGONNOTIFY | InfoFlag.DISABLECTRLALTDEL | InfoFlag.AUTOLOGON,
  domain: '',
  userName: 'viewer',
  password: '*',
  alternateShell: 'invitation-password',
  workingDir: 'AuthString',
  extended: {
    clientAddressFamily: 2,
    clientAddress: '127.0.0.1',
    clientDir: 'C:\\Windows\\System32\\mstscax.dll',
    clientTimeZone: new Uint8Array(172).fill(1),
    clientSessionId: 0,
    performanceFlags: 0x7,
    autoReconnectCookie: new Uint8Array(28).fill(9),
    dynamicDstTimeZoneKeyName: 'W. Europe Standard Time',
    dynamicDaylightTimeDisabled: false,
  },
};

describe('TS_INFO_PACKET', () => {
  it('encodes the fixed part with byte counts that exclude the terminator', () => {
    const bytes = encodeClientInfo({
      codePage: 0x409,
      flags: InfoFlag.UNICODE,
      domain: '',
      userName: 'ab',
      password: '*',
      alternateShell: '',
      workingDir: '',
    });
    expect(bytes).toEqual(
      hex('09 04 00 00 10 00 00 00 00 00 04 00 02 00 00 00 00 00 00 00 61 00 62 00 00 00 2a 00 00 00 00 00 00 00'),
    );
  });

  it('round-trips the Remote Assistance fields and the extended info', () => {
    expect(decodeClientInfo(encodeClientInfo(WDS_INFO))).toEqual(WDS_INFO);
  });

  it('decodes ANSI strings when INFO_UNICODE is clear', () => {
    const ansi: ClientInfo = {
      codePage: 0,
      flags: InfoFlag.MOUSE,
      domain: 'D',
      userName: 'user',
      password: 'pw',
      alternateShell: 'sh',
      workingDir: 'dir',
    };
    const bytes = encodeClientInfo(ansi);
    expect(bytes.byteLength).toBe(18 + 2 + 5 + 3 + 3 + 4);
    expect(decodeClientInfo(bytes)).toEqual(ansi);
  });

  it('stops at whichever optional extended fields are present', () => {
    const short = encodeClientInfo({
      ...WDS_INFO,
      extended: { clientAddressFamily: 2, clientAddress: '10.0.0.1', clientDir: 'x' },
    });
    expect(decodeClientInfo(short).extended).toEqual({
      clientAddressFamily: 2,
      clientAddress: '10.0.0.1',
      clientDir: 'x',
    });
  });

  it('rejects truncated and inconsistent packets with ProtocolError only', () => {
    expect(() => decodeClientInfo(encodeClientInfo(WDS_INFO).subarray(0, 30))).toThrow(/TS_INFO_PACKET/);
    expect(
      fuzz(decodeClientInfo, [encodeClientInfo(WDS_INFO), encodeClientInfo({ ...WDS_INFO, extended: undefined })])
        .rejected,
    ).toBeGreaterThan(0);
  });
});
