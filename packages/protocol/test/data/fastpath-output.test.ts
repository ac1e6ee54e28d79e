import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import { fastPathPduLength } from '../../src/data/fastpath-envelope.js';
import {
  decodeFastPathOutputPdu,
  decodeFastPathUpdates,
  effectiveMaxRequestSize,
  encodeFastPathOutputHeader,
  encodeFastPathOutputPdu,
  encodeFastPathUpdate,
  encodeFastPathUpdateHeader,
  encodeFastPathUpdatePdus,
  encodeFastPathUpdates,
  FASTPATH_FRAGMENT_SAFE_SIZE,
  FASTPATH_MAX_PDU_SIZE,
  FastPathFragmentation,
  FastPathReassembler,
  FastPathUpdateCode,
  fragmentFastPathUpdate,
  maxFastPathFragmentData,
} from '../../src/data/fastpath-output.js';
import { hex } from '../security/hex.js';
import { fuzz, prng } from './fuzz.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  return new Uint8Array(n).map(() => Math.floor(rand() * 256));
}

describe('fast-path update', () => {
  it('encodes the update header bit layout (code | fragmentation << 4 | compression << 6)', () => {
    expect(
      encodeFastPathUpdate({ code: FastPathUpdateCode.PTR_POSITION, fragmentation: 0, data: hex('0a 00 14 00') }),
    ).toEqual(hex('08 04 00 0a 00 14 00'));
    expect(
      encodeFastPathUpdateHeader({
        code: FastPathUpdateCode.BITMAP,
        fragmentation: FastPathFragmentation.FIRST,
        size: 0x1234,
      }),
    ).toEqual(hex('21 34 12'));
    expect(
      encodeFastPathUpdateHeader({
        code: FastPathUpdateCode.BITMAP,
        fragmentation: FastPathFragmentation.NEXT,
        compressionFlags: 0x61,
        size: 2,
      }),
    ).toEqual(hex('b1 61 02 00'));
  });

  it('decodes several updates in one payload, with views into it', () => {
    const payload = hex('06 00 00 08 04 00 0a 00 14 00 b1 61 01 00 ff');
    const updates = decodeFastPathUpdates(payload);
    expect(updates).toEqual([
      { code: 6, fragmentation: 0, data: hex('') },
      { code: 8, fragmentation: 0, data: hex('0a 00 14 00') },
      { code: 1, fragmentation: 3, compressionFlags: 0x61, data: hex('ff') },
    ]);
    expect(updates[1].data.buffer).toBe(payload.buffer);
    expect(encodeFastPathUpdates(updates)).toEqual(payload);
    expect(() => decodeFastPathUpdates(hex('08 04 00 0a'))).toThrow(ProtocolError);
    expect(() => decodeFastPathUpdates(hex('48 00 00'))).toThrow(/compression bits 1/);
  });
});

describe('fast-path output PDU', () => {
  it('encodes a PTR_DEFAULT update as the smallest PDU', () => {
    // fpOutputHeader 0x00, length 5 (short form), updateHeader 0x06, size 0
    const [pdu] = encodeFastPathUpdatePdus(FastPathUpdateCode.PTR_DEFAULT, new Uint8Array(0), {
      maxRequestSize: FASTPATH_FRAGMENT_SAFE_SIZE,
    });
    expect(pdu).toEqual(hex('00 05 06 00 00'));
    expect(fastPathPduLength(pdu)).toBe(5);
  });

  it('decodes the FreeRDP long-length form and the signature', () => {
    const bytes = hex('80 80 10 01 02 03 04 05 06 07 08 06 00 00 aa bb'); // ENCRYPTED, length 16, trailing bytes
    const pdu = decodeFastPathOutputPdu(bytes);
    expect(pdu.flags).toBe(2);
    expect(pdu.length).toBe(16);
    expect(pdu.signature).toEqual(hex('01 02 03 04 05 06 07 08'));
    expect(pdu.updates).toEqual(hex('06 00 00 aa bb'));
    expect(decodeFastPathUpdates(hex('06 00 00'))).toHaveLength(1);
  });

  it('round-trips header fields and gathers header + payload', () => {
    const updates = encodeFastPathUpdate({ code: 8, fragmentation: 0, data: hex('01 00 02 00') });
    const fields = {
      flags: 3,
      signature: hex('11 22 33 44 55 66 77 88'),
      fipsInformation: { length: 16, version: 1, padLength: 1 },
    };
    const whole = encodeFastPathOutputPdu({ ...fields, updates });
    const header = encodeFastPathOutputHeader(fields, updates.length);
    expect(whole).toEqual(new Uint8Array([...header, ...updates]));
    const pdu = decodeFastPathOutputPdu(whole, { fips: true });
    expect(pdu).toMatchObject({ ...fields, length: whole.length });
    expect(pdu.updates).toEqual(updates);
    // Without the FIPS option the same bytes are read with the 8-byte signature only.
    expect(decodeFastPathOutputPdu(whole).payloadOffset).toBe(pdu.payloadOffset - 4);
  });

  it('rejects PDUs over 0x7FFF bytes and non-fast-path first bytes', () => {
    expect(() => encodeFastPathOutputPdu({ updates: new Uint8Array(0x7ffd) })).toThrow(/OVERSIZE|exceeds/);
    expect(encodeFastPathOutputPdu({ updates: new Uint8Array(0x7ffc) }).length).toBe(0x7fff);
    expect(() => decodeFastPathOutputPdu(hex('03 00 00 0b'))).toThrow(/not fast-path/);
  });
});

