import { ProtocolError } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import { ATTENDEE_DISCONNECT_REASON } from '../../src/constants.js';
import { DISCONNECT_CODE, disconnectCauseOf } from '../../src/disconnect-code.js';

describe('disconnect causes', () => {
  it('gives disconnect codes the HRESULT_FROM_WIN32 form of MS-RDPEMC DiscCode', () => {
    expect(DISCONNECT_CODE.GRACEFUL_DISCONNECT).toBe(0x800704ca);
    expect(DISCONNECT_CODE.CONNECTION_ABORTED).toBe(0x800704d4);
  });

  it('tells the viewer leaving (CLI), the sharer ending it (APP) and failures (ERR) apart', () => {
    expect(disconnectCauseOf({ byClient: true, reason: 'bye' })).toEqual({
      reason: ATTENDEE_DISCONNECT_REASON.CLI,
      code: DISCONNECT_CODE.GRACEFUL_DISCONNECT,
    });
    expect(disconnectCauseOf({ byClient: false, reason: 'terminated' })).toEqual({
      reason: ATTENDEE_DISCONNECT_REASON.APP,
      code: DISCONNECT_CODE.CONNECTION_ABORTED,
    });
    const bad = new ProtocolError('INVALID', 'bad', 'test');
    expect(disconnectCauseOf({ byClient: false, reason: 'bad', error: bad }).code).toBe(DISCONNECT_CODE.INVALID_DATA);
    expect(disconnectCauseOf({ byClient: false, reason: 'x', error: new Error('TLS handshake failed') })).toEqual({
      reason: ATTENDEE_DISCONNECT_REASON.ERR,
      code: 0x80004005,
    });
  });
});
