import { describe, expect, it } from 'vitest';
import {
  decodeSurfaceCommands,
  encodeSurfaceCommands,
  ProtocolError,
  type SurfaceCommand,
  SurfaceCommandType,
  SurfaceFrameAction,
} from '../../src/index.js';
import { hex } from '../security/hex.js';
import { fuzz } from './fuzz.js';

/**
 * A frame as FreeRDP's shadow server sends RemoteFX (MS-RDPBCGR 2.2.9.2): Frame Marker BEGIN of frame 7, a Stream
 * Surface Bits command over a 640x480 desktop (32 bpp, codecID 3, 4 bytes of codec data), Frame Marker END.
 */
const STREAM_FRAME = hex(
  '0400 0000 07000000' + '0600 0000 0000 8002 e001' + '20 00 00 03 8002 e001 04000000 c0cc0c00' + '0400 0100 07000000',
);
const STREAM_FRAME_COMMANDS: SurfaceCommand[] = [
  {
    cmdType: SurfaceCommandType.FRAME_MARKER,
    frameAction: SurfaceFrameAction.SURFACECMD_FRAMEACTION_BEGIN,
    frameId: 7,
  },
  {
    cmdType: SurfaceCommandType.STREAM_SURFACE_BITS,
    destLeft: 0,
    destTop: 0,
    destRight: 640,
    destBottom: 480,
    bitmap: { bpp: 32, codecId: 3, width: 640, height: 480, bitmapData: hex('c0cc0c00') },
  },
  { cmdType: SurfaceCommandType.FRAME_MARKER, frameAction: SurfaceFrameAction.SURFACECMD_FRAMEACTION_END, frameId: 7 },
];

/**
 * A Set Surface Bits command at (16,32) with EX_COMPRESSED_BITMAP_HEADER_PRESENT: bitmapDataLength counts the
 * 24-byte TS_COMPOSED_BITMAP_HEADER_EX (ids 1 and 2, 0x1_00000005 ms, 9 s) and 2 bytes of data.
 */
const SET_WITH_HEADER = hex(
  '0100 1000 2000 5000 6000' +
    '20 01 00 01 4000 4000 1a000000' +
    '01000000 02000000 05000000 01000000 09000000 00000000' +
    'abcd',
);
const SET_WITH_HEADER_COMMAND: SurfaceCommand = {
  cmdType: SurfaceCommandType.SET_SURFACE_BITS,
  destLeft: 16,
  destTop: 32,
  destRight: 80,
  destBottom: 96,
  bitmap: {
    bpp: 32,
    codecId: 1,
    width: 64,
    height: 64,
    composedHeader: { highUniqueId: 1, lowUniqueId: 2, tmMilliseconds: 0x1_0000_0005n, tmSeconds: 9n },
    bitmapData: hex('abcd'),
  },
};

describe('surface commands', () => {
  it('decodes and encodes frame markers around Stream Surface Bits', () => {
    expect(decodeSurfaceCommands(STREAM_FRAME)).toEqual(STREAM_FRAME_COMMANDS);
    expect(encodeSurfaceCommands(STREAM_FRAME_COMMANDS)).toEqual(STREAM_FRAME);
  });

  it('decodes and encodes Set Surface Bits with a composed bitmap header', () => {
    expect(decodeSurfaceCommands(SET_WITH_HEADER)).toEqual([SET_WITH_HEADER_COMMAND]);
    expect(encodeSurfaceCommands([SET_WITH_HEADER_COMMAND])).toEqual(SET_WITH_HEADER);
  });

  it('rejects an unknown cmdType, an unknown frameAction, and lengths past the update', () => {
    expect(() => decodeSurfaceCommands(hex('0200 0000'))).toThrow(ProtocolError);
    expect(() => decodeSurfaceCommands(hex('0400 0200 01000000'))).toThrow(ProtocolError);
    const long = SET_WITH_HEADER.slice();
    long[18] = 0x1b;
    expect(() => decodeSurfaceCommands(long)).toThrow(ProtocolError);
    const short = SET_WITH_HEADER.slice();
    short[18] = 0x17;
    expect(() => decodeSurfaceCommands(short)).toThrow(ProtocolError);
  });

  it('throws only ProtocolError on mutated and random input', () => {
    const { rejected, accepted } = fuzz(decodeSurfaceCommands, [STREAM_FRAME, SET_WITH_HEADER], { iterations: 2000 });
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
