import { readFileSync } from 'node:fs';
import type { ActivatedClient } from '../../src/acceptor/acceptor-host.js';
import type { InputEvent } from '../../src/data/input-event.js';
import type { RsaKey } from '../../src/security/crypto-provider.js';

/**
 * What xfreerdp sent to an RdpSession, as recorded by packages/session/test/record/record-sessions.ts: the
 * client-to-server byte stream (after TLS decryption where TLS was negotiated) with the chunking it arrived
 * in, and what a replay needs to decrypt Standard RDP Security again: the session's RSA key and the random
 * bytes the acceptor drew.
 */
export interface Recording {
  name: string;
  description: string;
  stream: Uint8Array;
  /** Lengths of the `receive` calls, in order; they sum to the stream's length. */
  chunks: number[];
  width: number;
  height: number;
  /** Each `crypto.randomBytes` result, in order. */
  randomBytes: Uint8Array[];
  rsaKey?: RsaKey;
  /** The input events the live acceptor reported. */
  input: InputEvent[];
  expected: {
    securityLayer: ActivatedClient['securityLayer'];
    encryptionMethod: number;
    colorDepth: number;
    channels: string[];
    userName: string;
  };
}

interface ManifestEntry {
  name: string;
  description: string;
  stream: string;
  inputEvents: string;
  chunks: number[];
  width: number;
  height: number;
  randomBytes: string[];
  rsaKey?: { n: string; e: string; d: string };
  expected: Recording['expected'];
}

const DIR = new URL('./recordings/', import.meta.url);

const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** All recordings listed in recordings/manifest.json. */
export function loadRecordings(): Recording[] {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as { recordings: ManifestEntry[] };
  return manifest.recordings.map((entry) => {
    const stream = new Uint8Array(readFileSync(new URL(entry.stream, DIR)));
    const total = entry.chunks.reduce((sum, n) => sum + n, 0);
    if (total !== stream.byteLength)
      throw new Error(`${entry.name}: chunks sum to ${total}, stream has ${stream.byteLength}`);
    return {
      name: entry.name,
      description: entry.description,
      stream,
      chunks: entry.chunks,
      width: entry.width,
      height: entry.height,
      randomBytes: entry.randomBytes.map(fromHex),
      ...(entry.rsaKey
        ? {
            rsaKey: {
              n: BigInt(`0x${entry.rsaKey.n}`),
              e: BigInt(`0x${entry.rsaKey.e}`),
              d: BigInt(`0x${entry.rsaKey.d}`),
            },
          }
        : {}),
      input: JSON.parse(readFileSync(new URL(entry.inputEvents, DIR), 'utf8')) as InputEvent[],
      expected: entry.expected,
    };
  });
}

/** The stream cut at the recorded `receive` boundaries. */
export function recordedChunks(recording: Recording): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const length of recording.chunks) {
    out.push(recording.stream.subarray(offset, offset + length));
    offset += length;
  }
  return out;
}
