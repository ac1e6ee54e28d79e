import { peekFrame } from '../../src/connection/framing.js';

/** Where one frame of a client stream sits. */
export interface FrameSpan {
  offset: number;
  length: number;
  /** Bytes of the frame's own length field (TPKT: 2 at offset 2; fast-path: 1 or 2 at offset 1). */
  lengthField: { offset: number; size: 1 | 2 };
}

/** Splits a (valid) client stream into its TPKT and fast-path frames with the acceptor's framing helper. */
export function frameSpans(stream: Uint8Array): FrameSpan[] {
  const spans: FrameSpan[] = [];
  let offset = 0;
  while (offset < stream.byteLength) {
    const header = peekFrame(stream.subarray(offset), 0xffff);
    if (!header || offset + header.length > stream.byteLength) throw new Error(`incomplete frame at ${offset}`);
    const tpkt = stream[offset] === 0x03;
    const size = tpkt || stream[offset + 1] & 0x80 ? 2 : 1;
    spans.push({ offset, length: header.length, lengthField: { offset: offset + (tpkt ? 2 : 1), size } });
    offset += header.length;
  }
  return spans;
}

export type StreamMutation =
  | 'bit-flip'
  | 'byte-set'
  | 'insert'
  | 'delete'
  | 'truncate'
  | 'frame-length'
  | 'inner-length'
  | 'frame-duplicate'
  | 'frame-drop'
  | 'frame-swap'
  | 'garbage-tail';

const MUTATIONS: StreamMutation[] = [
  'bit-flip',
  'byte-set',
  'insert',
  'delete',
  'truncate',
  'frame-length',
  'inner-length',
  'frame-duplicate',
  'frame-drop',
  'frame-swap',
  'garbage-tail',
];

const EXTREME_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/**
 * One mutation of a valid client stream: bit flips, byte changes, insertions, deletions, truncation, a corrupt
 * frame length or a corrupt 16-bit field inside a frame (the lengths decoders trust), and frames duplicated,
 * dropped, reordered or replaced by garbage. Frame-aware mutations use `frames` from {@link frameSpans}.
 */
export function mutateStream(
  stream: Uint8Array,
  frames: readonly FrameSpan[],
  rand: () => number,
): { kind: StreamMutation; bytes: Uint8Array } {
  const int = (n: number) => Math.floor(rand() * n);
  const randomBytes = (n: number) => new Uint8Array(n).map(() => int(256));
  const kind = MUTATIONS[int(MUTATIONS.length)];
  const frame = frames[int(frames.length)];
  const out = stream.slice();
  switch (kind) {
    case 'bit-flip':
      for (let i = int(4) + 1; i > 0; i--) out[int(out.length)] ^= 1 << int(8);
      return { kind, bytes: out };
    case 'byte-set':
      for (let i = int(4) + 1; i > 0; i--) out[int(out.length)] = rand() < 0.5 ? int(256) : EXTREME_BYTES[int(6)];
      return { kind, bytes: out };
    case 'insert': {
      const at = int(out.length + 1);
      return { kind, bytes: concat(out.subarray(0, at), randomBytes(int(16) + 1), out.subarray(at)) };
    }
    case 'delete': {
      const at = int(out.length);
      return { kind, bytes: concat(out.subarray(0, at), out.subarray(at + int(16) + 1)) };
    }
    case 'truncate':
      return { kind, bytes: out.subarray(0, int(out.length)) };
    case 'frame-length': {
      const { offset, size } = frame.lengthField;
      const choices = [0, 1, frame.length - 1, frame.length + 1, 0x7fff, 0xffff, int(0x10000)];
      const value = choices[int(choices.length)];
      if (stream[frame.offset] === 0x03) {
        out[offset] = (value >> 8) & 0xff;
        out[offset + 1] = value & 0xff;
      } else if (size === 2) {
        // A two-byte fast-path length keeps its high bit, or the header would shrink to one byte.
        out[offset] = 0x80 | ((value >> 8) & 0x7f);
        out[offset + 1] = value & 0xff;
      } else {
        out[offset] = value & 0xff;
      }
      return { kind, bytes: out };
    }
    case 'inner-length': {
      const at = frame.offset + int(Math.max(1, frame.length - 1));
      const inner = frame.offset + frame.length - at;
      const choices = [0, 1, inner - 1, inner, inner + 1, 0x7fff, 0x8000, 0xffff];
      const value = choices[int(choices.length)] & 0xffff;
      if (rand() < 0.5) {
        out[at] = value & 0xff;
        if (at + 1 < out.length) out[at + 1] = value >> 8;
      } else {
        out[at] = value >> 8;
        if (at + 1 < out.length) out[at + 1] = value & 0xff;
      }
      return { kind, bytes: out };
    }
    case 'frame-duplicate': {
      const end = frame.offset + frame.length;
      return { kind, bytes: concat(out.subarray(0, end), out.subarray(frame.offset, end), out.subarray(end)) };
    }
    case 'frame-drop':
      return { kind, bytes: concat(out.subarray(0, frame.offset), out.subarray(frame.offset + frame.length)) };
    case 'frame-swap': {
      const next = frames[frames.indexOf(frame) + 1];
      if (!next) return { kind, bytes: out };
      return {
        kind,
        bytes: concat(
          out.subarray(0, frame.offset),
          out.subarray(next.offset, next.offset + next.length),
          out.subarray(frame.offset, next.offset),
          out.subarray(next.offset + next.length),
        ),
      };
    }
    default:
      return { kind, bytes: concat(out.subarray(0, frame.offset), randomBytes(int(64) + 1)) };
  }
}

/**
 * Cuts a stream into `receive` calls: all at once, one byte at a time, or at random points, so every
 * decoder also sees its frame arrive in pieces.
 */
export function splitStream(bytes: Uint8Array, rand: () => number): Uint8Array[] {
  const mode = rand();
  if (mode < 0.2) return [bytes];
  if (mode < 0.3) return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    const size = 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : 600));
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
