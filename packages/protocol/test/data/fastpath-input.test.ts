import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { FastPathSecurityFlags, fastPathPduLength, readFastPathLength } from '../../src/data/fastpath-envelope.js';
import {
  decodeFastPathInputEvents,
  decodeFastPathInputHeader,
  encodeFastPathInputEvents,
  encodeFastPathInputHeader,
  encodeFastPathInputPdu,
} from '../../src/data/fastpath-input.js';
import type { InputEvent } from '../../src/data/input-event.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

/** Decodes a whole unencrypted PDU the way the acceptor does. */
function decodePdu(bytes: Uint8Array, fips = false): InputEvent[] {
  const h = decodeFastPathInputHeader(bytes, { fips });
  return decodeFastPathInputEvents(bytes.subarray(h.payloadOffset, h.length), h.numEvents);
}

const sample: InputEvent[] = [
  { type: 'scancode', code: 0x1e, release: false, extended: false, extended1: false },
  { type: 'scancode', code: 0x48, release: true, extended: true, extended1: false },
  { type: 'scancode', code: 0x1d, release: false, extended: false, extended1: true },
  { type: 'mouse', flags: 0x0800, x: 100, y: 200 },
  { type: 'mouse', flags: 0x0388, x: 1, y: 2 },
  { type: 'mousex', flags: 0x8001, x: 640, y: 480 },
  { type: 'sync', toggleFlags: 0x06 },
  { type: 'unicode', code: 0xe9, release: true },
  { type: 'relmouse', flags: 0x0800, dx: -5, dy: 300 },
  { type: 'qoe', timestamp: 0x01020304 },
];

describe('fast-path input framing', () => {
  it('reads the 1- and 2-byte length forms', () => {
    expect(readFastPathLength(hex('05'))).toEqual({ length: 5, size: 1 });
    expect(readFastPathLength(hex('81 23'))).toEqual({ length: 0x123, size: 2 });
    expect(readFastPathLength(hex('81'))).toBeUndefined();
  });

  it('tells the transport how long the PDU is, or that it needs more bytes', () => {
    expect(fastPathPduLength(hex(''))).toBeUndefined();
    expect(fastPathPduLength(hex('04'))).toBeUndefined();
    expect(fastPathPduLength(hex('04 80'))).toBeUndefined();
    expect(fastPathPduLength(hex('04 80 05'))).toBe(5);
    expect(fastPathPduLength(hex('44 09'))).toBe(9);
    expect(() => fastPathPduLength(hex('03 00 00 13'))).toThrow(ProtocolError);
    expect(() => fastPathPduLength(hex('04 01'))).toThrow(/shorter than its header/);
  });
});

