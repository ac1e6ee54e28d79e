import { checkPalette, PALETTE_SIZE, type Palette } from '../codecs/palette.js';
import { ByteReader } from '../core/byte-reader.js';
import { ProtocolError } from '../core/errors.js';

const PDU = 'TS_UPDATE_PALETTE_DATA';

/** updateType of TS_UPDATE_PALETTE_DATA (UPDATETYPE_PALETTE, MS-RDPBCGR 2.2.9.1.1.3.1.1.1). */
export const UPDATETYPE_PALETTE = 0x0002;

/** updateType, pad2Octets and numberColors. */
const FIXED_FIELDS = 8;
/** TS_PALETTE_ENTRY: red, green, blue. */
const ENTRY_SIZE = 3;

/**
 * Encodes TS_UPDATE_PALETTE_DATA ([MS-RDPBCGR] 2.2.9.1.1.3.1.1.1): updateType UPDATETYPE_PALETTE, pad2Octets,
 * numberColors 256 (the only value the specification allows) and 256 TS_PALETTE_ENTRY (red, green, blue).
 * The same bytes are the updateData of a fast-path PALETTE update (code 0x2, 2.2.9.1.2.1.1) and the body of a
 * slow-path Update PDU; clients read them before any 8 bpp bitmap, so send them right after activation.
 *
 * @example
 * ```ts
 * const pdus = encodeFastPathUpdatePdus(FastPathUpdateCode.PALETTE, encodePaletteUpdate(FIXED_PALETTE), limits);
 * ```
 */
export function encodePaletteUpdate(palette: Palette): Uint8Array {
  checkPalette(palette, PDU);
  const out = new Uint8Array(FIXED_FIELDS + PALETTE_SIZE * ENTRY_SIZE);
  const view = new DataView(out.buffer);
  view.setUint16(0, UPDATETYPE_PALETTE, true);
  view.setUint32(4, PALETTE_SIZE, true);
  let o = FIXED_FIELDS;
  for (let i = 0; i < PALETTE_SIZE; i++) {
    const rgb = palette[i];
    out[o++] = (rgb >> 16) & 0xff;
    out[o++] = (rgb >> 8) & 0xff;
    out[o++] = rgb & 0xff;
  }
  return out;
}

/**
 * Decodes TS_UPDATE_PALETTE_DATA, starting at updateType. numberColors should be 256; fewer are accepted (the
 * rest of the palette is black), more are INVALID. Bytes after the entries are ignored, as the enclosing PDU
 * bounds the structure.
 */
export function decodePaletteUpdate(bytes: Uint8Array): Palette {
  const r = new ByteReader(bytes, PDU);
  const updateType = r.u16le();
  if (updateType !== UPDATETYPE_PALETTE) {
    throw new ProtocolError('INVALID', `updateType ${updateType}, expected ${UPDATETYPE_PALETTE}`, PDU);
  }
  r.skip(2);
  const numberColors = r.u32le();
  if (numberColors > PALETTE_SIZE) {
    throw new ProtocolError('INVALID', `numberColors ${numberColors} exceeds ${PALETTE_SIZE}`, PDU);
  }
  r.need(numberColors * ENTRY_SIZE, 'paletteEntries');
  const palette = new Uint32Array(PALETTE_SIZE);
  for (let i = 0; i < numberColors; i++) palette[i] = (r.u8() << 16) | (r.u8() << 8) | r.u8();
  return palette;
}
