import { describe, expect, it } from 'vitest';
import {
  DVC_CREATION_STATUS_NO_LISTENER,
  type DvcClientChannel,
  DvcClientManager,
} from '../../../src/channels/drdynvc/dvc-client-manager.js';
import { encodeDvcMessage } from '../../../src/channels/drdynvc/dvc-fragments.js';
import { decodeDvcPdu, encodeDvcPdu } from '../../../src/channels/drdynvc/dvc-pdu.js';
import { DvcServerManager } from '../../../src/channels/drdynvc/dvc-server-manager.js';
import { ProtocolError } from '../../../src/core/errors.js';
import { fuzz } from '../../data/fuzz.js';
import { hex } from '../../security/hex.js';

function pattern(n: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 5 + 1) & 0xff);
}

function setup(options: { maxMessageLength?: number; maxChannels?: number } = {}) {
  const sent: Uint8Array[] = [];
  const received: Uint8Array[] = [];
  const channels: DvcClientChannel[] = [];
  let closed = 0;
  const manager = new DvcClientManager({
    send: (pdu) => sent.push(pdu),
    listeners: {
      ECHO: (channel) => {
        channels.push(channel);
        return { onMessage: (m) => received.push(m), onClose: () => closed++ };
      },
    },
    ...options,
  });
  return { manager, sent, received, channels, closed: () => closed };
}

