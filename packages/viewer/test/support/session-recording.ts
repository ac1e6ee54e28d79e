import type { RsaKey, TicketAddress, TlsPeer } from '@rdshare/protocol';
import type { FrameBuffer, RdpViewer, ViewerConnection, ViewerTransport } from '../../src/index.js';
import { scriptCryptoProvider } from '../../src/index.js';

// Browser-safe on purpose (no node: imports): the same replay runs in Node and, bundled, in headless Chromium.

/**
 * Everything a viewer received from a sharer over one TLS connection, as the connector saw it (plaintext after
 * the TLS upgrade): replayed into a viewer made the same way, it drives the same decoders to the same pixels.
 * Standard RDP Security is not replayable (its keys come from a fresh client random), so record over TLS.
 */
export interface SessionRecording {
  /** The invitation the live viewer joined: the replay checks the recorded key against its KH2/KH again. */
  readonly connectionString: string;
  readonly name: string;
  readonly password: string;
  /** The RSA key of the sharer's TLS certificate, handed back when the replaying connector upgrades. */
  readonly tlsPublicKey?: RsaKey;
  /** The bytes received, in order, in the chunks they arrived in. */
  readonly chunks: readonly Uint8Array[];
}

/**
 * A ViewerTransport that passes through to `inner` and keeps what the viewer receives on its latest connection
 * (an earlier attempt, e.g. a refused TLS negotiation, is dropped). Call {@link snapshot} at the moment whose
 * frame buffer you want the replay to reproduce: later bytes are not part of that recording.
 *
 * @example
 * const recorder = new SessionRecorder(tcpTransport());
 * const viewer = new RdpViewer({ crypto, transport: recorder });
 * await viewer.connect(ticket, 'rec', 'pw');
 * // ... wait for the picture ...
 * const recording = recorder.snapshot(ticket, 'rec', 'pw');
 * const expected = frameBufferDigest(viewer);
 */
export class SessionRecorder implements ViewerTransport {
  private chunks: Uint8Array[] = [];
  private tlsPublicKey?: RsaKey;

  constructor(private readonly inner: ViewerTransport) {}

  async connect(address: TicketAddress): Promise<ViewerConnection> {
    const connection = await this.inner.connect(address);
    const chunks: Uint8Array[] = [];
    this.chunks = chunks;
    this.tlsPublicKey = undefined;
    const startTls = connection.startTls?.bind(connection);
    return {
      write: (bytes) => connection.write(bytes),
      close: () => connection.close(),
      onClose: (listener) => connection.onClose(listener),
      onData: (listener) =>
        connection.onData((bytes) => {
          chunks.push(bytes.slice());
          listener(bytes);
        }),
      ...(startTls
        ? {
            startTls: async (): Promise<TlsPeer> => {
              const peer = await startTls();
              if (this.chunks === chunks) this.tlsPublicKey = peer.publicKey;
              return peer;
            },
          }
        : {}),
    };
  }

  /** What the latest connection received so far, with the invitation and credentials the viewer used. */
  snapshot(connectionString: string, name: string, password: string): SessionRecording {
    return {
      connectionString,
      name,
      password,
      ...(this.tlsPublicKey ? { tlsPublicKey: this.tlsPublicKey } : {}),
      chunks: [...this.chunks],
    };
  }
}

/** A ViewerTransport that plays `recording` back to the viewer; what the viewer writes goes nowhere. */
export interface ReplayTransport extends ViewerTransport {
  /** Resolves once every recorded byte was handed to the viewer and the viewer had a turn to process it. */
  readonly drained: Promise<void>;
}

