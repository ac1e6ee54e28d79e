import { describe, expect, it } from 'vitest';
import { solidColour, solidFillPdus } from '../../src/graphics/solid-fill.js';

describe('solidColour', () => {
  it('is the RDPGFX_COLOR32 of a one-colour rect, whatever the unused byte holds; undefined otherwise', () => {
    const data = new Uint8Array(8 * 4 * 4);
    for (let i = 0; i < data.length; i += 4) data.set([0x10, 0x20, 0x30, i & 0xff], i);
    const frame = { width: 8, height: 4, stride: 32, data };
    expect(solidColour(frame, { x: 0, y: 0, width: 8, height: 4 })).toBe(0xff302010);
    data[4 * (3 * 8 + 7)] = 0x11;
    expect(solidColour(frame, { x: 0, y: 0, width: 8, height: 4 })).toBeUndefined();
    expect(solidColour(frame, { x: 0, y: 0, width: 7, height: 4 })).toBe(0xff302010);
  });
});

describe('solidFillPdus', () => {
  it('puts each colour in one PDU and merges tiles side by side, then rows of the same span', () => {
    const tile = (x: number, y: number, fill: number) => ({ rect: { x, y, width: 64, height: 64 }, fill });
    const pdus = solidFillPdus(0, [tile(64, 64, 1), tile(0, 0, 1), tile(64, 0, 1), tile(0, 64, 1), tile(128, 0, 2)]);
    expect(pdus).toEqual([
      { type: 'solidFill', surfaceId: 0, fillPixel: 1, fillRects: [{ left: 0, top: 0, right: 128, bottom: 128 }] },
      { type: 'solidFill', surfaceId: 0, fillPixel: 2, fillRects: [{ left: 128, top: 0, right: 192, bottom: 64 }] },
    ]);
  });
});
