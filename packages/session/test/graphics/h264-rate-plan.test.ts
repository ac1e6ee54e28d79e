import { describe, expect, it } from 'vitest';
import { H264RatePlanner, h264RateFor } from '../../src/graphics/h264-rate-plan.js';

const HD = { width: 1920, height: 1088 };

describe('h264RateFor', () => {
  it('gives 0.02 bit per pixel a frame at 30 frames/s, and bits per second growing with the square root of the rate', () => {
    expect(h264RateFor({ width: 1280, height: 800 }, 30)).toEqual({ frameRate: 30, bitrate: 614_400 });
    const at15 = h264RateFor(HD, 15).bitrate;
    const at30 = h264RateFor(HD, 30).bitrate;
    const at60 = h264RateFor(HD, 60).bitrate;
    expect(at60 / at30).toBeCloseTo(Math.SQRT2, 3);
    expect(at30 / at15).toBeCloseTo(Math.SQRT2, 3);
    // Per frame: less at a higher rate.
    expect(at60 / 60).toBeLessThan(at30 / 30);
  });

  it('keeps the frame rate within 1-240 and the bitrate at least 0.5 Mbit/s', () => {
    expect(h264RateFor(HD, 1000).frameRate).toBe(240);
    expect(h264RateFor(HD, 0).frameRate).toBe(1);
    expect(h264RateFor({ width: 64, height: 64 }, 30).bitrate).toBe(500_000);
  });
});

describe('H264RatePlanner', () => {
  const clock = () => {
    let now = 10_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('starts at the capture rate and switches to the measured rate once half a second of encodes shows it', () => {
    const c = clock();
    const planner = new H264RatePlanner(HD, 60, c.now);
    expect(planner.initial()).toEqual(h264RateFor(HD, 60));
    const plans = [];
    for (let i = 0; i < 20; i++) {
      plans.push(planner.encoding());
      c.advance(62.5); // 16 encodes a second
    }
    const changes = plans.filter((p) => p !== undefined);
    expect(changes).toHaveLength(1);
    expect(plans.findIndex((p) => p !== undefined)).toBe(8); // the first encode with 500 ms of encodes before it
    expect(changes[0]).toEqual(h264RateFor(HD, 16));
  });

  it('leaves the plan alone within the tolerance, never plans above the capture rate, and follows a slowdown', () => {
    const c = clock();
    const planner = new H264RatePlanner(HD, 30, c.now);
    for (let i = 0; i < 40; i++) {
      expect(planner.encoding()).toBeUndefined(); // 27 a second: within 20 % of 30
      c.advance(37);
    }
    const fast = new H264RatePlanner(HD, 30, c.now);
    for (let i = 0; i < 40; i++) {
      expect(fast.encoding()).toBeUndefined(); // 100 a second measured, 30 at most
      c.advance(10);
    }
    const plans = [];
    for (let i = 0; i < 20; i++) {
      plans.push(planner.encoding());
      c.advance(200);
    }
    // Down in a few steps as the window fills with the slower encodes, each a fifth or more below the last.
    const changes = plans.filter((p) => p !== undefined);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.length).toBeLessThanOrEqual(4);
    expect(changes.at(-1)).toEqual(h264RateFor(HD, 5));
  });

  it('counts a still spell as a slow rate, and a window holds at most the capture rate of encodes', () => {
    const c = clock();
    const planner = new H264RatePlanner(HD, 10, c.now);
    planner.encoding();
    c.advance(5000);
    // One encode after five still seconds: the window holds it alone, which measures nothing.
    expect(planner.encoding()).toBeUndefined();
    c.advance(600);
    expect(planner.encoding()).toEqual(h264RateFor(HD, 1000 / 600));
  });
});
