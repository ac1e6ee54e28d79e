import { describe, expect, it } from 'vitest';
import { encodePreconnectionPdu, MAX_PRECONNECTION_PDU } from '../../src/connection/preconnection.js';
import { encodeTpkt } from '../../src/connection/tpkt.js';
import { ProtocolError } from '../../src/core/errors.js';
import { FrameReader, FrameType } from '../../src/transport/frame-reader.js';

const TPKT = encodeTpkt(Uint8Array.of(2, 0xf0, 0x80, 0x04, 0x01, 0x00, 0x01, 0x00));
const FAST_PATH = Uint8Array.of(0x04, 0x04, 0x01, 0x02);

function frames(reader: FrameReader): { type: FrameType; bytes: number[] }[] {
  const out = [];
  for (let f = reader.next(); f; f = reader.next()) out.push({ type: f.type, bytes: [...f.bytes] });
  return out;
}

describe('FrameReader', () => {
  it('cuts TPKT and fast-path frames out of any chunking', () => {
    const stream = new Uint8Array([...TPKT, ...FAST_PATH, ...TPKT]);
    const reader = new FrameReader();
    const got = [];
    for (const b of stream) {
      reader.push(Uint8Array.of(b));
      got.push(...frames(reader));
    }
    expect(got).toEqual([
      { type: FrameType.SLOW_PATH, bytes: [...TPKT] },
      { type: FrameType.FAST_PATH, bytes: [...FAST_PATH] },
      { type: FrameType.SLOW_PATH, bytes: [...TPKT] },
    ]);
    expect(reader.buffered).toBe(0);
  });

  it('takes a preconnection PDU only as the first frame, and only in the server role', () => {
    const pcb = encodePreconnectionPdu({ version: 2, flags: 0, id: 7, pcb: 'abc' });
    const server = new FrameReader({ preconnection: true });
    server.push(new Uint8Array([...pcb, ...TPKT]));
    expect(frames(server).map((f) => f.type)).toEqual([FrameType.PRECONNECTION, FrameType.SLOW_PATH]);

    const client = new FrameReader();
    client.push(pcb);
    expect(() => client.next()).toThrow(ProtocolError);
  });

  it('refuses a preconnection PDU larger than its format allows before buffering it', () => {
    const reader = new FrameReader({ preconnection: true });
    const cbSize = MAX_PRECONNECTION_PDU + 1;
    reader.push(Uint8Array.of(cbSize & 0xff, (cbSize >> 8) & 0xff, cbSize >> 16, 0));
    expect(() => reader.next()).toThrow(/cbSize/);
  });

  it('refuses frames over the limit from their header', () => {
    const reader = new FrameReader({ maxFrame: 100 });
    reader.push(Uint8Array.of(3, 0, 0x01, 0x00));
    expect(() => reader.next()).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
  });

  it('keeps returned frames intact and copies linearly when frames trickle in byte by byte', () => {
    const reader = new FrameReader();
    reader.push(TPKT);
    const first = reader.next();
    const frame = encodeTpkt(new Uint8Array(0xfff0).fill(0x5a));
    const stream = new Uint8Array(8 * frame.byteLength);
    for (let i = 0; i < 8; i++) stream.set(frame, i * frame.byteLength);
    const started = performance.now();
    for (let i = 0; i < stream.byteLength; i++) reader.push(stream.subarray(i, i + 1));
    const elapsed = performance.now() - started;
    // Re-copying everything buffered on each byte would move ~137 GB here and take minutes.
    expect(elapsed).toBeLessThan(5000);
    expect([...(first?.bytes ?? [])]).toEqual([...TPKT]);
    let count = 0;
    for (let f = reader.next(); f; f = reader.next()) {
      expect(f.bytes.byteLength).toBe(frame.byteLength);
      expect(f.bytes[frame.byteLength - 1]).toBe(0x5a);
      count++;
    }
    expect(count).toBe(8);
  });

  it('holds frames while held, within a byte limit', () => {
    const reader = new FrameReader({ maxHeld: 20 });
    reader.hold();
    reader.push(TPKT);
    expect(reader.next()).toBeUndefined();
    expect(() => reader.push(new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    const released = new FrameReader({ maxHeld: 20 });
    released.hold();
    released.push(TPKT);
    released.release();
    expect(frames(released)).toEqual([{ type: FrameType.SLOW_PATH, bytes: [...TPKT] }]);
  });
});
