import { AcceptorState, RdpAcceptor } from '../../src/acceptor/acceptor.js';
import type { ActivatedClient, AuthenticationResult, RdpSecurityOptions } from '../../src/acceptor/acceptor-host.js';
import type { InputEvent } from '../../src/data/input-event.js';
import type { CryptoProvider } from '../../src/security/crypto-provider.js';
import { encodeProprietaryCertificate } from '../../src/security/proprietary-certificate.js';
import { nodeCryptoProvider } from '../node-crypto.js';
import type { Recording } from './recording.js';

/** What one replay did to the host. */
export interface ReplayOutcome {
  state: AcceptorState;
  active?: ActivatedClient;
  input: InputEvent[];
  /** Every `onClose` call; a well-behaved acceptor makes at most one. */
  closes: { reason: string; error?: unknown }[];
  /** Byte lengths of the acceptor's writes, in order. */
  writes: number[];
  channelMessages: number;
  /** Set when `receive` threw, which it must never do. */
  thrown?: unknown;
  /** CPU time the replay took (see {@link cpuMs}). */
  cpuMs: number;
}

/**
 * This process's CPU time so far, in ms. Time boxes count CPU, not wall-clock time: a replay that is slow
 * costs CPU every time, while a busy machine (other test processes, CI neighbours) only stretches the wall clock.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Replays a recording's client stream (or a mutation of it) into a fresh RdpAcceptor configured like the
 * recorded session: same RSA key, and a CryptoProvider that hands out the recorded random bytes, so the
 * server random matches and the client's Standard RDP Security PDUs decrypt again.
 */
export class Replayer {
  private readonly base: CryptoProvider = nodeCryptoProvider();
  private readonly rdp?: RdpSecurityOptions;

  constructor(
    readonly recording: Recording,
    /** Answer authentication with a promise, so the acceptor holds the client's input until it settles. */
    private readonly asyncAuthentication = false,
  ) {
    if (recording.rsaKey) {
      this.rdp = { key: recording.rsaKey, certificate: encodeProprietaryCertificate(recording.rsaKey, this.base) };
    }
  }

  /** Feeds `chunks` one `receive` call each, letting a TLS upgrade complete where the acceptor asks for one. */
  async replay(chunks: readonly Uint8Array[]): Promise<ReplayOutcome> {
    const recorded = this.recording.randomBytes;
    let draws = 0;
    const crypto: CryptoProvider = {
      ...this.base,
      // A mutated stream cannot draw more often than the recording did, but stays deterministic if it does.
      randomBytes: (n) => {
        const next = recorded[draws++];
        return next?.byteLength === n ? next.slice() : new Uint8Array(n);
      },
    };
    const outcome: ReplayOutcome = {
      state: AcceptorState.INITIAL,
      input: [],
      closes: [],
      writes: [],
      channelMessages: 0,
      cpuMs: 0,
    };
    let tls: Promise<void> | undefined;
    let verdict: Promise<AuthenticationResult> | undefined;
    const acceptor = new RdpAcceptor(
      {
        write: (bytes) => {
          outcome.writes.push(bytes.byteLength);
        },
        startTls: () => {
          tls = Promise.resolve();
          return tls;
        },
        authenticate: () => {
          if (!this.asyncAuthentication) return { accept: true };
          verdict = Promise.resolve({ accept: true });
          return verdict;
        },
        onActive: (client) => {
          outcome.active = client;
        },
        onInput: (events) => {
          outcome.input.push(...events);
        },
        onChannelData: () => {
          outcome.channelMessages++;
        },
        onClose: (reason, error) => {
          outcome.closes.push({ reason, error });
        },
      },
      {
        crypto,
        width: this.recording.width,
        height: this.recording.height,
        security: { tls: this.recording.expected.securityLayer === 'tls', ...(this.rdp ? { rdp: this.rdp } : {}) },
      },
    );
    const start = cpuMs();
    try {
      for (const chunk of chunks) {
        acceptor.receive(chunk.slice());
        if (tls) {
          // The acceptor resumes in a callback on this promise, queued before ours.
          await tls;
          tls = undefined;
        }
        if (verdict) {
          await verdict;
          verdict = undefined;
        }
      }
    } catch (error) {
      outcome.thrown = error;
    }
    outcome.cpuMs = cpuMs() - start;
    outcome.state = acceptor.state;
    return outcome;
  }
}
