import { describe, expect, it } from 'vitest';
import { AcceptorState } from '../../src/acceptor/acceptor.js';
import type { AcceptorOptions } from '../../src/acceptor/acceptor-host.js';
import { ControlAction, encodeControl, encodeFontList, encodeSynchronize } from '../../src/connection/finalization.js';
import { decodeMcsDomainPdu, McsPduType } from '../../src/connection/mcs.js';
import { decodeShareControl, decodeShareData, PduType2 } from '../../src/connection/share-headers.js';
import { decodeTpkt, encodeTpkt } from '../../src/connection/tpkt.js';
import { decodeX224Data, encodeX224Data, NegProtocol } from '../../src/connection/x224.js';
import { EncryptionMethod } from '../../src/security/encryption-method.js';
import { encodeProprietaryCertificate } from '../../src/security/proprietary-certificate.js';
import { generateRsaKey, nodeCryptoProvider } from '../node-crypto.js';
import { hex } from '../security/hex.js';
import { CLIENT_DATA, ScriptedClient } from './scripted-client.js';

const crypto = nodeCryptoProvider();
const rsaKey = generateRsaKey(512);
const certificate = encodeProprietaryCertificate(rsaKey, crypto);
const TLS: AcceptorOptions = { crypto, width: 800, height: 600, security: { tls: true } };
const RDP: AcceptorOptions = {
  crypto,
  width: 800,
  height: 600,
  security: { tls: false, rdp: { key: rsaKey, certificate } },
};

/** The MCS user id the acceptor gives the scripted client (two static channels): 1006. */
const USER_ID_BYTES = 'ee 03';

async function tlsClient(): Promise<ScriptedClient> {
  const client = new ScriptedClient(TLS);
  client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
  await client.host.completeTls();
  return client;
}

async function confirmedClient(): Promise<ScriptedClient> {
  const client = await tlsClient();
  client.connectInitial();
  client.joinChannels();
  client.clientInfo();
  client.confirmActive();
  client.host.take();
  return client;
}

/** The server's answers as `pduType2: body` hex strings. */
function replies(client: ScriptedClient): string[] {
  return client.host.take().map((frame) => {
    const data = decodeShareData(decodeShareControl(client.receiveSlowPath(frame, false).payload)?.body as Uint8Array);
    return `${data.pduType2.toString(16)}: ${Buffer.from(data.body)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ')}`;
  });
}

const SYNCHRONIZE = `1f: 01 00 ${USER_ID_BYTES}`;
const COOPERATE = '14: 04 00 00 00 00 00 00 00';
const GRANTED_CONTROL = `14: 02 00 ${USER_ID_BYTES} ea 03 00 00`;
const FONT_MAP = '28: 00 00 00 00 03 00 04 00';

const clientPdus = {
  synchronize: (c: ScriptedClient) =>
    c.data(PduType2.SYNCHRONIZE, encodeSynchronize({ messageType: 1, targetUser: 1002 })),
  cooperate: (c: ScriptedClient) =>
    c.data(PduType2.CONTROL, encodeControl({ action: ControlAction.COOPERATE, grantId: 0, controlId: 0 })),
  requestControl: (c: ScriptedClient) =>
    c.data(PduType2.CONTROL, encodeControl({ action: ControlAction.REQUEST_CONTROL, grantId: 0, controlId: 0 })),
  fontList: (c: ScriptedClient) =>
    c.data(PduType2.FONTLIST, encodeFontList({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 0x32 })),
};

describe('Windows-compatible MCS domain', () => {
  it('accepts an Erect Domain Request with zero-length PER integers and carries on', async () => {
    const client = await tlsClient();
    client.connectInitial();
    client.send(encodeTpkt(encodeX224Data(hex('04 00 00'))));
    client.mcs({ type: McsPduType.ATTACH_USER_REQUEST });
    const [confirm] = client.host.take().map((b) => decodeMcsDomainPdu(decodeX224Data(decodeTpkt(b))));
    expect(confirm).toEqual({ type: McsPduType.ATTACH_USER_CONFIRM, result: 0, initiator: 1006 });
    expect(client.host.closed).toBeUndefined();
  });
});

