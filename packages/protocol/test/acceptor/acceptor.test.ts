import { describe, expect, it } from 'vitest';
import { AcceptorState } from '../../src/acceptor/acceptor.js';
import type { AcceptorOptions } from '../../src/acceptor/acceptor-host.js';
import { chunkChannelData } from '../../src/channels/virtual-channel.js';
import { decodeDemandActive } from '../../src/connection/active.js';
import { type CapabilitySet, CapabilitySetType, findCapability } from '../../src/connection/capabilities.js';
import { type ClientInfo, InfoFlag } from '../../src/connection/client-info.js';
import { decodeSetErrorInfo, ErrorInfo } from '../../src/connection/error-info.js';
import { ControlAction, decodeControl, decodeFontMap, decodeSynchronize } from '../../src/connection/finalization.js';
import { decodeLicensingPdu, LicenseErrorCode } from '../../src/connection/licensing.js';
import { decodeMcsDomainPdu, McsPduType } from '../../src/connection/mcs.js';
import { encodeRefreshRect } from '../../src/connection/refresh-rect.js';
import { SecurityHeaderKind } from '../../src/connection/security-header.js';
import { decodeShareControl, decodeShareData, PduType, PduType2 } from '../../src/connection/share-headers.js';
import { encodeSuppressOutput } from '../../src/connection/suppress-output.js';
import { decodeTpkt, encodeTpkt } from '../../src/connection/tpkt.js';
import { decodeConnectionConfirm, decodeX224Data, NegFailureCode, NegProtocol } from '../../src/connection/x224.js';
import { ProtocolError } from '../../src/core/errors.js';
import { BulkCompressionFlag, MppcDecompressor } from '../../src/data/bulk-compression.js';
import { FastPathSecurityFlags } from '../../src/data/fastpath-envelope.js';
import { encodeFastPathInputEvents, encodeFastPathInputPdu } from '../../src/data/fastpath-input.js';
import {
  decodeFastPathOutputPdu,
  decodeFastPathUpdates,
  FASTPATH_FRAGMENT_SAFE_SIZE,
  FastPathFragmentation,
  FastPathUpdateCode,
} from '../../src/data/fastpath-output.js';
import { mouseMoveEvent } from '../../src/data/input-event.js';
import { encodeOrdersUpdate } from '../../src/data/orders-update.js';
import { OrderSupportIndex, ROP3_SRCCOPY } from '../../src/data/primary-orders.js';
import { encodeSlowPathInput } from '../../src/data/slowpath-input.js';
import { encryptClientRandom } from '../../src/security/client-random.js';
import { EncryptionMethod } from '../../src/security/encryption-method.js';
import {
  decodeProprietaryCertificate,
  encodeProprietaryCertificate,
} from '../../src/security/proprietary-certificate.js';
import { RdpSecurityContext } from '../../src/security/rdp-security.js';
import { encodeSecurityExchange } from '../../src/security/security-exchange.js';
import { SecurityFlag } from '../../src/security/security-flags.js';
import { prng } from '../data/fuzz.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { CLIENT_INFO, ScriptedClient } from './scripted-client.js';

const crypto = nodeCryptoProvider();
const rsaKey = generateRsaKey(512);
const certificate = encodeProprietaryCertificate(rsaKey, crypto);
const TLS_OPTIONS: AcceptorOptions = {
  crypto,
  width: 800,
  height: 600,
  security: { tls: true, rdp: { key: rsaKey, certificate } },
};
const RDP_OPTIONS: AcceptorOptions = {
  crypto,
  width: 800,
  height: 600,
  security: { tls: false, rdp: { key: rsaKey, certificate } },
};

function dataPdus(client: ScriptedClient, expectHeader: boolean) {
  return client.host.take().map((bytes) => {
    const { payload } = client.receiveSlowPath(bytes, expectHeader);
    const control = decodeShareControl(payload);
    if (!control) throw new Error('flow PDU');
    return control.pduType === PduType.DATA ? { control, data: decodeShareData(control.body) } : { control };
  });
}

