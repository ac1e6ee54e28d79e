import { describe, expect, it } from 'vitest';
import { FIXED_PALETTE } from '../../src/codecs/palette.js';
import { ProtocolError } from '../../src/core/errors.js';
import {
  decodeFastPathUpdates,
  encodeFastPathUpdate,
  FastPathFragmentation,
  FastPathUpdateCode,
} from '../../src/data/fastpath-output.js';
import { decodePaletteUpdate, encodePaletteUpdate, UPDATETYPE_PALETTE } from '../../src/data/palette-update.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

/** Entry i = (red i, green 255 - i, blue i ^ 0x55). */
const ramp = Uint32Array.from({ length: 256 }, (_, i) => (i << 16) | ((255 - i) << 8) | (i ^ 0x55));
/** The same palette as TS_UPDATE_PALETTE_DATA, built field by field from MS-RDPBCGR 2.2.9.1.1.3.1.1.1. */
const rampBytes = Uint8Array.from([
  ...[0x02, 0x00], // updateType UPDATETYPE_PALETTE
  ...[0x00, 0x00], // pad2Octets
  ...[0x00, 0x01, 0x00, 0x00], // numberColors 256
  ...Array.from({ length: 256 }, (_, i) => [i, 255 - i, i ^ 0x55]).flat(), // TS_PALETTE_ENTRY red, green, blue
]);

describe('TS_UPDATE_PALETTE_DATA', () => {
  it('encodes updateType, pad2Octets, numberColors 256 and RGB triplets', () => {
    expect(rampBytes).toHaveLength(8 + 768);
    expect(encodePaletteUpdate(ramp)).toEqual(rampBytes);
    expect(UPDATETYPE_PALETTE).toBe(2);
  });

  it('decodes the same bytes, and FIXED_PALETTE round-trips', () => {
    expect(decodePaletteUpdate(rampBytes)).toEqual(ramp);
    expect(decodePaletteUpdate(encodePaletteUpdate(FIXED_PALETTE))).toEqual(FIXED_PALETTE);
    // FIXED_PALETTE's second entry is cube (0, 0, 1): red 0, green 0, blue 0x33.
    expect(encodePaletteUpdate(FIXED_PALETTE).subarray(8, 14)).toEqual(hex('00 00 00 00 00 33'));
  });

  it('is the whole updateData of a fast-path PALETTE update (code 0x2, 2.2.9.1.2.1.1)', () => {
    const update = encodeFastPathUpdate({
      code: FastPathUpdateCode.PALETTE,
      fragmentation: FastPathFragmentation.SINGLE,
      data: rampBytes,
    });
    // updateHeader: updateCode 2, fragmentation SINGLE, no compression; size 776 = 0x0308.
    expect(update.subarray(0, 3)).toEqual(hex('02 08 03'));
    const [decoded] = decodeFastPathUpdates(update);
    expect(decodePaletteUpdate(decoded.data)).toEqual(ramp);
  });

  it('accepts fewer than 256 colours (the rest black) and ignores trailing bytes', () => {
    const palette = decodePaletteUpdate(hex('02 00 00 00 02 00 00 00 ff 00 00 00 ff 00 ee'));
    expect([palette[0], palette[1], palette[2], palette[255]]).toEqual([0xff0000, 0x00ff00, 0, 0]);
  });

  it('rejects another updateType, more than 256 colours, truncated entries and bad palettes', () => {
    expect(() => decodePaletteUpdate(hex('01 00 00 00 00 00 00 00'))).toThrow(/updateType 1/);
    expect(() => decodePaletteUpdate(hex('02 00 00 00 01 01 00 00'))).toThrow(/257/);
    expect(() => decodePaletteUpdate(rampBytes.subarray(0, 100))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
    expect(() => encodePaletteUpdate(new Uint32Array(255))).toThrow(ProtocolError);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const { rejected, accepted } = fuzz(decodePaletteUpdate, [rampBytes, hex('02 00 00 00 01 00 00 00 01 02 03')], {
      seed: 88,
    });
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