export function replayTransport(recording: SessionRecording): ReplayTransport {
  let drainedResolve: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    drainedResolve = resolve;
  });
  const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    drained,
    async connect(): Promise<ViewerConnection> {
      let deliver: (bytes: Uint8Array) => void = () => {};
      let upgrading: Promise<unknown> | undefined;
      // The viewer registers its listener right after connect() resolves: start a task later.
      setTimeout(async () => {
        for (const chunk of recording.chunks) {
          deliver(chunk);
          // As on a socket, the bytes after the X.224 confirm come once the TLS upgrade is through: the connector
          // holds (and bounds) what arrives while it waits.
          if (upgrading) {
            await upgrading;
            await nextTask();
            upgrading = undefined;
          }
        }
        await nextTask();
        drainedResolve();
      }, 0);
      return {
        write() {},
        close() {},
        startTls: () => {
          const peer = Promise.resolve(recording.tlsPublicKey ? { publicKey: recording.tlsPublicKey } : {});
          upgrading = peer;
          return peer;
        },
        onData: (listener) => {
          deliver = listener;
        },
        onClose() {},
      };
    },
  };
}

/**
 * Replays `recording` into the viewer `makeViewer` builds around the replay transport (build it as the live one
 * was: the channels it joins decide the channel ids the recording refers to), and resolves with it once all of
 * the recording is decoded. The viewer stays connected; disconnect it when done.
 */
export async function replaySession(
  recording: SessionRecording,
  makeViewer: (transport: ViewerTransport) => RdpViewer,
): Promise<RdpViewer> {
  const transport = replayTransport(recording);
  const viewer = makeViewer(transport);
  const connected = viewer.connect(recording.connectionString, recording.name, recording.password);
  await Promise.race([connected, transport.drained]);
  if (viewer.state !== 'connected') {
    viewer.disconnect();
    await connected.catch(() => undefined);
    throw new Error('the recording ends before the desktop was shown');
  }
  await transport.drained;
  return viewer;
}

/** The frame buffer as `WxH:` and the SHA-256 of its RGBA bytes, in hex: equal digests mean equal pictures. */
export function frameBufferDigest(viewer: RdpViewer): string {
  return frameDigest(viewer.frameBuffer);
}

/** {@link frameBufferDigest} of a frame buffer itself. */
export function frameDigest(fb: FrameBuffer | undefined): string {
  if (!fb) return 'none';
  const digest = scriptCryptoProvider().sha256(fb.data);
  return `${fb.width}x${fb.height}:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const FORMAT = 'rdshare-session-recording/1';

/** The recording as JSON text (chunk bytes as one base64 string plus their lengths), for a file or a page. */
export function encodeRecording(recording: SessionRecording): string {
  const total = recording.chunks.reduce((n, c) => n + c.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of recording.chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const key = recording.tlsPublicKey;
  return JSON.stringify({
    format: FORMAT,
    connectionString: recording.connectionString,
    name: recording.name,
    password: recording.password,
    ...(key ? { tlsPublicKey: { n: key.n.toString(16), e: key.e.toString(16) } } : {}),
    chunkLengths: recording.chunks.map((c) => c.byteLength),
    bytes: toBase64(all),
  });
}

export function decodeRecording(text: string): SessionRecording {
  const json = JSON.parse(text) as {
    format: string;
    connectionString: string;
    name: string;
    password: string;
    tlsPublicKey?: { n: string; e: string };
    chunkLengths: number[];
    bytes: string;
  };
  if (json.format !== FORMAT) throw new Error(`not a ${FORMAT} recording: ${String(json.format)}`);
  const all = fromBase64(json.bytes);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const length of json.chunkLengths) {
    chunks.push(all.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== all.byteLength) throw new Error('the chunk lengths do not add up to the recorded bytes');
  const key = json.tlsPublicKey;
  return {
    connectionString: json.connectionString,
    name: json.name,
    password: json.password,
    ...(key ? { tlsPublicKey: { n: BigInt(`0x${key.n}`), e: BigInt(`0x${key.e}`) } } : {}),
    chunks,
  };
}

/** btoa/atob take binary strings; build them in slices so large recordings do not overflow the argument list. */
const SLICE = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.byteLength; i += SLICE)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + SLICE, bytes.byteLength)));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
