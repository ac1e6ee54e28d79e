import { describe, expect, it } from 'vitest';
import { InputRouter, type InputTarget } from '../src/input-router.js';

function recorder() {
  const calls: unknown[][] = [];
  const target: InputTarget = {
    keyScancode: (...a) => calls.push(['key', ...a]),
    keyUnicode: (...a) => calls.push(['unicode', ...a]),
    mouseMove: (...a) => calls.push(['move', ...a]),
    mouseButton: (...a) => calls.push(['button', ...a]),
    wheel: (...a) => calls.push(['wheel', ...a]),
    syncLocks: (...a) => calls.push(['sync', ...a]),
  };
  return { calls, target };
}

describe('InputRouter', () => {
  it('maps keys, buttons (RDP right = X 3, middle = X 2) and moves with the origin offset', () => {
    const { calls, target } = recorder();
    const r = new InputRouter(target, () => ({ x: 100, y: 50, width: 320, height: 240 }));
    r.route([
      { type: 'scancode', code: 0x1c, release: false, extended: true, extended1: false },
      { type: 'mouse', flags: 0x0800, x: 10, y: 20 },
      { type: 'mouse', flags: 0x8000 | 0x2000, x: 10, y: 20 },
      { type: 'mouse', flags: 0x4000, x: 11, y: 20 },
      { type: 'mousex', flags: 0x8000 | 0x0002, x: 1, y: 2 },
    ]);
    expect(calls).toEqual([
      ['key', 0x1c, true, true],
      ['move', 110, 70],
      ['move', 110, 70],
      ['button', 3, true],
      ['move', 111, 70],
      ['button', 2, false],
      ['move', 101, 52],
      ['button', 9, true],
    ]);
  });

  it('clips pointer positions to the shared rectangle', () => {
    const { calls, target } = recorder();
    const r = new InputRouter(target, () => ({ x: 100, y: 50, width: 320, height: 240 }));
    r.route([
      { type: 'mouse', flags: 0x0800, x: 319, y: 239 },
      { type: 'mouse', flags: 0x0800, x: 500, y: 900 },
      { type: 'mousex', flags: 0, x: 1000, y: 1000 },
    ]);
    expect(calls).toEqual([
      ['move', 419, 289],
      ['move', 419, 289],
      ['move', 419, 289],
    ]);
  });

  it('turns wheel rotation into notches, accumulating partial rotation', () => {
    const { calls, target } = recorder();
    const r = new InputRouter(target, () => ({ x: 0, y: 0, width: 640, height: 480 }));
    r.route([
      { type: 'mouse', flags: 0x0200 | 0x78, x: 0, y: 0 }, // +120: one notch up
      { type: 'mouse', flags: 0x0200 | 0x100 | (0x200 - 60), x: 0, y: 0 }, // -60
      { type: 'mouse', flags: 0x0200 | 0x100 | (0x200 - 60), x: 0, y: 0 }, // -60: one notch down
      { type: 'mouse', flags: 0x0400 | 0x78, x: 0, y: 0 },
    ]);
    expect(calls).toEqual([
      ['wheel', 1, false],
      ['wheel', -1, false],
      ['wheel', 1, true],
    ]);
  });

  it('joins UTF-16 surrogate pairs into one code point and forwards lock sync', () => {
    const { calls, target } = recorder();
    const r = new InputRouter(target, () => ({ x: 0, y: 0, width: 640, height: 480 }));
    r.route([
      { type: 'unicode', code: 0xd83d, release: false },
      { type: 'unicode', code: 0xde00, release: false },
      { type: 'unicode', code: 0xd83d, release: true },
      { type: 'unicode', code: 0xde00, release: true },
      { type: 'unicode', code: 0xe9, release: false },
      { type: 'sync', toggleFlags: 4 | 2 },
    ]);
    expect(calls).toEqual([
      ['unicode', 0x1f600, true],
      ['unicode', 0x1f600, false],
      ['unicode', 0xe9, true],
      ['sync', { caps: true, num: true, scroll: false }],
    ]);
  });
});
