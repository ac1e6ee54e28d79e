import { describe, expect, it } from 'vitest';
import { FIXED_PALETTE, fixedPaletteIndex } from '../../src/index.js';
import { rng } from './images.js';

const channels = (rgb: number): [number, number, number] => [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
const distance = (rgb: number, r: number, g: number, b: number): number => {
  const [pr, pg, pb] = channels(rgb);
  return (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
};

describe('FIXED_PALETTE', () => {
  it('is a 6x6x6 cube at 0, 51, ... 255 (index 36 r + 6 g + b) and 40 greys between its greys', () => {
    expect(FIXED_PALETTE).toHaveLength(256);
    expect(FIXED_PALETTE[0]).toBe(0x000000);
    expect(FIXED_PALETTE[5]).toBe(0x0000ff);
    expect(FIXED_PALETTE[36 * 5]).toBe(0xff0000);
    expect(FIXED_PALETTE[36 * 2 + 6 * 3 + 1]).toBe(0x669933);
    expect(FIXED_PALETTE[215]).toBe(0xffffff);
    // The extra greys ascend from 255 * 1/45 (6) to 255 * 44/45 (249), skipping the cube's 51, 102, ...
    expect(FIXED_PALETTE[216]).toBe(0x060606);
    expect(FIXED_PALETTE[223]).toBe(0x2d2d2d);
    expect(FIXED_PALETTE[224]).toBe(0x393939);
    expect(FIXED_PALETTE[255]).toBe(0xf9f9f9);
    expect(new Set(FIXED_PALETTE).size).toBe(256);
  });
});

describe('fixedPaletteIndex', () => {
  it('maps every palette colour to itself', () => {
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = channels(FIXED_PALETTE[i]);
      expect(fixedPaletteIndex(b, g, r)).toBe(i);
    }
  });

  it('finds the nearest entry (squared RGB distance), checked against an exhaustive search', () => {
    const rand = rng(0x8b77);
    const samples: [number, number, number][] = [];
    for (let v = 0; v < 256; v++) samples.push([v, v, v], [v, 0, 0], [v, v, 255 - v]);
    for (let n = 0; n < 20_000; n++) samples.push([(rand() * 256) | 0, (rand() * 256) | 0, (rand() * 256) | 0]);
    for (const [r, g, b] of samples) {
      let best = Number.POSITIVE_INFINITY;
      for (const rgb of FIXED_PALETTE) best = Math.min(best, distance(rgb, r, g, b));
      const got = distance(FIXED_PALETTE[fixedPaletteIndex(b, g, r)], r, g, b);
      if (got !== best) throw new Error(`rgb(${r}, ${g}, ${b}): distance ${got}, nearest is ${best}`);
    }
  });

  it('keeps greys within 3 levels and any colour no further than the worst case of the cube (25.5 per channel)', () => {
    for (let v = 0; v < 256; v++) {
      expect(Math.abs(channels(FIXED_PALETTE[fixedPaletteIndex(v, v, v)])[0] - v)).toBeLessThanOrEqual(3);
    }
    const rand = rng(5);
    for (let n = 0; n < 5000; n++) {
      const c = [(rand() * 256) | 0, (rand() * 256) | 0, (rand() * 256) | 0];
      expect(distance(FIXED_PALETTE[fixedPaletteIndex(c[2], c[1], c[0])], c[0], c[1], c[2])).toBeLessThanOrEqual(
        3 * 25.5 ** 2,
      );
    }
  });
});