/** TS_ORDER_CAPABILITYSET.orderSupport with only the orders at `indices`. */
function orderSupportOf(...indices: number[]): Uint8Array {
  const support = new Uint8Array(32);
  for (const i of indices) support[i] = 1;
  return support;
}

/** A client active over TLS whose Confirm Active carries the server's capability sets changed by `adjust`. */
async function activateOverTls(
  adjust?: Parameters<ScriptedClient['confirmActive']>[0],
  requestedProtocols: number = NegProtocol.SSL | NegProtocol.HYBRID,
  info: ClientInfo = CLIENT_INFO,
): Promise<ScriptedClient> {
  const client = new ScriptedClient(TLS_OPTIONS);
  client.connectionRequest({ flags: 0, requestedProtocols });
  await client.host.completeTls();
  client.connectInitial();
  client.joinChannels();
  client.clientInfo(info);
  client.host.take();
  client.confirmActive(adjust);
  client.finalize();
  client.host.take();
  return client;
}

describe('RdpAcceptor over TLS', () => {
  it('negotiates SSL, holds input until the TLS upgrade and then runs the whole connection sequence', async () => {
    const client = new ScriptedClient(TLS_OPTIONS);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL | NegProtocol.HYBRID });
    const [cc] = client.host.take();
    expect(decodeConnectionConfirm(decodeTpkt(cc))).toEqual({
      kind: 'response',
      flags: 1,
      selectedProtocol: NegProtocol.SSL,
    });
    expect(client.host.tlsStarted).toBe(true);
    expect(client.acceptor.state).toBe(AcceptorState.TLS_HANDSHAKE);

    await client.host.completeTls();
    expect(client.acceptor.state).toBe(AcceptorState.MCS_CONNECT);
    const server = client.connectInitial();
    expect(server.core).toEqual({ version: 0x00080004, clientRequestedProtocols: 3, earlyCapabilityFlags: 0 });
    expect(server.security).toEqual({ encryptionMethod: 0, encryptionLevel: 0 });
    expect(server.network).toEqual({ mcsChannelId: 1003, channelIds: [1004, 1005] });

    const confirms = client.joinChannels();
    expect(confirms.slice(1)).toEqual([
      { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 0, initiator: 1006, requested: 1006, channelId: 1006 },
      { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 0, initiator: 1006, requested: 1003, channelId: 1003 },
      { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 0, initiator: 1006, requested: 1004, channelId: 1004 },
      { type: McsPduType.CHANNEL_JOIN_CONFIRM, result: 0, initiator: 1006, requested: 1005, channelId: 1005 },
    ]);

    client.clientInfo();
    expect(client.host.infos).toEqual([CLIENT_INFO]);
    const [license, demand] = client.host.take();
    const lic = client.receiveSlowPath(license, true);
    expect(lic.flags).toBe(SecurityFlag.LICENSE_PKT);
    expect(decodeLicensingPdu(lic.payload)).toMatchObject({ errorCode: LicenseErrorCode.STATUS_VALID_CLIENT });
    const demandPdu = decodeShareControl(client.receiveSlowPath(demand, false).payload);
    expect(demandPdu?.pduType).toBe(PduType.DEMAND_ACTIVE);
    const caps = decodeDemandActive(demandPdu?.body as Uint8Array).capabilitySets;
    expect(findCapability(caps, CapabilitySetType.BITMAP)).toMatchObject({
      desktopWidth: 800,
      desktopHeight: 600,
      preferredBitsPerPixel: 32,
    });

    client.confirmActive();
    expect(client.acceptor.state).toBe(AcceptorState.FINALIZATION);
    client.finalize();
    const replies = dataPdus(client, false);
    expect(replies.map((r) => r.data?.pduType2)).toEqual([
      PduType2.SYNCHRONIZE,
      PduType2.CONTROL,
      PduType2.CONTROL,
      PduType2.FONTMAP,
    ]);
    expect(decodeSynchronize(replies[0].data?.body as Uint8Array)).toEqual({ messageType: 1, targetUser: 1006 });
    expect(decodeControl(replies[1].data?.body as Uint8Array).action).toBe(ControlAction.COOPERATE);
    expect(decodeControl(replies[2].data?.body as Uint8Array)).toEqual({
      action: ControlAction.GRANTED_CONTROL,
      grantId: 1006,
      controlId: 1002,
    });
    expect(decodeFontMap(replies[3].data?.body as Uint8Array).mapFlags).toBe(3);

    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.active).toMatchObject({
      width: 800,
      height: 600,
      colorDepth: 32,
      securityLayer: 'tls',
      channels: ['rdpdr', 'encomsp'],
    });
    expect(client.host.active?.capabilities).toMatchObject({
      fastPathOutput: true,
      multifragmentMaxRequestSize: 0x10000,
      pointerCacheSize: 25,
      largePointerFlags: 3,
      scrBlt: true,
      // It draws MemBlt but sent no revision 2 bitmap cache: nothing to draw from.
      bitmapCacheCells: [],
    });
    expect(client.host.closed).toBeUndefined();
  });

  it('decodes fast-path and slow-path input, refresh rect, suppress output and channel data', async () => {
    const client = await activateOverTls();
    const { numEvents, payload } = encodeFastPathInputEvents([mouseMoveEvent(10, 20)]);
    client.send(encodeFastPathInputPdu({ numEvents, payload }));
    client.data(PduType2.INPUT, encodeSlowPathInput([mouseMoveEvent(30, 40)]));
    expect(client.host.input).toEqual([mouseMoveEvent(10, 20), mouseMoveEvent(30, 40)]);

    client.data(PduType2.REFRESH_RECT, encodeRefreshRect([{ left: 0, top: 0, right: 99, bottom: 49 }]));
    client.data(PduType2.SUPPRESS_OUTPUT, encodeSuppressOutput({ allowDisplayUpdates: false }));
    expect(client.host.refresh).toEqual([[{ left: 0, top: 0, right: 99, bottom: 49 }]]);
    expect(client.host.suppress).toEqual([[false, undefined]]);

    const message = Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff);
    for (const chunk of chunkChannelData(message)) client.sendSecure(1005, chunk);
    for (const chunk of chunkChannelData(Uint8Array.of(1, 2, 3))) client.sendSecure(1004, chunk);
    expect(client.host.channelData).toEqual([
      ['encomsp', message],
      ['rdpdr', Uint8Array.of(1, 2, 3)],
    ]);
    expect(client.host.closed).toBeUndefined();
  });

  it('fragments large fast-path updates and batches small ones', async () => {
    const client = await activateOverTls();
    const big = new Uint8Array(40_000).fill(7);
    client.acceptor.sendFastPath([{ code: FastPathUpdateCode.BITMAP, data: big }]);
    const pdus = client.host.take().map((b) => decodeFastPathOutputPdu(b));
    const fragments = pdus.flatMap((p) => decodeFastPathUpdates(p.updates));
    expect(fragments.map((f) => f.fragmentation)).toEqual([
      FastPathFragmentation.FIRST,
      FastPathFragmentation.NEXT,
      FastPathFragmentation.LAST,
    ]);
    expect(fragments.reduce((n, f) => n + f.data.byteLength, 0)).toBe(40_000);
    for (const p of pdus) expect(p.length).toBeLessThanOrEqual(0x3fff);

    client.acceptor.sendFastPath([
      { code: FastPathUpdateCode.PTR_DEFAULT, data: new Uint8Array(0) },
      { code: FastPathUpdateCode.BITMAP, data: new Uint8Array(100) },
    ]);
    const [one] = client.host.take();
    expect(decodeFastPathUpdates(decodeFastPathOutputPdu(one).updates).map((u) => u.code)).toEqual([
      FastPathUpdateCode.PTR_DEFAULT,
      FastPathUpdateCode.BITMAP,
    ]);
    expect(() => client.acceptor.sendFastPath([{ code: 1, data: new Uint8Array(0x10001) }])).toThrow(ProtocolError);
  });

  it('compresses each fragment with MPPC for a client that asked for bulk compression', async () => {
    // CompressionTypeMask 3 (RDP 6.1): the client decodes 64K MPPC too.
    const info = { ...CLIENT_INFO, flags: CLIENT_INFO.flags | InfoFlag.COMPRESSION | (3 << 9) };
    const client = await activateOverTls(undefined, NegProtocol.SSL | NegProtocol.HYBRID, info);
    const inflate = new MppcDecompressor();
    const received = () =>
      client.host
        .take()
        .flatMap((b) => decodeFastPathUpdates(decodeFastPathOutputPdu(b).updates))
        .map((u) => ({ ...u, data: new Uint8Array(inflate.decompress(u.data, u.compressionFlags ?? 0)) }));
    const text = new TextEncoder().encode('a line of text on a shared desktop, '.repeat(1200));
    client.acceptor.sendFastPath([{ code: FastPathUpdateCode.BITMAP, data: text }]);
    const fragments = received();
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments.every((f) => (f.compressionFlags ?? 0) & BulkCompressionFlag.PACKET_COMPRESSED)).toBe(true);
    expect(Buffer.concat(fragments.map((f) => f.data))).toEqual(Buffer.from(text));
    const rand = prng(3);
    const noise = Uint8Array.from({ length: 3000 }, () => Math.floor(rand() * 256));
    client.acceptor.sendFastPath([{ code: FastPathUpdateCode.BITMAP, data: noise }]);
    const [raw] = received();
    // Noise goes without compressionFlags: outside the history, which the next text still matches against.
    expect(raw.compressionFlags).toBeUndefined();
    expect(raw.data).toEqual(noise);
    // A client that did not ask gets no compressionFlags at all.
    const plain = await activateOverTls();
    plain.acceptor.sendFastPath([{ code: FastPathUpdateCode.BITMAP, data: text.subarray(0, 1000) }]);
    const [update] = plain.host.take().flatMap((b) => decodeFastPathUpdates(decodeFastPathOutputPdu(b).updates));
    expect(update.compressionFlags).toBeUndefined();
  });

  it('sends channel data chunked and ends with error info and a disconnect ultimatum', async () => {
    const client = await activateOverTls();
    client.acceptor.sendChannelData('encomsp', new Uint8Array(2000));
    const chunks = client.host.take().map((b) => client.receiveSlowPath(b, false));
    expect(chunks.map((c) => [c.channelId, c.payload.byteLength])).toEqual([
      [1005, 1608],
      [1005, 408],
    ]);
    client.acceptor.disconnect(ErrorInfo.RPC_INITIATED_DISCONNECT);
    const [errorInfo, ultimatum] = client.host.take();
    const error = decodeShareData(
      decodeShareControl(client.receiveSlowPath(errorInfo, false).payload)?.body as Uint8Array,
    );
    expect([error.pduType2, decodeSetErrorInfo(error.body)]).toEqual([PduType2.SET_ERROR_INFO, 1]);
    expect(decodeMcsDomainPdu(decodeX224Data(decodeTpkt(ultimatum))).type).toBe(
      McsPduType.DISCONNECT_PROVIDER_ULTIMATUM,
    );
    expect(client.host.closed?.reason).toMatch(/server disconnected/);
    expect(client.acceptor.state).toBe(AcceptorState.CLOSED);
  });

  it('falls back to slow-path updates for a client without fast-path output', async () => {
    const client = await activateOverTls(
      (caps) => [
        ...caps.map((c) => (c.type === CapabilitySetType.GENERAL ? { ...c, extraFlags: 0 } : c)),
        { type: CapabilitySetType.MULTIFRAGMENTUPDATE, maxRequestSize: 0x100000 },
      ],
      NegProtocol.SSL,
    );
    expect(client.host.active?.capabilities.fastPathOutput).toBe(false);
    // Its MultifragmentUpdate size does not apply to slow-path updates (one share data PDU each): a larger update
    // could not be sent at all.
    expect(client.host.active?.capabilities.multifragmentMaxRequestSize).toBe(FASTPATH_FRAGMENT_SAFE_SIZE);
    const bitmap = Uint8Array.of(1, 0, 0, 0);
    client.acceptor.sendFastPath([
      { code: FastPathUpdateCode.BITMAP, data: bitmap },
      { code: FastPathUpdateCode.PTR_POSITION, data: Uint8Array.of(10, 0, 20, 0) },
    ]);
    const [update, pointer] = dataPdus(client, false);
    expect([update.data?.pduType2, update.data?.body]).toEqual([PduType2.UPDATE, bitmap]);
    const orders = encodeOrdersUpdate([
      { type: 'scrBlt', left: 0, top: 0, width: 64, height: 64, rop: ROP3_SRCCOPY, xSrc: 0, ySrc: 8 },
    ]);
    client.acceptor.sendFastPath([{ code: FastPathUpdateCode.ORDERS, data: orders }]);
    const [ordersUpdate] = dataPdus(client, false);
    // TS_UPDATE_ORDERS_PDU_DATA: updateType UPDATETYPE_ORDERS, pad2OctetsA, numberOrders, pad2OctetsB, orderData.
    expect(ordersUpdate.data?.body).toEqual(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, ...orders.subarray(2)]));
    expect([pointer.data?.pduType2, pointer.data?.body]).toEqual([
      PduType2.POINTER,
      Uint8Array.of(3, 0, 0, 0, 10, 0, 20, 0),
    ]);
  });

  it('takes the revision 2 bitmap caches of a client that draws MemBlt, without the persistent bit', async () => {
    const rev2 = {
      type: CapabilitySetType.BITMAPCACHE_REV2,
      cacheFlags: 2,
      numCellCaches: 3,
      cellInfo0: 600,
      cellInfo1: 600,
      cellInfo2: 0x80000000 | 2048,
      cellInfo3: 4096,
      cellInfo4: 0,
    } as const;
    const client = await activateOverTls((caps) => [...caps, rev2]);
    expect(client.host.active?.capabilities.bitmapCacheCells).toEqual([600, 600, 2048]);
    const noMemBlt = await activateOverTls((caps) => [
      ...caps.map((c) =>
        c.type === CapabilitySetType.ORDER ? { ...c, orderSupport: orderSupportOf(OrderSupportIndex.SCRBLT) } : c,
      ),
      rev2,
    ]);
    expect(noMemBlt.host.active?.capabilities).toMatchObject({ scrBlt: true, bitmapCacheCells: [] });
  });

  it.each([
    ['no ScrBlt in orderSupport', (c: CapabilitySet) => ({ ...c, orderSupport: orderSupportOf() })],
    ['orderSupport not negotiated (no NEGOTIATEORDERSUPPORT)', (c: CapabilitySet) => ({ ...c, orderFlags: 0x20 })],
  ])('takes a client with %s as one that draws no ScrBlt and no MemBlt', async (_, adjust) => {
    const client = await activateOverTls((caps) =>
      caps.map((c) => (c.type === CapabilitySetType.ORDER ? adjust(c) : c)),
    );
    expect(client.host.active?.capabilities).toMatchObject({ scrBlt: false, bitmapCacheCells: [] });
  });

  it('resizes with a deactivation-reactivation sequence', async () => {
    const client = await activateOverTls();
    client.acceptor.resize(1024, 768);
    const [deactivate, demand] = client.host
      .take()
      .map((b) => decodeShareControl(client.receiveSlowPath(b, false).payload));
    expect(deactivate?.pduType).toBe(PduType.DEACTIVATE_ALL);
    const caps = decodeDemandActive(demand?.body as Uint8Array).capabilitySets;
    expect(findCapability(caps, CapabilitySetType.BITMAP)).toMatchObject({ desktopWidth: 1024, desktopHeight: 768 });
    expect(client.acceptor.state).toBe(AcceptorState.CAPABILITIES);
    client.data(PduType2.INPUT, encodeSlowPathInput([mouseMoveEvent(1, 1)]));
    expect(client.host.closed).toBeUndefined();
    client.confirmActive();
    client.finalize();
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.active).toMatchObject({ width: 1024, height: 768 });
  });

  it('treats a Shutdown Request as the viewer leaving', async () => {
    const client = await activateOverTls();
    client.data(PduType2.SHUTDOWN_REQUEST, new Uint8Array(0));
    const [ultimatum] = client.host.take();
    expect(decodeMcsDomainPdu(decodeX224Data(decodeTpkt(ultimatum)))).toEqual({
      type: McsPduType.DISCONNECT_PROVIDER_ULTIMATUM,
      reason: 3,
    });
    expect(client.host.closed).toEqual({ reason: 'client shut down', error: undefined });
  });
});

