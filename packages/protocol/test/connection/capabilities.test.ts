import { describe, expect, it } from 'vitest';
import { serverCapabilitySets } from '../../src/acceptor/server-capabilities.js';
import {
  decodeConfirmActive,
  decodeDeactivateAll,
  decodeDemandActive,
  encodeConfirmActive,
  encodeDeactivateAll,
  encodeDemandActive,
} from '../../src/connection/active.js';
import {
  type CapabilitySet,
  CapabilitySetType,
  CodecGuid,
  decodeCapabilitySets,
  encodeCapabilitySet,
  findCapability,
  type RawCapability,
} from '../../src/connection/capabilities.js';
import { fuzz } from '../data/fuzz.js';
import { hex } from '../security/hex.js';

/** MS-RDPBCGR 4.1.13-style General capability set: Windows NT, protocol 0x200, fast-path, long credentials, autoreconnect, salted MAC. */
const GENERAL = hex('01 00 18 00 01 00 03 00 00 02 00 00 00 00 1d 04 00 00 00 00 00 00 01 01');

describe('capability sets', () => {
  it('decodes and re-encodes a General capability set', () => {
    const [general] = decodeCapabilitySets(GENERAL, 1);
    expect(general).toEqual({
      type: CapabilitySetType.GENERAL,
      osMajorType: 1,
      osMinorType: 3,
      protocolVersion: 0x200,
      generalCompressionTypes: 0,
      extraFlags: 0x041d,
      updateCapabilityFlag: 0,
      remoteUnshareFlag: 0,
      generalCompressionLevel: 0,
      refreshRectSupport: 1,
      suppressOutputSupport: 1,
    });
    expect(encodeCapabilitySet(general)).toEqual(GENERAL);
  });

  it('writes each set at its specified length', () => {
    const lengths: Record<number, number> = {
      1: 24,
      2: 28,
      3: 88,
      8: 10,
      13: 88,
      20: 12,
      9: 8,
      14: 8,
      26: 8,
      27: 6,
      28: 12,
      30: 8,
    };
    for (const set of serverCapabilitySets({ width: 1024, height: 768, colorDepth: 32, serverChannelId: 1002 })) {
      expect([set.type, encodeCapabilitySet(set).byteLength]).toEqual([set.type, lengths[set.type]]);
    }
  });

  it('accepts short optional tails (pointer without pointerCacheSize, font without flags)', () => {
    const sets = decodeCapabilitySets(hex('08 00 08 00 01 00 14 00 0e 00 04 00'), 2);
    expect(sets).toEqual([{ type: 8, colorPointerFlag: 1, colorPointerCacheSize: 20 }, { type: 14 }]);
  });

  it('round-trips bitmap codecs with their GUIDs and keeps unknown sets raw', () => {
    const sets: (CapabilitySet | RawCapability)[] = [
      {
        type: CapabilitySetType.BITMAP_CODECS,
        codecs: [
          { guid: CodecGuid.NSCODEC, codecId: 1, properties: hex('01 01 03') },
          { guid: CodecGuid.REMOTEFX, codecId: 3, properties: hex('') },
        ],
      },
      { type: 23, raw: hex('00 00 00 00') },
    ];
    const bytes = sets.map(encodeCapabilitySet);
    expect(bytes[0].subarray(5, 21)).toEqual(hex('b9 1b 8d ca 0f 00 4f 15 58 9f ae 2d 1a 87 e2 d6'));
    const joined = new Uint8Array([...bytes[0], ...bytes[1]]);
    expect(decodeCapabilitySets(joined, 2)).toEqual(sets);
  });

  it('round-trips Demand Active, Confirm Active and Deactivate All', () => {
    const capabilitySets = serverCapabilitySets({ width: 800, height: 600, colorDepth: 16, serverChannelId: 1002 });
    const demand = { shareId: 0x103ea, sourceDescriptor: 'RDP', capabilitySets, sessionId: 0 };
    const decoded = decodeDemandActive(encodeDemandActive(demand));
    expect(decoded).toEqual(demand);
    expect(findCapability(decoded.capabilitySets, CapabilitySetType.BITMAP)).toMatchObject({
      desktopWidth: 800,
      desktopHeight: 600,
      preferredBitsPerPixel: 16,
    });
    const confirm = { shareId: 0x103ea, originatorId: 1002, sourceDescriptor: 'MSTSC', capabilitySets };
    expect(decodeConfirmActive(encodeConfirmActive(confirm))).toEqual(confirm);
    expect(encodeDeactivateAll({ shareId: 0x103ea, sourceDescriptor: '' })).toEqual(hex('ea 03 01 00 01 00 00'));
    expect(decodeDeactivateAll(hex('ea 03 01 00 01 00 00'))).toEqual({ shareId: 0x103ea, sourceDescriptor: '' });
  });

  it('fuzzes the decoders', () => {
    const caps = serverCapabilitySets({ width: 800, height: 600, colorDepth: 16, serverChannelId: 1002 });
    const demand = encodeDemandActive({ shareId: 1, sourceDescriptor: 'RDP', capabilitySets: caps, sessionId: 0 });
    const confirm = encodeConfirmActive({
      shareId: 1,
      originatorId: 1002,
      sourceDescriptor: 'MSTSC',
      capabilitySets: caps,
    });
    expect(fuzz(decodeDemandActive, [demand]).rejected).toBeGreaterThan(0);
    expect(fuzz(decodeConfirmActive, [confirm]).rejected).toBeGreaterThan(0);
    expect(fuzz((b) => decodeCapabilitySets(b, 3), [GENERAL]).rejected).toBeGreaterThan(0);
    expect(fuzz(decodeDeactivateAll, [hex('ea 03 01 00 01 00 00')]).rejected).toBeGreaterThan(0);
  });
});
