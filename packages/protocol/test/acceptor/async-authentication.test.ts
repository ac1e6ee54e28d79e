import { describe, expect, it } from 'vitest';
import { AcceptorState } from '../../src/acceptor/acceptor.js';
import type { AcceptorOptions, AuthenticationResult } from '../../src/acceptor/acceptor-host.js';
import { decodeSetErrorInfo, ErrorInfo } from '../../src/connection/error-info.js';
import { decodeMcsDomainPdu, McsPduType } from '../../src/connection/mcs.js';
import { decodeShareControl, decodeShareData, PduType, PduType2 } from '../../src/connection/share-headers.js';
import { decodeTpkt } from '../../src/connection/tpkt.js';
import { decodeX224Data, NegProtocol } from '../../src/connection/x224.js';
import { ProtocolError } from '../../src/core/errors.js';
import { prng } from '../data/fuzz.js';
import { nodeCryptoProvider } from '../node-crypto.js';
import { CLIENT_INFO, ScriptedClient } from './scripted-client.js';

const OPTIONS: AcceptorOptions = { crypto: nodeCryptoProvider(), width: 800, height: 600, security: { tls: true } };

/** A verdict the test settles by hand, after the acceptor asked for it. */
function deferred(): {
  promise: Promise<AuthenticationResult>;
  resolve(result: AuthenticationResult): void;
  reject(error: Error): void;
} {
  let resolve!: (result: AuthenticationResult) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<AuthenticationResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the acceptor's promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function pendingClient(): Promise<{ client: ScriptedClient; verdict: ReturnType<typeof deferred> }> {
  const client = new ScriptedClient(OPTIONS);
  const verdict = deferred();
  client.host.verdict = verdict.promise;
  client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
  await client.host.completeTls();
  client.connectInitial();
  client.joinChannels();
  client.clientInfo();
  return { client, verdict };
}

function mcsTypes(frames: Uint8Array[]): number[] {
  return frames.map((f) => decodeMcsDomainPdu(decodeX224Data(decodeTpkt(f))).type);
}

describe('RdpAcceptor with asynchronous authentication', () => {
  it('holds the connection while the verdict is pending, then licenses and activates after an accept', async () => {
    const { client, verdict } = await pendingClient();
    expect(client.host.infos).toEqual([CLIENT_INFO]);
    expect(client.acceptor.state).toBe(AcceptorState.AUTHENTICATION);
    expect(client.acceptor.clientInfo).toEqual(CLIENT_INFO);
    // A pipelining client's Confirm Active waits in the acceptor until the verdict is in.
    client.confirmActive();
    await settle();
    expect(client.host.written).toEqual([]);
    expect(client.acceptor.state).toBe(AcceptorState.AUTHENTICATION);

    verdict.resolve({ accept: true });
    await settle();
    const [license, demand] = client.host.take();
    expect(client.receiveSlowPath(license, true).flags).toBeTruthy();
    expect(decodeShareControl(client.receiveSlowPath(demand, false).payload)?.pduType).toBe(PduType.DEMAND_ACTIVE);
    expect(client.acceptor.state).toBe(AcceptorState.FINALIZATION);
    client.finalize();
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.active?.clientInfo).toEqual(CLIENT_INFO);
    expect(client.host.closed).toBeUndefined();
  });

  it('refuses after a delay with Set Error Info and a disconnect ultimatum', async () => {
    const { client, verdict } = await pendingClient();
    verdict.resolve({ accept: false, errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION, reason: 'nobody answered' });
    await settle();
    const [errorInfo, ultimatum] = client.host.take();
    const data = decodeShareData(
      decodeShareControl(client.receiveSlowPath(errorInfo, false).payload)?.body as Uint8Array,
    );
    expect([data.pduType2, decodeSetErrorInfo(data.body)]).toEqual([
      PduType2.SET_ERROR_INFO,
      ErrorInfo.SERVER_DENIED_CONNECTION,
    ]);
    expect(mcsTypes([ultimatum])).toEqual([McsPduType.DISCONNECT_PROVIDER_ULTIMATUM]);
    expect(client.host.closed).toEqual({ reason: 'authentication refused: nobody answered', error: undefined });
    expect(client.acceptor.state).toBe(AcceptorState.CLOSED);
  });

  it('treats a rejected verdict as a refusal', async () => {
    const { client, verdict } = await pendingClient();
    verdict.reject(new Error('directory unreachable'));
    await settle();
    expect(client.host.take()).toHaveLength(2);
    expect(client.host.closed?.reason).toBe('authentication refused: authenticate() failed: directory unreachable');
  });

  it('treats an authenticate that throws as a refusal', async () => {
    const client = new ScriptedClient(OPTIONS);
    client.host.authenticate = () => {
      throw new Error('bug in the host');
    };
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    await client.host.completeTls();
    client.connectInitial();
    client.joinChannels();
    client.clientInfo();
    expect(client.host.take()).toHaveLength(2);
    expect(client.host.closed).toEqual({
      reason: 'authentication refused: authenticate() failed: bug in the host',
      error: undefined,
    });
  });

  it('sends nothing when the connection closed while the verdict was pending', async () => {
    const { client, verdict } = await pendingClient();
    let closes = 0;
    const onClose = client.host.onClose.bind(client.host);
    client.host.onClose = (reason, error) => {
      closes++;
      onClose(reason, error);
    };
    client.acceptor.transportClosed('viewer went away');
    verdict.resolve({ accept: true });
    await settle();
    expect(client.host.written).toEqual([]);
    expect(closes).toBe(1);
    expect(client.host.closed?.reason).toBe('viewer went away');
    expect(client.host.active).toBeUndefined();
  });

  it('limits what piles up while the verdict is pending', async () => {
    const { client } = await pendingClient();
    for (let i = 0; i < 5 && !client.host.closed; i++) client.send(new Uint8Array(64 * 1024));
    expect(client.host.closed?.error?.code).toBe('OVERSIZE');
    expect(client.host.written).toEqual([]);
  });

  it('fuzz: garbage held during a pending verdict only ever ends in ProtocolError', async () => {
    const rand = prng(11);
    let errors = 0;
    for (let i = 0; i < 200; i++) {
      const { client, verdict } = await pendingClient();
      const garbage = Uint8Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256));
      if (rand() < 0.5) garbage[0] = 3;
      client.send(garbage);
      verdict.resolve({ accept: true });
      await settle();
      if (client.host.closed?.error) {
        expect(client.host.closed.error).toBeInstanceOf(ProtocolError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(50);
  });
});