describe('RdpAcceptor with Standard RDP Security', () => {
  for (const { fips, method, kind, level } of [
    { fips: false, method: EncryptionMethod.BIT_128, kind: SecurityHeaderKind.NON_FIPS, level: 2 },
    { fips: true, method: EncryptionMethod.FIPS, kind: SecurityHeaderKind.FIPS, level: 4 },
  ]) {
    it(`exchanges keys, decrypts the client and encrypts everything it sends (method 0x${method.toString(16)})`, () => {
      const client = new ScriptedClient({
        ...RDP_OPTIONS,
        security: { tls: false, rdp: { key: rsaKey, certificate, fips } },
      });
      client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
      expect(decodeConnectionConfirm(decodeTpkt(client.host.take()[0]))).toEqual({
        kind: 'response',
        flags: 1,
        selectedProtocol: NegProtocol.RDP,
      });
      const server = client.connectInitial();
      expect(server.security).toMatchObject({ encryptionMethod: method, encryptionLevel: level });
      const cert = decodeProprietaryCertificate(server.security?.serverCertificate as Uint8Array, crypto);
      expect(cert.publicKey.n).toBe(rsaKey.n);
      client.joinChannels();

      const clientRandom = crypto.randomBytes(32);
      client.sendSecure(
        1003,
        encodeSecurityExchange({ flags: 0, encryptedClientRandom: encryptClientRandom(clientRandom, cert.publicKey) }),
      );
      expect(client.acceptor.state).toBe(AcceptorState.CLIENT_INFO);
      client.security = new RdpSecurityContext({
        role: 'client',
        method,
        clientRandom,
        serverRandom: server.security?.serverRandom as Uint8Array,
        crypto,
      });
      client.headerKind = kind;
      client.clientInfo();
      expect(client.host.infos[0]).toEqual(CLIENT_INFO);

      const [license, demand] = client.host.take();
      expect(decodeLicensingPdu(client.receiveSlowPath(license, true).payload)).toMatchObject({ errorCode: 7 });
      const demandPdu = client.receiveSlowPath(demand, true);
      expect(demandPdu.flags & SecurityFlag.ENCRYPT).toBeTruthy();
      expect(decodeShareControl(demandPdu.payload)?.pduType).toBe(PduType.DEMAND_ACTIVE);

      client.confirmActive();
      client.finalize();
      const replies = dataPdus(client, true);
      expect(replies.map((r) => r.data?.pduType2)).toEqual([
        PduType2.SYNCHRONIZE,
        PduType2.CONTROL,
        PduType2.CONTROL,
        PduType2.FONTMAP,
      ]);
      expect(client.host.active?.securityLayer).toBe('rdp');

      const { numEvents, payload } = encodeFastPathInputEvents([mouseMoveEvent(5, 6)]);
      const enc = client.security.encrypt(payload);
      client.send(
        encodeFastPathInputPdu({
          flags: FastPathSecurityFlags.ENCRYPTED,
          numEvents,
          signature: enc.signature,
          ...(fips ? { fipsInformation: { length: 0x10, version: 1, padLength: enc.padLength } } : {}),
          payload: enc.data,
        }),
      );
      expect(client.host.input).toEqual([mouseMoveEvent(5, 6)]);

      client.acceptor.sendFastPath([{ code: FastPathUpdateCode.BITMAP, data: new Uint8Array(64).fill(3) }]);
      const out = decodeFastPathOutputPdu(client.host.take()[0], { fips });
      expect(out.flags & FastPathSecurityFlags.ENCRYPTED).toBeTruthy();
      const plain = client.security.decrypt(out.updates, out.signature as Uint8Array, {
        padLength: out.fipsInformation?.padLength,
      });
      expect(decodeFastPathUpdates(plain)[0].data).toEqual(new Uint8Array(64).fill(3));
      expect(client.host.closed).toBeUndefined();
    });
  }

  it('fails the connection on a bad MAC', () => {
    const client = new ScriptedClient(RDP_OPTIONS);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    const server = client.connectInitial();
    client.joinChannels();
    const cert = decodeProprietaryCertificate(server.security?.serverCertificate as Uint8Array, crypto);
    const clientRandom = crypto.randomBytes(32);
    client.sendSecure(
      1003,
      encodeSecurityExchange({ flags: 0, encryptedClientRandom: encryptClientRandom(clientRandom, cert.publicKey) }),
    );
    client.security = new RdpSecurityContext({
      role: 'client',
      method: EncryptionMethod.BIT_128,
      clientRandom: new Uint8Array(32),
      serverRandom: server.security?.serverRandom as Uint8Array,
      crypto,
    });
    client.headerKind = SecurityHeaderKind.NON_FIPS;
    client.clientInfo();
    expect(client.host.closed?.error?.code).toBe('SECURITY');
    expect(client.host.infos).toEqual([]);
  });
});

