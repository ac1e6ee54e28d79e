import { describe, expect, it } from 'vitest';
import {
  CapabilitySetType,
  CLIENT_REMOTEFX_CODEC_ID,
  CodecGuid,
  clientCapabilitySets,
  decodeCapabilitySets,
  decodeRfxClientCapabilities,
  encodeCapabilitySets,
  findCapability,
  RlgrMode,
  SurfaceCommandFlag,
} from '../../src/index.js';
import { hex } from '../security/hex.js';

const desktop = { width: 1024, height: 768, colorDepth: 32 };

/**
 * What offering RemoteFX appends to the Confirm Active: TS_SURFCMDS_CAPABILITYSET (SURFCMDS_SETSURFACEBITS |
 * SURFCMDS_FRAMEMARKER | SURFCMDS_STREAMSURFACEBITS), TS_BITMAPCODECS_CAPABILITYSET with one TS_BITMAPCODEC
 * (CODEC_GUID_REMOTEFX in its mixed-endian GUID layout, codecID 3, 49 bytes of TS_RFX_CLNT_CAPS_CONTAINER) and
 * TS_FRAME_ACKNOWLEDGE_CAPABILITYSET (2 frames).
 */
const REMOTEFX_SETS = hex(
  '1c00 0c00 52000000 00000000' +
    '1d00 4900 01 122f7776 72bd 6344 afb3b73c9c6f7886 03 3100' +
    '31000000 01000000 25000000 c0cb 08000000 0100 c1cb 1d000000 01 c0cf 0200 0800' +
    '0001 4000 02 01 01 01 0001 4000 02 01 01 04' +
    '1e00 0800 02000000',
);

describe("the viewer's capability sets", () => {
  it('stay bitmap updates only unless a surface codec is asked for', () => {
    const plain = encodeCapabilitySets(clientCapabilitySets(desktop));
    expect(encodeCapabilitySets(clientCapabilitySets(desktop, {}))).toEqual(plain);
    expect(encodeCapabilitySets(clientCapabilitySets(desktop, { remoteFx: false }))).toEqual(plain);
    const types = clientCapabilitySets(desktop).map((s) => s.type);
    expect(types).not.toContain(CapabilitySetType.SURFACE_COMMANDS);
    expect(types).not.toContain(CapabilitySetType.BITMAP_CODECS);
    expect(types).not.toContain(CapabilitySetType.FRAME_ACKNOWLEDGE);
  });

  it('with RemoteFX append surface commands, the codec and frame acknowledgement, byte for byte', () => {
    const plain = encodeCapabilitySets(clientCapabilitySets(desktop));
    const sets = clientCapabilitySets(desktop, { remoteFx: true });
    const encoded = encodeCapabilitySets(sets);
    expect(encoded.subarray(0, plain.byteLength)).toEqual(plain);
    expect(encoded.subarray(plain.byteLength)).toEqual(REMOTEFX_SETS);

    const decoded = decodeCapabilitySets(REMOTEFX_SETS, 3);
    expect(findCapability(decoded, CapabilitySetType.SURFACE_COMMANDS)?.cmdFlags).toBe(
      SurfaceCommandFlag.SET_SURFACE_BITS | SurfaceCommandFlag.STREAM_SURFACE_BITS | SurfaceCommandFlag.FRAME_MARKER,
    );
    const [codec] = findCapability(decoded, CapabilitySetType.BITMAP_CODECS)?.codecs ?? [];
    expect(codec).toMatchObject({ guid: CodecGuid.REMOTEFX, codecId: CLIENT_REMOTEFX_CODEC_ID });
    expect(decodeRfxClientCapabilities(codec.properties).icaps.map((i) => i.entropy)).toEqual([
      RlgrMode.RLGR1,
      RlgrMode.RLGR3,
    ]);
    expect(findCapability(decoded, CapabilitySetType.FRAME_ACKNOWLEDGE)?.maxUnacknowledgedFrameCount).toBe(2);
  });
});
