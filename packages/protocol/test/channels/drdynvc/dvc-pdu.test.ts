import { describe, expect, it } from 'vitest';
import { type DvcPdu, decodeDvcPdu, encodeDvcPdu } from '../../../src/channels/drdynvc/dvc-pdu.js';
import { ProtocolError } from '../../../src/core/errors.js';
import { fuzz } from '../../data/fuzz.js';
import { hex } from '../../security/hex.js';

/**
 * Vectors written field by field from MS-RDPEDYC 2.2 (header: cbId bits 0-1, Sp/Pri/Len bits 2-3, Cmd bits 4-7;
 * ChannelId and Length 1, 2 or 4 bytes little-endian as cbId/Len say). The Data vector's header and channel id
 * are those of the annotated sample in MS-RDPEDYC 4.3.2 (`34 03 71 71 ...`).
 */
const serverVectors: [string, DvcPdu][] = [
  ['50 00 01 00', { type: 'capsRequest', version: 1 }],
  [
    '50 00 02 00 33 33 11 11 3d 0a a7 04',
    { type: 'capsRequest', version: 2, priorityCharges: [0x3333, 0x1111, 0x0a3d, 0x04a7] },
  ],
  [
    '10 03 4d 69 63 72 6f 73 6f 66 74 3a 3a 57 69 6e 64 6f 77 73 3a 3a 52 44 53 3a 3a 47 72 61 70 68 69 63 73 00',
    { type: 'createRequest', channelId: 3, channelName: 'Microsoft::Windows::RDS::Graphics', priority: 0 },
  ],
  ['15 00 01 41 00', { type: 'createRequest', channelId: 0x100, channelName: 'A', priority: 1 }],
  ['24 07 10 27 aa bb', { type: 'dataFirst', channelId: 7, length: 10000, data: hex('aa bb') }],
  ['28 07 70 11 01 00 aa', { type: 'dataFirst', channelId: 7, length: 70000, data: hex('aa') }],
  ['30 07 01 02 03', { type: 'data', channelId: 7, data: hex('01 02 03') }],
  ['42 78 56 34 12', { type: 'close', channelId: 0x12345678 }],
];

const clientVectors: [string, DvcPdu][] = [
  ['50 00 02 00', { type: 'capsResponse', version: 2 }],
  ['10 03 00 00 00 00', { type: 'createResponse', channelId: 3, creationStatus: 0 }],
  ['10 03 05 40 00 80', { type: 'createResponse', channelId: 3, creationStatus: -0x7fffbffb }],
  ['20 03 04 01 02 03 04', { type: 'dataFirst', channelId: 3, length: 4, data: hex('01 02 03 04') }],
  ['40 03', { type: 'close', channelId: 3 }],
];

describe('MS-RDPEDYC PDUs', () => {
  it.each(serverVectors)('server PDU %s', (bytes, pdu) => {
    expect(Buffer.from(encodeDvcPdu(pdu)).toString('hex')).toBe(bytes.replace(/ /g, ''));
    expect(decodeDvcPdu(hex(bytes), 'server')).toEqual(pdu);
  });

  it.each(clientVectors)('client PDU %s', (bytes, pdu) => {
    expect(Buffer.from(encodeDvcPdu(pdu)).toString('hex')).toBe(bytes.replace(/ /g, ''));
    expect(decodeDvcPdu(hex(bytes), 'client')).toEqual(pdu);
  });

  it('reads the MS-RDPEDYC 4.3.2 sample (Sp bits set on a Data PDU are ignored)', () => {
    const sample = new Uint8Array(2 + 300).fill(0x71);
    sample.set([0x34, 0x03]);
    const pdu = decodeDvcPdu(sample, 'client');
    expect(pdu).toMatchObject({ type: 'data', channelId: 3 });
    expect((pdu as { data: Uint8Array }).data).toEqual(new Uint8Array(300).fill(0x71));
  });

  it('rejects an invalid width code, a first block past Length, compressed data and unterminated names', () => {
    for (const [bytes, sender] of [
      ['33 01 02 03 04 05', 'client'],
      ['20 03 01 aa bb', 'client'],
      ['70 03 aa', 'client'],
      ['10 03 41 42', 'server'],
      ['10 03 00', 'server'],
    ] as const) {
      expect(() => decodeDvcPdu(hex(bytes), sender)).toThrow(ProtocolError);
    }
  });

  it('refuses to encode out-of-range fields and non-ANSI names', () => {
    expect(() => encodeDvcPdu({ type: 'close', channelId: -1 })).toThrow(ProtocolError);
    expect(() => encodeDvcPdu({ type: 'createRequest', channelId: 1, channelName: 'é' })).toThrow(ProtocolError);
    expect(() => encodeDvcPdu({ type: 'dataFirst', channelId: 1, length: 1, data: hex('01 02') })).toThrow(
      ProtocolError,
    );
  });

  it('throws only ProtocolErrors on mutated input', () => {
    const valid = [...serverVectors, ...clientVectors].map(([b]) => hex(b));
    const client = fuzz((b) => decodeDvcPdu(b, 'client'), valid);
    const server = fuzz((b) => decodeDvcPdu(b, 'server'), valid, { seed: 2 });
    expect(client.rejected).toBeGreaterThan(0);
    expect(server.rejected).toBeGreaterThan(0);
  });
});