describe('RdpAcceptor negotiation and refusal', () => {
  it('answers SSL_NOT_ALLOWED_BY_SERVER when TLS is off, so FreeRDP retries with Standard RDP Security', () => {
    const client = new ScriptedClient(RDP_OPTIONS);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    expect(decodeConnectionConfirm(decodeTpkt(client.host.take()[0]))).toEqual({
      kind: 'failure',
      failureCode: NegFailureCode.SSL_NOT_ALLOWED_BY_SERVER,
    });
    expect(client.host.closed?.reason).toMatch(/negotiation failed/);
  });

  it('answers SSL_REQUIRED_BY_SERVER to a Standard-RDP-only client when only TLS is offered', () => {
    const client = new ScriptedClient({ ...TLS_OPTIONS, security: { tls: true } });
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    expect(decodeConnectionConfirm(decodeTpkt(client.host.take()[0]))).toEqual({
      kind: 'failure',
      failureCode: NegFailureCode.SSL_REQUIRED_BY_SERVER,
    });
  });

  it('accepts a legacy request without RDP_NEG_REQ with a bare Connection Confirm', () => {
    const client = new ScriptedClient(RDP_OPTIONS);
    client.connectionRequest();
    expect(decodeConnectionConfirm(decodeTpkt(client.host.take()[0]))).toEqual({ kind: 'none' });
    expect(client.acceptor.state).toBe(AcceptorState.MCS_CONNECT);
  });

  it('refuses a wrong password with Set Error Info and a disconnect ultimatum', async () => {
    const client = new ScriptedClient(TLS_OPTIONS);
    client.host.verdict = {
      accept: false,
      errorInfo: ErrorInfo.SERVER_DENIED_CONNECTION,
      reason: 'wrong invitation password',
    };
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    await client.host.completeTls();
    client.connectInitial();
    client.joinChannels();
    client.clientInfo({ ...CLIENT_INFO, alternateShell: 'wrong' });
    const [errorInfo, ultimatum] = client.host.take();
    const data = decodeShareData(
      decodeShareControl(client.receiveSlowPath(errorInfo, false).payload)?.body as Uint8Array,
    );
    expect([data.pduType2, decodeSetErrorInfo(data.body)]).toEqual([
      PduType2.SET_ERROR_INFO,
      ErrorInfo.SERVER_DENIED_CONNECTION,
    ]);
    expect(decodeMcsDomainPdu(decodeX224Data(decodeTpkt(ultimatum))).type).toBe(
      McsPduType.DISCONNECT_PROVIDER_ULTIMATUM,
    );
    expect(client.host.closed?.reason).toBe('authentication refused: wrong invitation password');
    expect(client.host.active).toBeUndefined();
  });

  it('accepts a preconnection PDU before the Connection Request', () => {
    const client = new ScriptedClient(RDP_OPTIONS);
    client.send(Uint8Array.of(0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x2a, 0, 0, 0));
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    expect(client.acceptor.preconnection).toEqual({ version: 1, flags: 0, id: 42 });
    expect(client.acceptor.state).toBe(AcceptorState.MCS_CONNECT);
  });
});

