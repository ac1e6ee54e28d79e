import { describe, expect, it } from 'vitest';
import {
  decodeSecurityHeader,
  encodeSecurityHeader,
  SecurityHeaderKind,
} from '../../src/connection/security-header.js';
import { SecurityFlag } from '../../src/security/security-flags.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

describe('security headers', () => {
  const sig = hex('01 02 03 04 05 06 07 08');

  it('writes the basic, non-FIPS and FIPS layouts', () => {
    expect(encodeSecurityHeader({ flags: SecurityFlag.LICENSE_PKT, flagsHi: 0 }, SecurityHeaderKind.BASIC)).toEqual(
      hex('80 00 00 00'),
    );
    expect(
      encodeSecurityHeader(
        { flags: SecurityFlag.ENCRYPT | SecurityFlag.INFO_PKT, flagsHi: 0, dataSignature: sig },
        SecurityHeaderKind.NON_FIPS,
      ),
    ).toEqual(hex('48 00 00 00 01 02 03 04 05 06 07 08'));
    expect(
      encodeSecurityHeader(
        { flags: SecurityFlag.ENCRYPT, flagsHi: 0, dataSignature: sig, padLength: 3 },
        SecurityHeaderKind.FIPS,
      ),
    ).toEqual(hex('08 00 00 00 10 00 01 03 01 02 03 04 05 06 07 08'));
    expect(encodeSecurityHeader({ flags: 0, flagsHi: 0 }, SecurityHeaderKind.NON_FIPS)).toEqual(hex('00 00 00 00'));
  });

  it('decodes them and returns the payload', () => {
    expect(decodeSecurityHeader(hex('48 00 00 00 01 02 03 04 05 06 07 08 aa'), SecurityHeaderKind.NON_FIPS)).toEqual({
      header: { flags: 0x48, flagsHi: 0, dataSignature: sig },
      payload: hex('aa'),
    });
    expect(
      decodeSecurityHeader(hex('08 00 00 00 10 00 01 03 01 02 03 04 05 06 07 08'), SecurityHeaderKind.FIPS).header
        .padLength,
    ).toBe(3);
    expect(() =>
      decodeSecurityHeader(hex('08 00 00 00 11 00 01 03 01 02 03 04 05 06 07 08'), SecurityHeaderKind.FIPS),
    ).toThrow(/length/);
  });

  it('fuzzes the decoder', () => {
    for (const kind of [SecurityHeaderKind.BASIC, SecurityHeaderKind.NON_FIPS, SecurityHeaderKind.FIPS]) {
      expect(
        fuzz((b) => decodeSecurityHeader(b, kind), [hex('08 00 00 00 10 00 01 03 01 02 03 04 05 06 07 08')]).rejected,
      ).toBeGreaterThan(0);
    }
  });
});