describe('connection finalization in any order', () => {
  it('answers each PDU as it arrives, for a client that waits for the server before its Font List', async () => {
    const client = await confirmedClient();
    clientPdus.synchronize(client);
    expect(replies(client)).toEqual([SYNCHRONIZE]);
    clientPdus.cooperate(client);
    expect(replies(client)).toEqual([COOPERATE]);
    clientPdus.requestControl(client);
    expect(replies(client)).toEqual([GRANTED_CONTROL]);
    expect(client.acceptor.state).toBe(AcceptorState.FINALIZATION);
    clientPdus.fontList(client);
    expect(replies(client)).toEqual([FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.active).toBeDefined();
  });

  it('answers a client that sends everything at once (FreeRDP) in Windows order', async () => {
    const client = await confirmedClient();
    client.finalize();
    expect(replies(client)).toEqual([SYNCHRONIZE, COOPERATE, GRANTED_CONTROL, FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
  });

  it('completes on a Font List that comes first, and ignores the late ones', async () => {
    const client = await confirmedClient();
    clientPdus.fontList(client);
    expect(replies(client)).toEqual([SYNCHRONIZE, COOPERATE, GRANTED_CONTROL, FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    clientPdus.synchronize(client);
    clientPdus.cooperate(client);
    clientPdus.requestControl(client);
    expect(client.host.take()).toEqual([]);
    expect(client.host.closed).toBeUndefined();
  });

  it('waits for the last part of a Font List sent in two (rdesktop -4: FONTLIST_FIRST, then FONTLIST_LAST)', async () => {
    const client = await confirmedClient();
    clientPdus.synchronize(client);
    clientPdus.cooperate(client);
    clientPdus.requestControl(client);
    expect(replies(client)).toEqual([SYNCHRONIZE, COOPERATE, GRANTED_CONTROL]);
    // numberFonts 0, totalNumFonts 0, listFlags FONTLIST_FIRST, entrySize 0x32, as rdesktop 1.9 writes it.
    client.data(PduType2.FONTLIST, hex('00 00 00 00 01 00 32 00'));
    expect(client.host.take()).toEqual([]);
    expect(client.acceptor.state).toBe(AcceptorState.FINALIZATION);
    client.data(PduType2.FONTLIST, hex('00 00 00 00 02 00 32 00'));
    expect(replies(client)).toEqual([FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.closed).toBeUndefined();
  });

  it('activates on a Font List too short to carry listFlags', async () => {
    const client = await confirmedClient();
    client.data(PduType2.FONTLIST, hex('00 00 00 00'));
    expect(replies(client)).toEqual([SYNCHRONIZE, COOPERATE, GRANTED_CONTROL, FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
  });

  it('activates when Request Control comes before Cooperate and Synchronize last', async () => {
    const client = await confirmedClient();
    clientPdus.requestControl(client);
    clientPdus.cooperate(client);
    clientPdus.synchronize(client);
    expect(replies(client)).toEqual([GRANTED_CONTROL, COOPERATE, SYNCHRONIZE]);
    clientPdus.fontList(client);
    expect(replies(client)).toEqual([FONT_MAP]);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
  });
});

describe('connection finalization, every order', () => {
  const names = Object.keys(clientPdus) as (keyof typeof clientPdus)[];
  const permutations = (items: typeof names): (typeof names)[] =>
    items.length <= 1
      ? [items]
      : items.flatMap((x, i) => permutations(items.filter((_, j) => j !== i)).map((p) => [x, ...p]));

  it.each(permutations(names).map((order) => [order.join(', '), order] as const))('%s', async (_, order) => {
    const client = await confirmedClient();
    for (const name of order) clientPdus[name](client);
    const sent = replies(client);
    // Each server PDU exactly once, the Font Map last: the client becomes active however it ordered its PDUs.
    expect([...sent].sort()).toEqual([COOPERATE, GRANTED_CONTROL, SYNCHRONIZE, FONT_MAP].sort());
    expect(sent.at(-1)).toBe(FONT_MAP);
    expect(client.acceptor.state).toBe(AcceptorState.ACTIVE);
    expect(client.host.closed).toBeUndefined();
  });
});

describe('MCS Connect Response as Windows servers write it', () => {
  it("over TLS: short BER lengths, two's complement domain parameters and the Windows GCC header", async () => {
    const client = new ScriptedClient(TLS);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.SSL });
    await client.host.completeTls();
    client.host.take();
    client.connectInitial({ ...CLIENT_DATA, network: { channels: [] } });
    const mcs = decodeX224Data(decodeTpkt(client.connectResponse as Uint8Array));
    const expected = hex(
      `
      7f 66 LL 0a 01 00 02 01 00 30 1a 02 01 22 02 01 03 02 01 00 02 01 01 02 01 00 02 01 01 02 03 00 ff f8
      02 01 02 04 LL 00 05 00 14 7c 00 01 2a 14 76 0a 01 01 00 01 c0 00 4d 63 44 6e LL`.replace(/LL/g, '00'),
    );
    // Lengths are single bytes (short form) at the offsets a Windows response has them; the rest is identical.
    const lengthOffsets = [2, 38, 60];
    expect(mcs.byteLength).toBeLessThan(0x80);
    const masked = mcs.slice(0, expected.byteLength);
    for (const at of lengthOffsets) {
      expect(masked[at]).toBeLessThan(0x80);
      masked[at] = 0;
    }
    expect(masked).toEqual(expected);
    expect(mcs[2]).toBe(mcs.byteLength - 3);
    expect(mcs[38]).toBe(mcs.byteLength - 39);
    expect(mcs[60]).toBe(mcs.byteLength - 61);
  });
});

describe('Standard RDP Security strength', () => {
  const weakOnly = {
    ...CLIENT_DATA,
    security: { encryptionMethods: EncryptionMethod.BIT_40, extEncryptionMethods: 0 },
  };

  it('picks 128-bit RC4 from a client that offers 40, 56 and 128', () => {
    const client = new ScriptedClient(RDP);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    const server = client.connectInitial();
    expect(server.security?.encryptionMethod).toBe(EncryptionMethod.BIT_128);
  });

  it('refuses a client that offers only 40-bit RC4, saying why', () => {
    const client = new ScriptedClient(RDP);
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    client.host.take();
    client.send(client.connectInitialFrame(weakOnly));
    expect(client.host.written).toEqual([]);
    expect(client.host.closed?.error?.code).toBe('UNSUPPORTED');
    expect(client.host.closed?.reason).toMatch(/only 40- or 56-bit RC4 .*allowWeakRc4/);
  });

  it('serves 40-bit RC4 only when allowWeakRc4 is set', () => {
    const client = new ScriptedClient({
      ...RDP,
      security: { tls: false, rdp: { key: rsaKey, certificate, allowWeakRc4: true } },
    });
    client.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    const server = client.connectInitial(weakOnly);
    expect(server.security?.encryptionMethod).toBe(EncryptionMethod.BIT_40);
  });

  it('with fipsOnly picks FIPS and refuses a client that offers only RC4, saying why', () => {
    const fipsOnly = { ...RDP, security: { tls: false, rdp: { key: rsaKey, certificate, fipsOnly: true } } };
    const withFips = {
      ...CLIENT_DATA,
      security: { encryptionMethods: EncryptionMethod.BIT_128 | EncryptionMethod.FIPS, extEncryptionMethods: 0 },
    };
    const good = new ScriptedClient(fipsOnly);
    good.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    expect(good.connectInitial(withFips).security?.encryptionMethod).toBe(EncryptionMethod.FIPS);

    const rc4Only = {
      ...CLIENT_DATA,
      security: { encryptionMethods: EncryptionMethod.BIT_128, extEncryptionMethods: 0 },
    };
    const bad = new ScriptedClient(fipsOnly);
    bad.connectionRequest({ flags: 0, requestedProtocols: NegProtocol.RDP });
    bad.host.take();
    bad.send(bad.connectInitialFrame(rc4Only));
    expect(bad.host.written).toEqual([]);
    expect(bad.host.closed?.error?.code).toBe('UNSUPPORTED');
    expect(bad.host.closed?.reason).toMatch(/does not offer FIPS/);
  });
});