describe('fragmentation', () => {
  it('uses the safe size when the client sent no usable MaxRequestSize', () => {
    expect(effectiveMaxRequestSize(undefined)).toBe(0x3f80);
    expect(effectiveMaxRequestSize(0x1000)).toBe(0x3f80);
    expect(effectiveMaxRequestSize(0x3ffe)).toBe(0x3f80);
    expect(effectiveMaxRequestSize(0x3fff)).toBe(0x3fff);
    expect(effectiveMaxRequestSize(0x3e0000)).toBe(0x3e0000);
  });

  it('never fragments within the safe size, even with FIPS headers', () => {
    const limits = { maxRequestSize: effectiveMaxRequestSize(undefined), securityHeaderSize: 12 };
    expect(maxFastPathFragmentData(limits)).toBeGreaterThanOrEqual(FASTPATH_FRAGMENT_SAFE_SIZE);
    const data = new Uint8Array(FASTPATH_FRAGMENT_SAFE_SIZE);
    expect(fragmentFastPathUpdate(1, data, limits)).toEqual([{ code: 1, fragmentation: 0, data }]);
    expect(() => fragmentFastPathUpdate(1, new Uint8Array(FASTPATH_FRAGMENT_SAFE_SIZE + 1), limits)).toThrow(
      /MaxRequestSize/,
    );
  });

  it('splits a large update into FIRST/NEXT/LAST PDUs within 0x3FFF bytes that reassemble exactly', () => {
    const data = randomBytes(40000, 3);
    const pdus = encodeFastPathUpdatePdus(FastPathUpdateCode.SURFCMDS, data, { maxRequestSize: 0x3e0000 });
    expect(pdus).toHaveLength(3);
    const reassembler = new FastPathReassembler(0x3e0000);
    const fragmentations: number[] = [];
    let complete: { code: number; data: Uint8Array } | undefined;
    for (const bytes of pdus) {
      expect(bytes.length).toBeLessThanOrEqual(FASTPATH_MAX_PDU_SIZE);
      expect(fastPathPduLength(bytes)).toBe(bytes.length);
      const [update] = decodeFastPathUpdates(decodeFastPathOutputPdu(bytes).updates);
      fragmentations.push(update.fragmentation);
      expect(complete).toBeUndefined();
      complete = reassembler.push(update);
    }
    expect(fragmentations).toEqual([
      FastPathFragmentation.FIRST,
      FastPathFragmentation.NEXT,
      FastPathFragmentation.LAST,
    ]);
    expect(complete?.code).toBe(FastPathUpdateCode.SURFCMDS);
    expect(complete?.data).toEqual(data);
  });

  it('fragments are views of the caller data and honour a smaller PDU size', () => {
    const data = randomBytes(100, 4);
    const fragments = fragmentFastPathUpdate(0, data, { maxRequestSize: 1000, maxPduSize: 40, securityHeaderSize: 8 });
    // 40 - 3 (PDU header) - 8 (signature) - 3 (update header) = 26 bytes per fragment
    expect(fragments.map((f) => f.data.length)).toEqual([26, 26, 26, 22]);
    expect(fragments.map((f) => f.fragmentation)).toEqual([2, 3, 3, 1]);
    expect(fragments[1].data.buffer).toBe(data.buffer);
  });
});

describe('FastPathReassembler', () => {
  const frag = (fragmentation: number, data: number[], code = 1) => ({
    code,
    fragmentation: fragmentation as 0 | 1 | 2 | 3,
    data: new Uint8Array(data),
  });

  it('passes SINGLE updates through and copies fragments as they arrive', () => {
    const r = new FastPathReassembler(100);
    const single = frag(0, [1, 2]);
    expect(r.push(single)?.data).toBe(single.data);
    const first = frag(2, [1, 2]);
    expect(r.push(first)).toBeUndefined();
    first.data.fill(9); // the caller reuses its buffer
    expect(r.push(frag(3, [3]))).toBeUndefined();
    expect(r.push(frag(1, [4]))?.data).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(r.inProgress).toBe(false);
  });

  it('rejects out-of-order fragments, mixed codes and oversize updates', () => {
    const r = new FastPathReassembler(4);
    expect(() => r.push(frag(3, [1]))).toThrow(/without a FIRST/);
    expect(() => r.push(frag(1, [1]))).toThrow(/without a FIRST/);
    r.push(frag(2, [1]));
    expect(() => r.push(frag(0, [1]))).toThrow(/while an update/);
    r.push(frag(2, [1]));
    expect(() => r.push(frag(1, [1], 4))).toThrow(/inside update/);
    r.push(frag(2, [1, 2, 3]));
    expect(() => r.push(frag(1, [4, 5]))).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    expect(r.inProgress).toBe(false);
  });
});

describe('fuzzing', () => {
  it('decoders and reassembler throw only ProtocolErrors', () => {
    const valid = [
      ...encodeFastPathUpdatePdus(1, randomBytes(300, 5), { maxRequestSize: 1000, maxPduSize: 120 }),
      encodeFastPathOutputPdu({ flags: 2, signature: new Uint8Array(8), updates: hex('06 00 00') }),
      hex('00 05 06 00 00'),
    ];
    expect(
      fuzz((b) => decodeFastPathUpdates(decodeFastPathOutputPdu(b).updates), valid, { seed: 21 }).rejected,
    ).toBeGreaterThan(0);
    fuzz((b) => decodeFastPathOutputPdu(b, { fips: true }), valid, { seed: 22 });
    const reassembler = new FastPathReassembler(2000);
    fuzz(
      (b) => {
        for (const u of decodeFastPathUpdates(decodeFastPathOutputPdu(b).updates)) reassembler.push(u);
      },
      valid,
      { seed: 23 },
    );
  });
});
