import { PassThrough } from 'node:stream';
import { ReadableStream, WritableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { toDuplex } from '../src/transport-stream.js';

describe('toDuplex', () => {
  it('takes a Node Duplex as it is', () => {
    const stream = new PassThrough();
    expect(toDuplex(stream)).toBe(stream);
  });

  it('carries bytes both ways over a web stream pair, and closes the writable side when the readable one ends', async () => {
    const written: number[] = [];
    let closed = false;
    let push!: (bytes: Uint8Array) => void;
    let finish!: () => void;
    const readable = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (b) => controller.enqueue(b);
        finish = () => controller.close();
      },
    });
    const writable = new WritableStream<Uint8Array>({
      write(chunk) {
        written.push(...chunk);
      },
      close() {
        closed = true;
      },
    });
    const duplex = toDuplex({ readable, writable });
    const received: number[] = [];
    duplex.on('data', (chunk: Uint8Array) => received.push(...chunk));
    const ended = new Promise((resolve) => duplex.once('end', resolve));
    push(Uint8Array.of(3, 0, 0, 19));
    await new Promise<void>((resolve) => duplex.write(Uint8Array.of(1, 2), () => resolve()));
    expect(written).toEqual([1, 2]);
    // The viewer's side closing ends ours too: an RDP connection is not half-open.
    finish();
    await ended;
    expect(received).toEqual([3, 0, 0, 19]);
    await new Promise((resolve) => duplex.once('close', resolve));
    expect(closed).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'socket'],
    ['an object of neither kind', { read() {} }],
    [
      'a locked web pair',
      (() => {
        const readable = new ReadableStream<Uint8Array>();
        readable.getReader();
        return { readable, writable: new WritableStream<Uint8Array>() };
      })(),
    ],
  ])('refuses %s with INVALID_ARGUMENT', (_, stream) => {
    expect(() => toDuplex(stream as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses a destroyed Duplex', () => {
    const stream = new PassThrough();
    stream.destroy();
    expect(() => toDuplex(stream)).toThrow(/destroyed/);
  });
});
