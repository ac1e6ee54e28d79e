import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H264Decoder } from '../src/index.js';

const WIDTH = 64;
const HEIGHT = 48;
/** Far apart in every channel, so a picture shown one access unit late cannot pass for the right one. */
const COLOURS = [
  [220, 30, 30],
  [30, 220, 30],
  [30, 30, 220],
  [220, 220, 30],
  [30, 220, 220],
  [220, 30, 220],
];

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdshare-h264-high-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Splits an Annex-B stream into access units at its access unit delimiters (nal_unit_type 9). */
function accessUnits(stream: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i + 4 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1 && (stream[i + 3] & 0x1f) === 9) {
      starts.push(i > 0 && stream[i - 1] === 0 ? i - 1 : i);
    }
  }
  return starts.map((start, n) => stream.subarray(start, starts[n + 1] ?? stream.length));
}

/** Encodes the COLOURS frames with x264 as freerdp-shadow-cli does; the stream file and its access units. */
function highProfileStream(): { file: string; units: Uint8Array[] } {
  const raw = new Uint8Array(WIDTH * HEIGHT * 4 * COLOURS.length);
  COLOURS.forEach(([r, g, b], f) => {
    for (let p = 0; p < WIDTH * HEIGHT; p++) raw.set([b, g, r, 255], (f * WIDTH * HEIGHT + p) * 4);
  });
  const input = join(dir, 'frames.bgra');
  const file = join(dir, 'stream.h264');
  writeFileSync(input, raw);
  // zerolatency: no B-frames and no lookahead, as an RDP server encodes; x264 still marks the stream High profile,
  // which makes OpenH264 hold each picture back for display reordering.
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'bgra', '-s', `${WIDTH}x${HEIGHT}`, '-i', input],
    // BT.709 full range: what RDP's AVC420 carries and the decoder converts back from.
    ...['-vf', 'scale=out_color_matrix=bt709:out_range=pc', '-color_range', 'pc', '-colorspace', 'bt709'],
    ...['-c:v', 'libx264', '-profile:v', 'high', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-x264-params', 'aud=1', '-f', 'h264', '-y', file],
  ]);
  return { file, units: accessUnits(readFileSync(file)) };
}

describe('H264Decoder on a High-profile stream (x264, as freerdp-shadow-cli sends)', () => {
  it('hands out each picture for its own access unit, not one access unit late', async () => {
    const { file, units } = highProfileStream();
    expect(units).toHaveLength(COLOURS.length);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=profile', '-of', 'csv=p=0', file]);
    expect(String(probe).trim()).toBe('High');

    const decoder = H264Decoder.create();
    const picture = new Uint8Array(WIDTH * HEIGHT * 4);
    try {
      for (const [n, unit] of units.entries()) {
        expect(await decoder.decode(unit, picture), `access unit ${n}`).toEqual({ width: WIDTH, height: HEIGHT });
        const centre = ((HEIGHT / 2) * WIDTH + WIDTH / 2) * 4;
        const shown = [picture[centre + 2], picture[centre + 1], picture[centre]];
        for (let c = 0; c < 3; c++) {
          expect(Math.abs(shown[c] - COLOURS[n][c]), `access unit ${n} showed ${shown}`).toBeLessThanOrEqual(8);
        }
      }
    } finally {
      decoder.close();
    }
  });

  it('with { planes: true } hands out the decoded Y, U and V planes, equal to what ffmpeg decodes, byte for byte', async () => {
    const { file, units } = highProfileStream();
    const yuvFile = join(dir, 'stream.yuv');
    // ffmpeg's planes as decoded: no pixel format asked for, so no range conversion.
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-y', yuvFile]);
    const theirs = readFileSync(yuvFile);
    const pictureBytes = (WIDTH * HEIGHT * 3) / 2;
    expect(theirs.length).toBe(pictureBytes * units.length);
    const decoder = H264Decoder.create();
    const planes = new Uint8Array(pictureBytes);
    try {
      for (const [n, unit] of units.entries()) {
        expect(await decoder.decode(unit, planes, { planes: true })).toEqual({ width: WIDTH, height: HEIGHT });
        const expected = theirs.subarray(n * pictureBytes, (n + 1) * pictureBytes);
        expect(Buffer.compare(Buffer.from(planes), expected), `access unit ${n}`).toBe(0);
      }
      await expect(decoder.decode(units[0], new Uint8Array(pictureBytes - 1), { planes: true })).rejects.toMatchObject({
        code: 'OUTPUT_TOO_SMALL',
        message: expect.stringContaining(`needs ${pictureBytes} bytes`),
      });
    } finally {
      decoder.close();
    }
  });
});
