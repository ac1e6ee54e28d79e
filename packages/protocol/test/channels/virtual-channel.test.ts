import { describe, expect, it } from 'vitest';
import {
  ChannelFlags,
  ChannelReassembler,
  chunkChannelData,
  decodeChannelPdu,
  encodeChannelPdu,
} from '../../src/channels/virtual-channel.js';
import { fuzz, prng } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

function message(n: number, seed = 1): Uint8Array {
  const rand = prng(seed);
  return new Uint8Array(n).map(() => Math.floor(rand() * 256));
}

describe('CHANNEL_PDU_HEADER', () => {
  it('encodes length and flags little-endian before the data', () => {
    expect(
      encodeChannelPdu({ length: 10, flags: ChannelFlags.FIRST | ChannelFlags.LAST, data: hex('09 00 0a 00') }),
    ).toEqual(hex('0a 00 00 00 03 00 00 00 09 00 0a 00'));
    expect(decodeChannelPdu(hex('a0 0f 00 00 11 00 00 00 ff'))).toEqual({
      length: 4000,
      flags: ChannelFlags.FIRST | ChannelFlags.SHOW_PROTOCOL,
      data: hex('ff'),
    });
    expect(() => decodeChannelPdu(hex('01 00 00 00 03 00 00'))).toThrow(/TRUNCATED|needs/);
  });
});

describe('chunkChannelData', () => {
  it('splits into 1600-byte chunks with FIRST/LAST and the total length in every header', () => {
    const data = message(4000);
    const chunks = chunkChannelData(data, undefined, ChannelFlags.SHOW_PROTOCOL);
    const decoded = chunks.map(decodeChannelPdu);
    expect(decoded.map((c) => c.data.length)).toEqual([1600, 1600, 800]);
    expect(decoded.map((c) => c.length)).toEqual([4000, 4000, 4000]);
    expect(decoded.map((c) => c.flags)).toEqual([0x11, 0x10, 0x12]);
    expect(new Uint8Array(decoded.flatMap((c) => [...c.data]))).toEqual(data);
  });

  it('sends one FIRST|LAST chunk for short and empty messages', () => {
    expect(chunkChannelData(hex('01 02'))).toEqual([hex('02 00 00 00 03 00 00 00 01 02')]);
    expect(chunkChannelData(new Uint8Array(0))).toEqual([hex('00 00 00 00 03 00 00 00')]);
    expect(chunkChannelData(message(1600))).toHaveLength(1);
    expect(chunkChannelData(message(1601))).toHaveLength(2);
    expect(() => chunkChannelData(hex('01'), 0)).toThrow(/chunk size/);
  });
});

describe('ChannelReassembler', () => {
  it('reassembles chunked messages and returns single chunks without copying', () => {
    const r = new ChannelReassembler(10_000);
    const data = message(5000, 2);
    const results = chunkChannelData(data, 1000, ChannelFlags.SHOW_PROTOCOL).map((c) => r.push(c));
    expect(results.slice(0, -1).every((m) => m === undefined)).toBe(true);
    expect(results.at(-1)).toEqual({ data, flags: ChannelFlags.FIRST | ChannelFlags.SHOW_PROTOCOL });
    const single = chunkChannelData(hex('aa bb'))[0];
    const out = r.push(single);
    expect(out?.data).toEqual(hex('aa bb'));
    expect(out?.data.buffer).toBe(single.buffer);
  });

  it('rejects a sequence without FIRST, a second FIRST, oversize and inconsistent lengths', () => {
    const r = new ChannelReassembler(3000);
    const [first, second, last] = chunkChannelData(message(2500), 1000);
    expect(() => r.push(second)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    expect(() => r.push(last)).toThrow(/without FIRST/);
    r.push(first);
    expect(() => r.push(first)).toThrow(/while a message is in progress/);
    expect(r.inProgress).toBe(false);
    expect(() => r.push(chunkChannelData(message(3001))[0])).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    // chunk says a different total than FIRST
    r.push(first);
    expect(() => r.push(encodeChannelPdu({ length: 2400, flags: 0, data: message(10) }))).toThrow(/message started/);
    // LAST before the declared length is reached
    r.push(first);
    expect(() => r.push(encodeChannelPdu({ length: 2500, flags: ChannelFlags.LAST, data: message(10) }))).toThrow(
      /LAST chunk/,
    );
    // chunks overrunning the declared length
    r.push(first);
    r.push(second);
    expect(() => r.push(encodeChannelPdu({ length: 2500, flags: 0, data: message(600) }))).toThrow(/overrun/);
    // single chunk whose data disagrees with its length
    expect(() => r.push(encodeChannelPdu({ length: 5, flags: 3, data: message(4) }))).toThrow(/single chunk/);
    expect(() =>
      r.push(encodeChannelPdu({ length: 4, flags: 3 | ChannelFlags.PACKET_COMPRESSED, data: message(4) })),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('survives fuzzing with only ProtocolErrors', () => {
    const r = new ChannelReassembler(4096);
    const valid = [...chunkChannelData(message(3000), 700), ...chunkChannelData(hex('01 02 03'))];
    const { rejected, accepted } = fuzz((b) => r.push(b), valid, { seed: 51 });
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
    fuzz(decodeChannelPdu, valid, { seed: 52 });
  });
});
