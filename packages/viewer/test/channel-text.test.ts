import { describe, expect, it } from 'vitest';
import { decodeChannelText, encodeChannelText } from '../src/index.js';

describe('channel text as a BSTR (UTF-16LE code units, no terminator)', () => {
  it('encodes code units little-endian, surrogate pairs as two units', () => {
    expect([...encodeChannelText('Añ😀')]).toEqual([0x41, 0x00, 0xf1, 0x00, 0x3d, 0xd8, 0x00, 0xde]);
    expect(encodeChannelText('')).toEqual(new Uint8Array(0));
  });

  it('decodes what it encodes, and drops an odd trailing byte', () => {
    const text = 'chat → ✓ 😀';
    expect(decodeChannelText(encodeChannelText(text))).toBe(text);
    expect(decodeChannelText(Uint8Array.of(0x68, 0x00, 0x69, 0x00, 0x21))).toBe('hi');
  });
});
