import { describe, expect, it } from 'vitest';
import {
  decodeLicensingPdu,
  encodeLicenseError,
  encodeLicenseValidClient,
  LicenseErrorCode,
  LicenseMessageType,
  LicenseStateTransition,
} from '../../src/connection/licensing.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/** MS-RDPBCGR 4.1.12 (after the security header): License Error PDU, valid client. */
const VALID_CLIENT = hex('ff 03 10 00 07 00 00 00 02 00 00 00 04 00 00 00');

describe('licensing', () => {
  it('encodes the valid-client License Error PDU of 4.1.12', () => {
    expect(encodeLicenseValidClient()).toEqual(VALID_CLIENT);
  });

  it('decodes error alerts and keeps other messages raw', () => {
    expect(decodeLicensingPdu(VALID_CLIENT)).toEqual({
      msgType: LicenseMessageType.ERROR_ALERT,
      flags: 3,
      errorCode: LicenseErrorCode.STATUS_VALID_CLIENT,
      stateTransition: LicenseStateTransition.ST_NO_TRANSITION,
      errorInfo: new Uint8Array(0),
    });
    const withBlob = encodeLicenseError(
      LicenseErrorCode.ERR_INVALID_CLIENT,
      LicenseStateTransition.ST_TOTAL_ABORT,
      hex('aa bb'),
    );
    expect(decodeLicensingPdu(withBlob)).toMatchObject({ errorCode: 8, stateTransition: 1, errorInfo: hex('aa bb') });
    expect(decodeLicensingPdu(hex('01 03 08 00 01 02 03 04'))).toEqual({
      msgType: 1,
      flags: 3,
      body: hex('01 02 03 04'),
    });
  });

  it('fuzzes the decoder', () => {
    expect(fuzz(decodeLicensingPdu, [VALID_CLIENT, hex('01 03 08 00 01 02 03 04')]).rejected).toBeGreaterThan(0);
  });
});