describe('DvcClientManager', () => {
  it('answers a version 2 capabilities request with a version 2 response, byte for byte (MS-RDPEDYC 2.2.1)', () => {
    const { manager, sent } = setup();
    // DYNVC_CAPS_VERSION2: Cmd=5 Sp=0 cbId=0, Pad, Version=2, PriorityCharge0..3.
    manager.receive(hex('50 00 02 00 a8 03 cc 0c a2 24 55 55'));
    expect(sent.map((p) => [...p])).toEqual([[0x50, 0x00, 0x02, 0x00]]);
    expect(manager.serverVersion).toBe(2);
  });

  it('answers a version 3 request (compression) with version 2, and version 1 with version 1', () => {
    const { manager, sent } = setup();
    manager.receive(hex('50 00 03 00 00 00 00 00 00 00 00 00'));
    manager.receive(hex('50 00 01 00'));
    expect(sent.map((p) => [...p])).toEqual([
      [0x50, 0x00, 0x02, 0x00],
      [0x50, 0x00, 0x01, 0x00],
    ]);
  });

  it('creates a channel it listens on (status 0) and refuses another with a negative CreationStatus', () => {
    const { manager, sent, channels } = setup();
    manager.receive(hex('50 00 01 00'));
    sent.length = 0;
    // DYNVC_CREATE_REQ: Cmd=1, cbId=0, ChannelId=3, "ECHO\0".
    manager.receive(hex('10 03 45 43 48 4f 00'));
    // DYNVC_CREATE_RSP: ChannelId=3, CreationStatus=0.
    expect([...sent[0]]).toEqual([0x10, 0x03, 0, 0, 0, 0]);
    expect(channels.map((c) => [c.channelId, c.name, c.isOpen])).toEqual([[3, 'ECHO', true]]);
    manager.receive(hex('10 04 4e 4f 50 45 00'));
    expect(decodeDvcPdu(sent[1], 'client')).toEqual({
      type: 'createResponse',
      channelId: 4,
      creationStatus: DVC_CREATION_STATUS_NO_LISTENER,
    });
    expect(DVC_CREATION_STATUS_NO_LISTENER).toBeLessThan(0);
    expect(manager.channel('ECHO')).toBe(channels[0]);
    expect(manager.channel('NOPE')).toBeUndefined();
  });

  it('reassembles DataFirst + Data, delivers whole Data PDUs, and fragments what it sends', () => {
    const { manager, sent, received, channels } = setup();
    manager.receive(hex('50 00 01 00'));
    manager.receive(hex('10 03 45 43 48 4f 00'));
    // DYNVC_DATA_FIRST: Cmd=2, Len=0 (1-byte Length), cbId=0, ChannelId=3, Length=5, then 2 bytes; DYNVC_DATA 3 more.
    manager.receive(hex('20 03 05 aa bb'));
    expect(received).toEqual([]);
    manager.receive(hex('30 03 cc dd ee'));
    manager.receive(hex('30 03 01'));
    expect(received.map((m) => [...m])).toEqual([[0xaa, 0xbb, 0xcc, 0xdd, 0xee], [0x01]]);
    for (const p of encodeDvcMessage(3, pattern(9000))) manager.receive(p);
    expect(received[2]).toEqual(pattern(9000));

    sent.length = 0;
    channels[0].send(hex('01 02'));
    expect([...sent[0]]).toEqual([0x30, 0x03, 0x01, 0x02]);
    channels[0].send(pattern(4000));
    expect(sent.length).toBe(4);
    expect(decodeDvcPdu(sent[1], 'client')).toMatchObject({ type: 'dataFirst', channelId: 3, length: 4000 });
  });

  it('closes on the server’s DYNVC_CLOSE (answering with its own) and on its own, then drops late data', () => {
    const { manager, sent, received, channels, closed } = setup();
    manager.receive(hex('50 00 01 00'));
    manager.receive(hex('10 03 45 43 48 4f 00'));
    sent.length = 0;
    manager.receive(hex('40 03'));
    expect(sent.map((p) => [...p])).toEqual([[0x40, 0x03]]);
    expect(closed()).toBe(1);
    expect(channels[0].isOpen).toBe(false);
    expect(() => channels[0].send(hex('00'))).toThrow(ProtocolError);
    manager.receive(hex('30 03 01'));
    expect(received).toEqual([]);

    manager.receive(hex('10 05 45 43 48 4f 00'));
    sent.length = 0;
    channels[1].close();
    expect(sent.map((p) => [...p])).toEqual([[0x40, 0x05]]);
    expect(closed()).toBe(2);
    manager.receive(hex('10 06 45 43 48 4f 00'));
    manager.dispose();
    expect(closed()).toBe(3);
  });

  it('rejects protocol violations with ProtocolError: create before caps, a reused id, oversize messages', () => {
    const { manager } = setup({ maxMessageLength: 1000 });
    expect(() => manager.receive(hex('10 03 45 43 48 4f 00'))).toThrow(/before capabilities/);
    manager.receive(hex('50 00 01 00'));
    manager.receive(hex('10 03 45 43 48 4f 00'));
    expect(() => manager.receive(hex('10 03 45 43 48 4f 00'))).toThrow(/in use/);
    // DataFirst declaring 1001 bytes (Len=1: 2-byte Length) over the 1000 limit.
    expect(() => manager.receive(hex('24 03 e9 03 00'))).toThrow(/over 1000/);
    expect(() => manager.receive(encodeDvcPdu({ type: 'createResponse', channelId: 3, creationStatus: 0 }))).toThrow(
      ProtocolError,
    );
  });

  it('bounds the channels it keeps open: over the limit, creates are refused', () => {
    const { manager, sent } = setup({ maxChannels: 1 });
    manager.receive(hex('50 00 01 00'));
    manager.receive(hex('10 03 45 43 48 4f 00'));
    manager.receive(hex('10 04 45 43 48 4f 00'));
    expect(decodeDvcPdu(sent.at(-1) as Uint8Array, 'client')).toMatchObject({
      channelId: 4,
      creationStatus: -1073741275,
    });
  });

  it('talks to the server manager: capabilities, create, messages both ways, close', () => {
    const toClient: Uint8Array[] = [];
    const toServer: Uint8Array[] = [];
    const atServer: Uint8Array[] = [];
    const atClient: Uint8Array[] = [];
    const server = new DvcServerManager({ send: (p) => toClient.push(p) });
    const client = new DvcClientManager({
      send: (p) => toServer.push(p),
      listeners: {
        'Microsoft::Windows::RDS::Graphics': (channel) => {
          channel.send(pattern(3000));
          return { onMessage: (m) => atClient.push(m) };
        },
      },
    });
    const pump = () => {
      while (toClient.length || toServer.length) {
        for (const p of toClient.splice(0)) client.receive(p);
        for (const p of toServer.splice(0)) server.receive(p);
      }
    };
    let opened = false;
    server.start();
    const channel = server.open('Microsoft::Windows::RDS::Graphics', {
      onOpen: () => {
        opened = true;
      },
      onMessage: (m) => atServer.push(m),
    });
    pump();
    expect(opened).toBe(true);
    expect(atServer).toEqual([pattern(3000)]);
    channel.send(pattern(70_000));
    pump();
    expect(atClient).toEqual([pattern(70_000)]);
    channel.close();
    pump();
    expect(client.channel('Microsoft::Windows::RDS::Graphics')).toBeUndefined();
  });

  it('survives fuzzed server PDUs: every input is accepted or a ProtocolError', () => {
    const valid = [
      hex('50 00 02 00 00 00 00 00 00 00 00 00'),
      hex('10 03 45 43 48 4f 00'),
      hex('20 03 05 aa bb'),
      hex('24 03 e9 03 00'),
      hex('30 03 cc dd ee'),
      hex('40 03'),
    ];
    const { manager } = setup({ maxMessageLength: 4096, maxChannels: 4 });
    manager.receive(hex('50 00 01 00'));
    const result = fuzz((bytes) => manager.receive(bytes), valid, { seed: 7 });
    expect(result.rejected).toBeGreaterThan(100);
    expect(result.accepted).toBeGreaterThan(100);
  });
});
