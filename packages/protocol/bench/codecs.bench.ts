import { bench, describe } from 'vitest';
import {
  decodeInterleaved,
  decodePlanar,
  decodeRlgr,
  dequantize,
  differentialDecode,
  dwtScratch,
  type EncodedBitmap,
  encodeInterleaved,
  encodePlanar,
  inverseDwt,
  MppcCompressor,
  MppcDecompressor,
  RFX_SUBBAND_LAYOUT,
  RfxSubband,
  RlgrMode,
  readSourcePixels,
  rfxYCbCrToBgra,
  ZgfxCompressor,
} from '../src/index.js';
import { makeFrame } from '../test/codecs/images.js';
import { referenceDecodeRlgr, referenceInverseDwt, referenceYCbCrToBgra } from '../test/codecs/rfx-reference.js';
import { encodeRfxTile, TYPICAL_QUANT } from '../test/codecs/rfx-tile-encoder.js';

// A 256x256 desktop-like frame cut into sixteen 64x64 tiles; every iteration handles all of them, i.e.
// 256 KiB of BGRX in and out. MB/s = hz * 0.262144. Each group has a plain copy of the same bytes as the
// baseline, so vitest's summary line gives the codec's cost as a ratio to memcpy.
const SIZE = 256;
const TILE = 64;
const FRAME_BYTES = SIZE * SIZE * 4;
const frame = makeFrame('desktop', SIZE, SIZE, 42);
const copyDst = new Uint8Array(FRAME_BYTES);
const tiles: { x: number; y: number }[] = [];
for (let y = 0; y < SIZE; y += TILE) for (let x = 0; x < SIZE; x += TILE) tiles.push({ x, y });
const source = (t: { x: number; y: number }) => ({
  data: frame,
  stride: SIZE * 4,
  x: t.x,
  y: t.y,
  width: TILE,
  height: TILE,
});
const planar: EncodedBitmap[] = tiles.map((t) => encodePlanar(source(t)));
const interleaved: EncodedBitmap[] = tiles.map((t) => encodeInterleaved(source(t), { bpp: 16 }));
const tileDst = new Uint8Array(TILE * TILE * 4);
const tilePixels = new Uint32Array(TILE * TILE);
const copy = () => copyDst.set(frame);

describe(`planar encode, 16 tiles of 64x64 (${FRAME_BYTES} bytes)`, () => {
  bench('Uint8Array.prototype.set of the same bytes', copy);
  bench('encodePlanar', () => {
    for (const t of tiles) encodePlanar(source(t));
  });
});

describe(`planar decode, 16 tiles of 64x64 (${FRAME_BYTES} bytes out)`, () => {
  bench('Uint8Array.prototype.set of the same bytes', copy);
  bench('decodePlanar', () => {
    for (const e of planar) decodePlanar(e.data, e.width, e.height, tileDst);
  });
});

describe(`interleaved 16 bpp encode, 16 tiles of 64x64 (${FRAME_BYTES} bytes)`, () => {
  bench('Uint8Array.prototype.set of the same bytes', copy);
  bench('encodeInterleaved', () => {
    for (const t of tiles) encodeInterleaved(source(t), { bpp: 16 });
  });
});

describe(`interleaved 16 bpp decode, 16 tiles of 64x64 (${FRAME_BYTES} bytes out)`, () => {
  bench('Uint8Array.prototype.set of the same bytes', copy);
  bench('decodeInterleaved', () => {
    for (const e of interleaved) decodeInterleaved(e.data, e.width, e.height, 16, tileDst);
  });
});

// 8 bpp next to 16 bpp in one group, so the summary gives 8 bpp's cost as a ratio to the 16 bpp encoder.
describe(`interleaved 8 bpp vs 16 bpp encode, 16 tiles of 64x64 (${FRAME_BYTES} bytes)`, () => {
  bench('encodeInterleaved 16 bpp', () => {
    for (const t of tiles) encodeInterleaved(source(t), { bpp: 16 });
  });
  bench('encodeInterleaved 8 bpp (FIXED_PALETTE)', () => {
    for (const t of tiles) encodeInterleaved(source(t), { bpp: 8 });
  });
});

describe(`BGRX to pixel values, 16 tiles of 64x64 (${FRAME_BYTES} bytes)`, () => {
  bench('Uint8Array.prototype.set of the same bytes', copy);
  bench('readSourcePixels 16 bpp (RGB565)', () => {
    for (const t of tiles) readSourcePixels(source(t), 16, tilePixels, TILE, true);
  });
  bench('readSourcePixels 8 bpp (nearest FIXED_PALETTE index)', () => {
    for (const t of tiles) readSourcePixels(source(t), 8, tilePixels, TILE, true);
  });
});

