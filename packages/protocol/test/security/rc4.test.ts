import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { Rc4 } from '../../src/security/rc4.js';
import { hex } from './hex.js';

/** Key-stream bytes at the given offsets, from RFC 6229 section 2. */
const RFC6229 = [
  {
    key: '0102030405',
    stream: {
      0: 'b2 39 63 05 f0 3d c0 27 cc c3 52 4a 0a 11 18 a8',
      16: '69 82 94 4f 18 fc 82 d5 89 c4 03 a4 7a 0d 09 19',
    },
  },
  {
    key: '01020304050607',
    stream: {
      0: '29 3f 02 d4 7f 37 c9 b6 33 f2 af 52 85 fe b4 6b',
      16: 'e6 20 f1 39 0d 19 bd 84 e2 e0 fd 75 20 31 af c1',
      240: '91 4f 02 53 1c 92 18 81 0d f6 0f 67 e3 38 15 4c',
      256: 'd0 fd b5 83 07 3c e8 5a b8 39 17 74 0e c0 11 d5',
    },
  },
];

describe('Rc4', () => {
  for (const { key, stream } of RFC6229) {
    it(`matches the RFC 6229 key stream for key ${key}`, () => {
      const ks = new Rc4(hex(key)).process(new Uint8Array(272));
      for (const [offset, bytes] of Object.entries(stream)) {
        const at = Number(offset);
        expect(ks.subarray(at, at + 16)).toEqual(hex(bytes));
      }
    });
  }

  it('keeps its state between calls, in place or not', () => {
    const whole = new Rc4(hex('0102030405')).process(new Uint8Array(64));
    const rc4 = new Rc4(hex('0102030405'));
    const first = rc4.process(new Uint8Array(10));
    const rest = new Uint8Array(54);
    expect(rc4.process(rest, rest)).toBe(rest);
    expect(new Uint8Array([...first, ...rest])).toEqual(whole);
  });

  it('decrypts what it encrypts', () => {
    const plain = new TextEncoder().encode('Standard RDP Security');
    const cipher = new Rc4(hex('00112233445566778899aabbccddeeff')).process(plain);
    expect(cipher).not.toEqual(plain);
    expect(new Rc4(hex('00112233445566778899aabbccddeeff')).process(cipher)).toEqual(plain);
  });

  it('rejects empty keys and short outputs', () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(ProtocolError);
    expect(() => new Rc4(hex('01')).process(new Uint8Array(4), new Uint8Array(3))).toThrow(ProtocolError);
  });
});
