import { describe, expect, it } from 'vitest';
import { FrameKind, peekFrame } from '../../src/connection/framing.js';
import { decodePreconnectionPdu, encodePreconnectionPdu } from '../../src/connection/preconnection.js';
import { decodeTpkt, encodeTpkt } from '../../src/connection/tpkt.js';
import {
  decodeConnectionConfirm,
  decodeConnectionRequest,
  decodeX224Data,
  encodeConnectionConfirm,
  encodeConnectionRequest,
  encodeX224Data,
  NegFailureCode,
  NegProtocol,
} from '../../src/connection/x224.js';
import { ProtocolError } from '../../src/core/errors.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/** MS-RDPBCGR 4.1.1: X.224 Connection Request with the cookie "eltons" and RDP_NEG_REQ PROTOCOL_RDP. */
const CR_4_1_1 = hex(
  '03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f 6e 73 0d 0a 01 00 08 00 00 00 00 00',
);
/** MS-RDPBCGR 4.1.2: X.224 Connection Confirm with RDP_NEG_RSP PROTOCOL_RDP, source reference 0x1234. */
const CC_4_1_2 = hex('03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 00 00 00 00');

describe('TPKT and X.224', () => {
  it('decodes and re-encodes the 4.1.1 Connection Request', () => {
    const cr = decodeConnectionRequest(decodeTpkt(CR_4_1_1));
    expect(cr).toEqual({ cookie: 'eltons', negotiation: { flags: 0, requestedProtocols: NegProtocol.RDP } });
    expect(encodeTpkt(encodeConnectionRequest(cr))).toEqual(CR_4_1_1);
  });

  it('decodes and re-encodes the 4.1.2 Connection Confirm', () => {
    const cc = decodeConnectionConfirm(decodeTpkt(CC_4_1_2));
    expect(cc).toEqual({ kind: 'response', flags: 0, selectedProtocol: NegProtocol.RDP });
    expect(encodeTpkt(encodeConnectionConfirm(cc, 0x1234))).toEqual(CC_4_1_2);
  });

  it('round-trips a routing token, correlation info and a negotiation failure', () => {
    const token = new TextEncoder().encode('Cookie: msts=3640205228.15629.0000');
    const correlationId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const cr = {
      routingToken: token,
      negotiation: { flags: 0, requestedProtocols: NegProtocol.SSL | NegProtocol.HYBRID },
      correlationId,
    };
    expect(decodeConnectionRequest(encodeConnectionRequest(cr))).toEqual(cr);
    const failure = encodeConnectionConfirm({ kind: 'failure', failureCode: NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER });
    expect(failure.subarray(7)).toEqual(hex('03 00 08 00 02 00 00 00'));
    expect(decodeConnectionConfirm(failure)).toEqual({ kind: 'failure', failureCode: 2 });
    expect(decodeConnectionRequest(encodeConnectionRequest({}))).toEqual({});
  });

  it('wraps data in the X.224 DT header', () => {
    expect(encodeX224Data(hex('28'))).toEqual(hex('02 f0 80 28'));
    expect(decodeX224Data(hex('02 f0 80 28'))).toEqual(hex('28'));
    expect(() => decodeX224Data(hex('02 f0 00 28'))).toThrow(ProtocolError);
  });

  it('rejects a TPKT whose length disagrees with the bytes', () => {
    expect(() => decodeTpkt(hex('03 00 00 09 02 f0 80'))).toThrow(/length 9/);
  });

  it('frames slow-path and fast-path streams', () => {
    expect(peekFrame(hex('03 00'), 100)).toBeUndefined();
    expect(peekFrame(hex('03 00 00 2c'), 100)).toEqual({ kind: FrameKind.SLOW_PATH, length: 44 });
    expect(peekFrame(hex('44 09'), 100)).toEqual({ kind: FrameKind.FAST_PATH, length: 9 });
    expect(peekFrame(hex('44 81'), 1000)).toBeUndefined();
    expect(peekFrame(hex('44 81 2c'), 1000)).toEqual({ kind: FrameKind.FAST_PATH, length: 300 });
    expect(() => peekFrame(hex('44 81 2c'), 299)).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
    expect(() => peekFrame(hex('01 09'), 100)).toThrow(ProtocolError);
    expect(() => peekFrame(hex('03 00 00 02'), 100)).toThrow(ProtocolError);
  });

  it('round-trips preconnection PDUs v1 and v2 ([MS-RDPEPS] 4)', () => {
    const v1 = encodePreconnectionPdu({ version: 1, flags: 0, id: 0xeb });
    expect(v1).toEqual(hex('10 00 00 00 00 00 00 00 01 00 00 00 eb 00 00 00'));
    const v2 = { version: 2 as const, flags: 0, id: 3344616568, pcb: 'TestVM' };
    const bytes = encodePreconnectionPdu(v2);
    expect(bytes.byteLength).toBe(16 + 2 + 14);
    expect(decodePreconnectionPdu(bytes)).toEqual(v2);
    expect(decodePreconnectionPdu(v1)).toEqual({ version: 1, flags: 0, id: 0xeb });
  });

  it('fuzzes the decoders', () => {
    const cr = encodeConnectionRequest({
      cookie: 'x',
      negotiation: { flags: 0, requestedProtocols: 3 },
      correlationId: new Uint8Array(16),
    });
    for (const [decode, valid] of [
      [decodeConnectionRequest, [decodeTpkt(CR_4_1_1), cr]],
      [decodeConnectionConfirm, [decodeTpkt(CC_4_1_2)]],
      [decodeTpkt, [CR_4_1_1, CC_4_1_2]],
      [decodeX224Data, [hex('02 f0 80 28')]],
      [decodePreconnectionPdu, [encodePreconnectionPdu({ version: 2, flags: 0, id: 1, pcb: 'abc' })]],
      [(b: Uint8Array) => peekFrame(b, 0x4000), [CR_4_1_1, hex('44 81 2c')]],
    ] as const) {
      const { rejected } = fuzz(decode as (b: Uint8Array) => unknown, valid as readonly Uint8Array[]);
      expect(rejected).toBeGreaterThan(0);
    }
  });
});