// Bulk compression of what goes on the wire: the sixteen planar tiles, one packet each, against one history kept
// across iterations, as a connection keeps it (a frame sent again is mostly matches: an upper bound on speed for
// content that repeats, the case a history is for). The baseline copies the same planar bytes.
const planarBytes = planar.map((e) => e.data);
const copyPlanar = () => {
  for (const b of planarBytes) copyDst.set(b);
};
const mppcPackets = (() => {
  const mppc = new MppcCompressor();
  return planarBytes.map((b) => mppc.compress(b));
})();

describe(`bulk compression, 16 planar tiles (${planarBytes.reduce((n, b) => n + b.length, 0)} bytes)`, () => {
  const mppc = new MppcCompressor();
  const zgfx = new ZgfxCompressor();
  bench('Uint8Array.prototype.set of the same bytes', copyPlanar);
  bench('MppcCompressor.compress (RDP 5.0, bitmap updates)', () => {
    for (const b of planarBytes) mppc.compress(b);
  });
  bench('ZgfxCompressor.compress (RDP 8.0, graphics pipeline)', () => {
    for (const b of planarBytes) zgfx.compress(b);
  });
  bench('MppcDecompressor.decompress', () => {
    const inflate = new MppcDecompressor();
    for (const p of mppcPackets) inflate.decompress(p.data, p.flags ?? 0);
  });
});

// RemoteFX tile decoding (RLGR, LL3 differences, dequantization, inverse DWT, colour), the per-tile cost of
// classic RemoteFX and of the progressive codec's simple tiles. Sixteen 64x64 tiles of one content per
// iteration, encoded from real pictures: text-like strokes on flat white, the desktop mix, and noise (the
// worst case: every coefficient significant). ms per tile = 1000 / (hz * 16). Each group also runs the
// straightforward kernels of test/codecs/rfx-reference.ts, so the summary gives the tuned ones' speed-up.
interface RfxKernels {
  decodeRlgr: typeof decodeRlgr;
  inverseDwt: typeof inverseDwt;
  rfxYCbCrToBgra: typeof rfxYCbCrToBgra;
}
const tuned: RfxKernels = { decodeRlgr, inverseDwt, rfxYCbCrToBgra };
const straightforward: RfxKernels = {
  decodeRlgr: referenceDecodeRlgr,
  inverseDwt: referenceInverseDwt,
  rfxYCbCrToBgra: referenceYCbCrToBgra,
};
const rfxPlanes = [new Int16Array(4096), new Int16Array(4096), new Int16Array(4096)];
const rfxScratch = dwtScratch();
const rfxShifts = Array.from(TYPICAL_QUANT, (q) => q - 1);
const decodeRfxTiles = (k: RfxKernels, encoded: Uint8Array[][], mode: RlgrMode) => {
  for (const components of encoded) {
    for (let c = 0; c < 3; c++) {
      const plane = rfxPlanes[c];
      k.decodeRlgr(components[c], mode, plane);
      differentialDecode(plane, RFX_SUBBAND_LAYOUT.offsets[RfxSubband.LL3], 64);
      dequantize(plane, rfxShifts, RFX_SUBBAND_LAYOUT);
      k.inverseDwt(plane, rfxScratch);
    }
    k.rfxYCbCrToBgra(rfxPlanes[0], rfxPlanes[1], rfxPlanes[2], 0, 4096, tileDst, 0);
  }
};

for (const pattern of ['text', 'desktop', 'noise'] as const) {
  const picture = makeFrame(pattern, SIZE, SIZE, 7);
  for (const [name, mode] of [
    ['RLGR1', RlgrMode.RLGR1],
    ['RLGR3', RlgrMode.RLGR3],
  ] as const) {
    const encoded = tiles.map((t) => encodeRfxTile(picture, SIZE * 4, t.x, t.y, mode));
    const bytes = encoded.flat().reduce((n, b) => n + b.length, 0);
    describe(`RemoteFX tile decode, 16 ${pattern} tiles of 64x64, ${name} (${bytes} bytes)`, () => {
      bench('straightforward kernels (test/codecs/rfx-reference.ts)', () =>
        decodeRfxTiles(straightforward, encoded, mode),
      );
      bench('tuned kernels (src/codecs)', () => decodeRfxTiles(tuned, encoded, mode));
    });
  }
}