describe('RdpAcceptor robustness', () => {
  it('closes with a ProtocolError instead of throwing on garbage, and ignores input afterwards', () => {
    const client = new ScriptedClient(TLS_OPTIONS);
    expect(() => client.send(encodeTpkt(Uint8Array.of(2, 0xf0, 0x80, 0x28)))).not.toThrow();
    expect(client.host.closed?.error).toBeInstanceOf(ProtocolError);
    expect(client.host.closed?.error?.code).toBe('UNEXPECTED');
    client.send(new Uint8Array(100));
    expect(client.host.written).toEqual([]);
  });

  it('limits what piles up during the TLS handshake', () => {
    const client = new ScriptedClient(TLS_OPTIONS);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    for (let i = 0; i < 5; i++) client.send(new Uint8Array(64 * 1024));
    expect(client.host.closed?.error?.code).toBe('OVERSIZE');
  });

  it('survives byte-by-byte delivery', async () => {
    const client = new ScriptedClient(TLS_OPTIONS);
    const send = client.send.bind(client);
    client.send = (bytes) => {
      for (const b of bytes) send(Uint8Array.of(b));
    };
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    await client.host.completeTls();
    client.connectInitial();
    client.joinChannels();
    client.clientInfo();
    client.host.take();
    client.confirmActive();
    client.finalize();
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
  });

  it('fuzz: mutated client streams only ever end in ProtocolError', async () => {
    const recorder = new ScriptedClient(TLS_OPTIONS);
    const stream: Uint8Array[] = [];
    const send = recorder.send.bind(recorder);
    recorder.send = (bytes) => {
      stream.push(bytes);
      send(bytes);
    };
    recorder.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    await recorder.host.completeTls();
    recorder.connectInitial();
    recorder.joinChannels();
    recorder.clientInfo();
    recorder.confirmActive();
    recorder.finalize();
    const { numEvents, payload } = encodeFastPathInputEvents([mouseMoveEvent(1, 2)]);
    recorder.send(encodeFastPathInputPdu({ numEvents, payload }));
    expect(recorder.host.active).toBeDefined();

    const rand = prng(7);
    let errors = 0;
    for (let i = 0; i < 1500; i++) {
      const client = new ScriptedClient(TLS_OPTIONS);
      const target = Math.floor(rand() * stream.length);
      for (let j = 0; j < stream.length && !client.host.closed; j++) {
        let bytes = stream[j];
        if (j === target) {
          bytes = bytes.slice();
          for (let k = 1 + Math.floor(rand() * 4); k > 0; k--)
            bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        }
        client.acceptor.receive(bytes);
        if (j === 0) await client.host.completeTls();
      }
      if (client.host.closed?.error) {
        expect(client.host.closed.error).toBeInstanceOf(ProtocolError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
  });
});
