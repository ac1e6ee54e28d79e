import { describe, expect, it } from 'vitest';
import {
  CARDP_CAPS_CAPTURE_NON_CAC,
  CODEC_MODE,
  decodeRfxClientCapabilities,
  encodeRfxClientCapabilities,
  ProtocolError,
  RlgrMode,
} from '../../src/index.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/**
 * TS_RFX_CLNT_CAPS_CONTAINER ([MS-RDPRFX] 2.2.1.1) as the viewer sends it, field by field: length 49, captureFlags
 * CARDP_CAPS_CAPTURE_NON_CAC, capsLength 37; TS_RFX_CAPS (CBY_CAPS, blockLen 8, numCapsets 1); TS_RFX_CAPSET
 * (CBY_CAPSET, blockLen 29, codecId 1, CLY_CAPSET, numIcaps 2, icapLen 8); two TS_RFX_ICAP (version 1.0, 64x64
 * tiles, image mode, ICT, DWT 5/3, then RLGR1 and RLGR3).
 */
const CONTAINER = hex(
  '31000000 01000000 25000000' +
    'c0cb 08000000 0100' +
    'c1cb 1d000000 01 c0cf 0200 0800' +
    '0001 4000 02 01 01 01' +
    '0001 4000 02 01 01 04',
);
const CAPS = {
  captureFlags: CARDP_CAPS_CAPTURE_NON_CAC,
  icaps: [
    { flags: CODEC_MODE, entropy: RlgrMode.RLGR1 },
    { flags: CODEC_MODE, entropy: RlgrMode.RLGR3 },
  ],
};

describe('TS_RFX_CLNT_CAPS_CONTAINER', () => {
  it('encodes and decodes the byte vector', () => {
    expect(CONTAINER.byteLength).toBe(49);
    expect(encodeRfxClientCapabilities(CAPS)).toEqual(CONTAINER);
    expect(decodeRfxClientCapabilities(CONTAINER)).toEqual(CAPS);
  });

  it('rejects lengths that disagree and constants of another structure', () => {
    const bad = (at: number, value: number) => {
      const copy = CONTAINER.slice();
      copy[at] = value;
      return () => decodeRfxClientCapabilities(copy);
    };
    expect(bad(0, 0x30)).toThrow(ProtocolError); // length
    expect(bad(8, 0x24)).toThrow(ProtocolError); // capsLength
    expect(bad(18, 0x02)).toThrow(ProtocolError); // numCapsets
    expect(bad(27, 0x03)).toThrow(ProtocolError); // numIcaps past the bytes
    expect(bad(40, 0x02)).toThrow(ProtocolError); // entropyBits
    expect(() => encodeRfxClientCapabilities({ captureFlags: 0, icaps: [] })).toThrow(ProtocolError);
  });

  it('throws only ProtocolError on mutated and random input', () => {
    const { rejected, accepted } = fuzz(decodeRfxClientCapabilities, [CONTAINER], { iterations: 1500 });
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
