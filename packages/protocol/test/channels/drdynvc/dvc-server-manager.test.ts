import { describe, expect, it } from 'vitest';
import { DvcReassembler, encodeDvcMessage } from '../../../src/channels/drdynvc/dvc-fragments.js';
import { decodeDvcPdu, encodeDvcPdu } from '../../../src/channels/drdynvc/dvc-pdu.js';
import { DvcServerManager } from '../../../src/channels/drdynvc/dvc-server-manager.js';
import { ProtocolError } from '../../../src/core/errors.js';

function pattern(n: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);
}

describe('DVC fragmentation', () => {
  it('sends a message that fits as one Data PDU and a larger one as DataFirst + Data blocks of <= 1600 bytes', () => {
    expect(encodeDvcMessage(5, pattern(1598))).toHaveLength(1);
    const pdus = encodeDvcMessage(5, pattern(10_000));
    expect(pdus.length).toBe(Math.ceil((10_000 + 4) / 1598));
    for (const p of pdus) expect(p.length).toBeLessThanOrEqual(1600);
    expect(decodeDvcPdu(pdus[0], 'server')).toMatchObject({ type: 'dataFirst', channelId: 5, length: 10_000 });
    const r = new DvcReassembler(1 << 20);
    const out = pdus.map((p) => r.push(decodeDvcPdu(p, 'server') as never));
    expect(out.slice(0, -1).every((m) => m === undefined)).toBe(true);
    expect(out.at(-1)).toEqual(pattern(10_000));
  });

  it('rejects a declared length over the bound before allocating, and data past the declared length', () => {
    const r = new DvcReassembler(1000);
    expect(() => r.push({ type: 'dataFirst', channelId: 1, length: 1001, data: new Uint8Array(1) })).toThrow(
      ProtocolError,
    );
    r.push({ type: 'dataFirst', channelId: 1, length: 4, data: new Uint8Array(3) });
    expect(() => r.push({ type: 'data', channelId: 1, data: new Uint8Array(2) })).toThrow(ProtocolError);
  });
});

describe('DvcServerManager', () => {
  function setup() {
    const sent: Uint8Array[] = [];
    const manager = new DvcServerManager({ send: (p) => sent.push(p), maxMessageLength: 100_000 });
    return { sent, manager, decoded: () => sent.map((p) => decodeDvcPdu(p, 'server')) };
  }

  it('exchanges capabilities, creates the channel, reassembles client messages and fragments its own', () => {
    const { manager, decoded, sent } = setup();
    const received: Uint8Array[] = [];
    let opened = 0;
    let closed = 0;
    manager.start();
    const channel = manager.open('Microsoft::Windows::RDS::Graphics', {
      onOpen: () => opened++,
      onMessage: (m) => received.push(m),
      onClose: () => closed++,
    });
    expect(decoded()).toEqual([{ type: 'capsRequest', version: 2, priorityCharges: [0, 0, 0, 0] }]);
    expect(() => channel.send(new Uint8Array(1))).toThrow(ProtocolError);
    manager.receive(encodeDvcPdu({ type: 'capsResponse', version: 2 }));
    expect(decoded()[1]).toEqual({
      type: 'createRequest',
      channelId: channel.channelId,
      channelName: 'Microsoft::Windows::RDS::Graphics',
      priority: 0,
    });
    manager.receive(encodeDvcPdu({ type: 'createResponse', channelId: channel.channelId, creationStatus: 0 }));
    expect(opened).toBe(1);
    expect(channel.isOpen).toBe(true);

    for (const p of encodeDvcMessage(channel.channelId, pattern(5000))) manager.receive(p);
    manager.receive(encodeDvcPdu({ type: 'data', channelId: channel.channelId, data: pattern(10) }));
    expect(received).toEqual([pattern(5000), pattern(10)]);

    sent.length = 0;
    channel.send(pattern(4000));
    expect(sent).toHaveLength(3);
    channel.close();
    expect(decoded().at(-1)).toEqual({ type: 'close', channelId: channel.channelId });
    expect(closed).toBe(1);
    expect(channel.isOpen).toBe(false);
    // Data already in flight for the closed channel is dropped, not an error.
    manager.receive(encodeDvcPdu({ type: 'data', channelId: channel.channelId, data: pattern(1) }));
    expect(received).toHaveLength(2);
  });

  it('closes a channel the client refused', () => {
    const { manager } = setup();
    let closed = 0;
    manager.start();
    manager.receive(encodeDvcPdu({ type: 'capsResponse', version: 1 }));
    const channel = manager.open('X', { onMessage: () => {}, onClose: () => closed++ });
    manager.receive(encodeDvcPdu({ type: 'createResponse', channelId: channel.channelId, creationStatus: -1 }));
    expect(closed).toBe(1);
    expect(channel.isOpen).toBe(false);
  });

  it('rejects protocol violations: unknown channels, data before create, oversize messages, early caps', () => {
    const { manager } = setup();
    expect(() => manager.receive(encodeDvcPdu({ type: 'capsResponse', version: 1 }))).toThrow(ProtocolError);
    manager.start();
    manager.receive(encodeDvcPdu({ type: 'capsResponse', version: 1 }));
    const channel = manager.open('X', { onMessage: () => {} });
    const id = channel.channelId;
    expect(() => manager.receive(encodeDvcPdu({ type: 'data', channelId: id, data: pattern(1) }))).toThrow(/unopened/);
    expect(() => manager.receive(encodeDvcPdu({ type: 'data', channelId: 99, data: pattern(1) }))).toThrow(/unknown/);
    manager.receive(encodeDvcPdu({ type: 'createResponse', channelId: id, creationStatus: 0 }));
    expect(() =>
      manager.receive(encodeDvcPdu({ type: 'dataFirst', channelId: id, length: 100_001, data: pattern(1) })),
    ).toThrow(/over 100000/);
  });

  it('bounds the number of channels', () => {
    const manager = new DvcServerManager({ send: () => {}, maxChannels: 2 });
    manager.open('A', { onMessage: () => {} });
    manager.open('B', { onMessage: () => {} });
    expect(() => manager.open('C', { onMessage: () => {} })).toThrow(ProtocolError);
  });
});
