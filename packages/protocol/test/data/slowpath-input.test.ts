import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import type { InputEvent } from '../../src/data/input-event.js';
import { decodeSlowPathInput, encodeSlowPathInput } from '../../src/data/slowpath-input.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

describe('slow-path TS_INPUT_PDU_DATA', () => {
  it('decodes annotated events of every message type', () => {
    const bytes = hex(
      [
        '06 00 00 00', // numEvents 6, pad2Octets
        '10 27 00 00 00 00 00 00 04 00 00 00', // eventTime 10000, SYNC, pad, toggleFlags CAPS_LOCK
        '00 00 00 00 04 00 00 81 1d 00 00 00', // SCANCODE: KBDFLAGS_RELEASE|EXTENDED (0x8100), keyCode 0x1D
        '00 00 00 00 05 00 00 00 41 00 00 00', // UNICODE: press, 'A'
        '00 00 00 00 01 80 00 90 0a 00 14 00', // MOUSE: BUTTON1|DOWN at (10, 20)
        '00 00 00 00 02 80 02 80 0a 00 14 00', // MOUSEX: XBUTTON2|DOWN at (10, 20)
        '00 00 00 00 04 80 00 08 fb ff 2c 01', // MOUSEREL: MOVE, dx -5, dy 300
      ].join(' '),
    );
    expect(decodeSlowPathInput(bytes)).toEqual([
      { type: 'sync', toggleFlags: 4 },
      { type: 'scancode', code: 0x1d, release: true, extended: true, extended1: false },
      { type: 'unicode', code: 0x41, release: false },
      { type: 'mouse', flags: 0x9000, x: 10, y: 20 },
      { type: 'mousex', flags: 0x8002, x: 10, y: 20 },
      { type: 'relmouse', flags: 0x0800, dx: -5, dy: 300 },
    ]);
  });

  it('round-trips events and writes eventTime when given', () => {
    const events: InputEvent[] = [
      { type: 'scancode', code: 0x2a, release: false, extended: false, extended1: true },
      { type: 'unicode', code: 0x20ac, release: true },
      { type: 'mouse', flags: 0x0388, x: 1, y: 2 },
      { type: 'sync', toggleFlags: 0x0f },
    ];
    expect(decodeSlowPathInput(encodeSlowPathInput(events))).toEqual(events);
    const timed = encodeSlowPathInput([{ eventTime: 0x11223344, event: events[1] }]);
    expect(timed).toEqual(hex('01 00 00 00 44 33 22 11 05 00 00 80 ac 20 00 00'));
  });

  it('rejects truncated input, unknown types and fast-path-only events', () => {
    expect(() => decodeSlowPathInput(hex('02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'))).toThrow(
      /TRUNCATED|needs/,
    );
    expect(() => decodeSlowPathInput(hex('01 00 00 00 00 00 00 00 03 80 00 00 00 00 00 00'))).toThrow(
      /messageType 0x8003/,
    );
    expect(() => encodeSlowPathInput([{ type: 'qoe', timestamp: 1 }])).toThrow(ProtocolError);
    expect(() => encodeSlowPathInput([{ type: 'mouse', flags: 0x10000, x: 0, y: 0 }])).toThrow(ProtocolError);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const valid = [
      encodeSlowPathInput([
        { type: 'scancode', code: 1, release: false, extended: false, extended1: false },
        { type: 'relmouse', flags: 0, dx: 1, dy: -1 },
        { type: 'sync', toggleFlags: 1 },
      ]),
    ];
    const { rejected } = fuzz(decodeSlowPathInput, valid, { seed: 11 });
    expect(rejected).toBeGreaterThan(0);
  });
});