describe('fast-path input PDU', () => {
  it('decodes a FreeRDP-style scancode PDU (two-byte length form)', () => {
    // fpInputHeader 0x04: action 0, numEvents 1; length 0x8005 = 5; eventHeader 0x00 (SCANCODE, no flags);
    // keyCode 0x1E ('A').
    const bytes = hex('04 80 05 00 1e');
    const h = decodeFastPathInputHeader(bytes);
    expect(h).toEqual({ flags: 0, numEvents: 1, length: 5, payloadOffset: 3 });
    expect(decodePdu(bytes)).toEqual([
      { type: 'scancode', code: 0x1e, release: false, extended: false, extended1: false },
    ]);
  });

  it('decodes mouse, wheel, sync and unicode events from annotated bytes', () => {
    const bytes = hex(
      [
        '10 14', // numEvents 4 (4 << 2), length 20 (short form)
        '20 00 08 64 00 c8 00', // MOUSE: PTRFLAGS_MOVE, x 100, y 200
        '20 88 03 0a 00 0b 00', // MOUSE: WHEEL | rotation 0x188 (-120) at (10, 11)
        '66', // SYNC with NUM_LOCK | CAPS_LOCK in eventFlags
        '81 e9 00', // UNICODE release U+00E9
      ].join(' '),
    );
    expect(decodePdu(bytes)).toEqual([
      { type: 'mouse', flags: 0x0800, x: 100, y: 200 },
      { type: 'mouse', flags: 0x0388, x: 10, y: 11 },
      { type: 'sync', toggleFlags: 0x06 },
      { type: 'unicode', code: 0xe9, release: true },
    ]);
  });

  it('round-trips every event type', () => {
    const { numEvents, payload } = encodeFastPathInputEvents(sample);
    expect(numEvents).toBe(sample.length);
    expect(decodePdu(encodeFastPathInputPdu({ numEvents, payload }))).toEqual(sample);
  });

  it('encodes the exact bytes for a scancode, mouse and sync batch', () => {
    const { numEvents, payload } = encodeFastPathInputEvents([
      { type: 'scancode', code: 0x1e, release: true, extended: true, extended1: false },
      { type: 'mouse', flags: 0x9000, x: 0x0102, y: 0x0304 },
      { type: 'sync', toggleFlags: 0x04 },
    ]);
    // header: numEvents 3 → 0x0C; length 1 + 1 + 2 + 7 + 1 = 12 (short form)
    expect(encodeFastPathInputPdu({ numEvents, payload })).toEqual(hex('0c 0c 03 1e 20 00 90 02 01 04 03 64'));
  });

  it('puts counts over 15 in the payload byte and reads them back', () => {
    const events: InputEvent[] = Array.from({ length: 40 }, (_, i) => ({ type: 'mouse', flags: 0x0800, x: i, y: i }));
    const { numEvents, payload } = encodeFastPathInputEvents(events);
    expect(numEvents).toBe(0);
    expect(payload[0]).toBe(40);
    const pdu = encodeFastPathInputPdu({ numEvents, payload });
    expect(pdu[0]).toBe(0x00);
    expect(pdu[1] & 0x80).toBe(0x80); // 2-byte length: 2 + 1 + 1 + 40 * 7 > 127
    expect(decodePdu(pdu)).toEqual(events);
    expect(() => encodeFastPathInputEvents([])).toThrow(ProtocolError);
    expect(() => encodeFastPathInputEvents(Array.from({ length: 256 }, () => events[0]))).toThrow(ProtocolError);
  });

  it('carries the signature and FIPS information as plain fields', () => {
    const signature = hex('01 02 03 04 05 06 07 08');
    const payload = hex('00 1e'); // stands for encrypted bytes: never inspected by the header codec
    const flags = FastPathSecurityFlags.ENCRYPTED | FastPathSecurityFlags.SECURE_CHECKSUM;
    const plain = encodeFastPathInputPdu({ flags, numEvents: 1, signature, payload });
    expect(plain).toEqual(hex('c4 0c 01 02 03 04 05 06 07 08 00 1e'));
    expect(decodeFastPathInputHeader(plain)).toEqual({
      flags: 3,
      numEvents: 1,
      length: 12,
      signature,
      payloadOffset: 10,
    });
    const fipsInformation = { length: 0x10, version: 1, padLength: 6 };
    const fips = encodeFastPathInputPdu({ flags: 2, numEvents: 1, signature, fipsInformation, payload });
    expect(fips).toEqual(hex('84 10 10 00 01 06 01 02 03 04 05 06 07 08 00 1e'));
    const h = decodeFastPathInputHeader(fips, { fips: true });
    expect(h.fipsInformation).toEqual(fipsInformation);
    expect(h.payloadOffset).toBe(14);
    expect(encodeFastPathInputHeader({ flags, numEvents: 1, signature }, 2)).toEqual(plain.subarray(0, 10));
  });

  it('rejects inconsistent headers and events', () => {
    expect(() => decodeFastPathInputHeader(hex('04 80 09 00 1e'))).toThrow(/TRUNCATED|only 5 bytes/);
    expect(() => decodeFastPathInputHeader(hex('84 05 00 00 00'))).toThrow(/header/);
    expect(() => decodePdu(hex('08 04 00 1e'))).toThrow(ProtocolError); // 2 events announced, 1 present
    expect(() => decodePdu(hex('04 05 00 1e 00'))).toThrow(/trailing/);
    expect(() => decodePdu(hex('04 03 e0'))).toThrow(/event code 7/);
    expect(() =>
      encodeFastPathInputEvents([{ type: 'scancode', code: 256, release: false, extended: false, extended1: false }]),
    ).toThrow(ProtocolError);
    expect(() => encodeFastPathInputPdu({ flags: 2, numEvents: 1, payload: hex('00 1e') })).toThrow(/signature/);
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const valid = [
      encodeFastPathInputPdu(encodeFastPathInputEvents(sample)),
      encodeFastPathInputPdu({ flags: 2, numEvents: 1, signature: new Uint8Array(8), payload: hex('00 1e') }),
      hex('04 80 05 00 1e'),
    ];
    const result = fuzz((b) => decodePdu(b), valid, { seed: 7 });
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.accepted).toBeGreaterThan(0);
    fuzz((b) => decodeFastPathInputHeader(b, { fips: true }), valid, { seed: 8 });
    fuzz((b) => decodeFastPathInputEvents(b, b.length & 15), valid, { seed: 9 });
    fuzz((b) => fastPathPduLength(b), valid, { seed: 10 });
  });
});
