import { describe, expect, it } from 'vitest';
import { allocateFrame, compareTiles, type Frame, NativeError, syncTiles } from '../src/index.js';

function paint(frame: Frame, x: number, y: number, value: number) {
  frame.data[y * frame.stride + x * 4] = value;
}

describe('compareTiles / syncTiles', () => {
  it('returns no tiles for equal frames and exactly the changed 64x64 tiles, clipped at the edges', async () => {
    const a = allocateFrame(200, 130);
    const b = allocateFrame(200, 130);
    expect(await compareTiles(a, b)).toEqual([]);
    paint(b, 0, 0, 1);
    paint(b, 199, 129, 1); // bottom-right cell is 8x2
    paint(b, 64, 63, 1);
    expect(await compareTiles(a, b)).toEqual([
      { x: 0, y: 0, width: 64, height: 64 },
      { x: 64, y: 0, width: 64, height: 64 },
      { x: 192, y: 128, width: 8, height: 2 },
    ]);
  });

  it('honours the tile size and a region, clipping cells to it', async () => {
    const a = allocateFrame(100, 100);
    const b = allocateFrame(100, 100);
    paint(b, 5, 5, 9);
    paint(b, 50, 50, 9);
    expect(await compareTiles(a, b, { tileSize: 16 })).toEqual([
      { x: 0, y: 0, width: 16, height: 16 },
      { x: 48, y: 48, width: 16, height: 16 },
    ]);
    expect(await compareTiles(a, b, { tileSize: 16, rect: { x: 40, y: 40, width: 20, height: 20 } })).toEqual([
      { x: 48, y: 48, width: 12, height: 12 },
    ]);
  });

  it('copies only changed tiles inside the region into the stored frame, across different strides', async () => {
    const stored = allocateFrame(128, 128);
    const incoming: Frame = {
      width: 128,
      height: 128,
      stride: 128 * 4 + 64,
      data: new Uint8Array((128 * 4 + 64) * 128),
    };
    incoming.data.fill(7);
    const changed = await syncTiles(stored, incoming, { rect: { x: 10, y: 10, width: 60, height: 20 } });
    expect(changed).toEqual([
      { x: 10, y: 10, width: 54, height: 20 },
      { x: 64, y: 10, width: 6, height: 20 },
    ]);
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const inside = x >= 10 && x < 70 && y >= 10 && y < 30;
        expect(stored.data[y * stored.stride + x * 4]).toBe(inside ? 7 : 0);
      }
    }
    expect(await compareTiles(stored, incoming, { rect: { x: 10, y: 10, width: 60, height: 20 } })).toEqual([]);
    expect(await syncTiles(stored, incoming, { rect: { x: 10, y: 10, width: 60, height: 20 } })).toEqual([]);
  });

  it('agrees with a plain JavaScript comparison on random frames', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const a = allocateFrame(300, 200);
    for (let i = 0; i < a.data.length; i++) a.data[i] = random() & 0xff;
    const b = { ...a, data: a.data.slice() };
    for (let n = 0; n < 20; n++) paint(b, random() % 300, random() % 200, 0x100 - 1 - (a.data[0] % 2));
    const expected: string[] = [];
    for (let ty = 0; ty < 200; ty += 64) {
      for (let tx = 0; tx < 300; tx += 64) {
        let differs = false;
        for (let y = ty; y < Math.min(ty + 64, 200) && !differs; y++) {
          for (let x = tx * 4; x < Math.min(tx + 64, 300) * 4; x++)
            if (a.data[y * a.stride + x] !== b.data[y * b.stride + x]) differs = true;
        }
        if (differs) expected.push(`${tx},${ty}`);
      }
    }
    expect((await compareTiles(a, b)).map((r) => `${r.x},${r.y}`)).toEqual(expected);
    const synced = await syncTiles(a, b);
    expect(synced.length).toBe(expected.length);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('rejects inconsistent frames and regions with typed errors', async () => {
    const a = allocateFrame(64, 64);
    await expect(compareTiles(a, allocateFrame(32, 64))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      compareTiles(a, { width: 64, height: 64, stride: 256, data: new Uint8Array(100) }),
    ).rejects.toMatchObject({
      code: 'OUT_OF_BOUNDS',
    });
    await expect(compareTiles(a, a, { rect: { x: 60, y: 0, width: 10, height: 10 } })).rejects.toBeInstanceOf(
      NativeError,
    );
    await expect(compareTiles(a, a, { tileSize: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => allocateFrame(0, 10)).toThrow(NativeError);
  });
});
