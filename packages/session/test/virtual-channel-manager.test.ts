import { describe, expect, it } from 'vitest';
import { CHANNEL_QUEUE_LIMIT, type ChannelTransport } from '../src/attendee-channels.js';
import { CHANNEL_ACCESS_ENUM, CHANNEL_FLAGS, CHANNEL_PRIORITY, RDPENCOMAPI_CONSTANTS } from '../src/constants.js';
import { RdshareError } from '../src/errors.js';
import type { VirtualChannel } from '../src/virtual-channel.js';
import { VirtualChannelManager } from '../src/virtual-channel-manager.js';
import { silentLogger } from './e2e/logger.js';

const EVERYONE = RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE;
const { NONE, SENDRECEIVE } = CHANNEL_ACCESS_ENUM;

/** A connection whose writability the test controls; it records what it was asked to send. */
class FakeTransport implements ChannelTransport {
  sent: [string, Uint8Array][] = [];
  open = true;
  failing = false;
  private listeners = new Set<() => void>();
  constructor(readonly channels: string[]) {}
  send(name: string, data: Uint8Array): void {
    if (this.failing) throw new Error('not active');
    this.sent.push([name, data]);
  }
  writable(): boolean {
    return this.open;
  }
  onWritable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  drain(): void {
    this.open = true;
    for (const l of this.listeners) l();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

function setup() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const received: { channel: VirtualChannel; attendeeId: number; data: Uint8Array }[] = [];
  const sent: { channel: VirtualChannel; attendeeId: number; bytesSent: number }[] = [];
  const errors: [RdshareError, number][] = [];
  const manager = new VirtualChannelManager(
    { received: (e) => received.push(e), sent: (e) => sent.push(e), error: (e, id) => errors.push([e, id]) },
    silentLogger(lines),
  );
  return { manager, lines, received, sent, errors };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RdshareError);
    return (error as RdshareError).code;
  }
  throw new Error('expected an RdshareError');
};

describe('VirtualChannelManager.createVirtualChannel', () => {
  it('creates channels with Windows constants and finds them by index, by name in any case, and by iteration', () => {
    const { manager } = setup();
    const a = manager.createVirtualChannel('chat', CHANNEL_PRIORITY.HI, CHANNEL_FLAGS.UNCOMPRESSED);
    const b = manager.createVirtualChannel('files', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.LEGACY);
    expect(a).toMatchObject({ name: 'chat', priority: 2, flags: 2, maxMessageSize: 1024 });
    expect(b.maxMessageSize).toBe(409600);
    expect(manager.count).toBe(2);
    expect(manager.item(0)).toBe(a);
    expect(manager.item('FILES')).toBe(b);
    expect([...manager]).toEqual([a, b]);
    expect(code(() => manager.item(2))).toBe('NOT_FOUND');
    expect(code(() => manager.item('nope'))).toBe('NOT_FOUND');
    expect(manager.createVirtualChannel('seven77').priority).toBe(CHANNEL_PRIORITY.MED);
  });

  it.each([
    ['empty', ''],
    ['8 characters (CONST_MAX_CHANNEL_NAME_LEN counts the NUL)', 'eightchr'],
    ['a space', 'a b'],
    ['non-ASCII', 'kanal\u00e4'],
    ['a NUL', 'a\u0000'],
    ['not a string', 42],
  ])('refuses a name with %s', (_, name) => {
    expect(code(() => setup().manager.createVirtualChannel(name as string))).toBe('INVALID_ARGUMENT');
  });

  it('refuses duplicates (regardless of case) and the channels viewers run themselves', () => {
    const { manager } = setup();
    manager.createVirtualChannel('chat');
    expect(code(() => manager.createVirtualChannel('CHAT'))).toBe('DUPLICATE');
    for (const name of ['encomsp', 'rdpdr', 'RDPSND', 'cliprdr', 'drdynvc', 'remdesk', 'rail']) {
      expect(code(() => manager.createVirtualChannel(name))).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses unknown priorities and flags, DYNAMIC among them, and a 32nd channel', () => {
    const { manager } = setup();
    expect(code(() => manager.createVirtualChannel('a', 3 as CHANNEL_PRIORITY))).toBe('INVALID_ARGUMENT');
    expect(() => manager.createVirtualChannel('b', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.DYNAMIC)).toThrow(/DYNAMIC/);
    expect(code(() => manager.createVirtualChannel('c', CHANNEL_PRIORITY.LO, 8))).toBe('INVALID_ARGUMENT');
    for (let i = 0; i < 31; i++) manager.createVirtualChannel(`ch${i}`);
    expect(code(() => manager.createVirtualChannel('onemore'))).toBe('INVALID_ARGUMENT');
  });
});

describe('VirtualChannel data', () => {
  it('delivers received data only from attendees with SENDRECEIVE, logging a refusal once', () => {
    const { manager, received, lines } = setup();
    const chat = manager.createVirtualChannel('chat');
    manager.attach(1, new FakeTransport(['chat']));
    expect(manager.receive(1, 'chat', Uint8Array.of(1))).toBe(true);
    expect(manager.receive(1, 'chat', Uint8Array.of(2))).toBe(true);
    expect(received).toEqual([]);
    expect(lines.filter((l) => l.message.includes('without access'))).toHaveLength(1);
    chat.setAccess(1, SENDRECEIVE);
    manager.receive(1, 'CHAT', Uint8Array.of(3));
    expect(received).toEqual([{ channel: chat, attendeeId: 1, data: Uint8Array.of(3) }]);
    chat.setAccess(1, NONE);
    manager.receive(1, 'chat', Uint8Array.of(4));
    expect(received).toHaveLength(1);
    expect(manager.receive(1, 'encomsp', Uint8Array.of(5))).toBe(false);
  });

  it('drops received messages over the channel limit', () => {
    const { manager, received, lines } = setup();
    const chat = manager.createVirtualChannel('chat');
    manager.attach(1, new FakeTransport(['chat']));
    chat.setAccess(1, SENDRECEIVE);
    manager.receive(1, 'chat', new Uint8Array(1025));
    manager.receive(1, 'chat', new Uint8Array(1024));
    expect(received.map((r) => r.data.byteLength)).toEqual([1024]);
    expect(lines.some((l) => l.message.includes('oversized'))).toBe(true);
  });

  it('sends to one attendee or every attendee with access and a joined channel; strings go as UTF-16LE', () => {
    const { manager, sent } = setup();
    const chat = manager.createVirtualChannel('chat');
    const t1 = new FakeTransport(['encomsp', 'Chat']);
    const t2 = new FakeTransport(['chat']);
    const t3 = new FakeTransport(['other']);
    manager.attach(1, t1);
    manager.attach(2, t2);
    manager.attach(3, t3);
    chat.setAccess(1, SENDRECEIVE);
    chat.setAccess(3, SENDRECEIVE);
    chat.sendData('hi', EVERYONE, 0);
    expect(t1.sent).toEqual([['Chat', Uint8Array.of(0x68, 0, 0x69, 0)]]);
    expect(t2.sent).toEqual([]);
    expect(t3.sent).toEqual([]);
    expect(sent).toEqual([{ channel: chat, attendeeId: 1, bytesSent: 4 }]);
    chat.sendData(Uint8Array.of(9), 1);
    expect(t1.sent.at(-1)).toEqual(['Chat', Uint8Array.of(9)]);
    chat.sendData(Uint8Array.of(7), 2);
    expect(t2.sent).toEqual([]);
  });

  it('validates sendData and setAccess arguments', () => {
    const { manager } = setup();
    const chat = manager.createVirtualChannel('chat');
    const legacy = manager.createVirtualChannel('big', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.LEGACY);
    manager.attach(1, new FakeTransport(['chat', 'big']));
    expect(code(() => chat.sendData(new Uint8Array(1025), 1))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData('x'.repeat(513), 1))).toBe('INVALID_ARGUMENT');
    expect(() => legacy.sendData(new Uint8Array(409600), 1)).not.toThrow();
    expect(code(() => legacy.sendData(new Uint8Array(409601), 1))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData(42 as unknown as string, 1))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData('x', 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData('x', 1.5))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData('x', 1, CHANNEL_FLAGS.LEGACY))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.sendData('x', 9))).toBe('NOT_FOUND');
    expect(code(() => chat.setAccess(EVERYONE, SENDRECEIVE))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.setAccess(1, 2 as CHANNEL_ACCESS_ENUM))).toBe('INVALID_ARGUMENT');
    expect(code(() => chat.setAccess(9, SENDRECEIVE))).toBe('NOT_FOUND');
  });

  it('queues while the connection is busy, drains highest priority first, and bounds each queue', () => {
    const { manager, sent } = setup();
    const lo = manager.createVirtualChannel('lo', CHANNEL_PRIORITY.LO, CHANNEL_FLAGS.LEGACY);
    const hi = manager.createVirtualChannel('hi', CHANNEL_PRIORITY.HI, 0);
    const t = new FakeTransport(['lo', 'hi']);
    manager.attach(1, t);
    lo.setAccess(1, SENDRECEIVE);
    hi.setAccess(1, SENDRECEIVE);
    t.open = false;
    lo.sendData(Uint8Array.of(1), 1);
    hi.sendData(Uint8Array.of(2), 1);
    lo.sendData(Uint8Array.of(3), 1);
    expect(t.sent).toEqual([]);
    t.drain();
    expect(t.sent.map(([name, d]) => `${name}${d[0]}`)).toEqual(['hi2', 'lo1', 'lo3']);
    expect(sent.map((s) => s.channel.name)).toEqual(['hi', 'lo', 'lo']);

    t.open = false;
    const big = new Uint8Array(409600);
    lo.sendData(big, 1);
    lo.sendData(big, 1);
    expect(CHANNEL_QUEUE_LIMIT).toBeLessThan(3 * big.byteLength);
    expect(code(() => lo.sendData(big, 1))).toBe('CHANNEL_QUEUE_FULL');
    t.drain();
    expect(t.sent).toHaveLength(5);
  });

  it('drops a broadcast copy for a stalled attendee (reported once per stall) while the others get it', () => {
    const { manager, errors } = setup();
    const ch = manager.createVirtualChannel('bulk', CHANNEL_PRIORITY.MED, CHANNEL_FLAGS.LEGACY);
    const slow = new FakeTransport(['bulk']);
    const fast = new FakeTransport(['bulk']);
    manager.attach(1, slow);
    manager.attach(2, fast);
    ch.setAccess(1, SENDRECEIVE);
    ch.setAccess(2, SENDRECEIVE);
    slow.open = false;
    const big = new Uint8Array(409600);
    for (let i = 0; i < 4; i++) ch.sendData(big, EVERYONE);
    expect(fast.sent).toHaveLength(4);
    expect(errors.map(([e, id]) => [e.code, id])).toEqual([['CHANNEL_QUEUE_FULL', 1]]);
    slow.drain();
    expect(slow.sent).toHaveLength(2);
    slow.open = false;
    for (let i = 0; i < 3; i++) ch.sendData(big, EVERYONE);
    expect(errors).toHaveLength(2);
  });

  it('holds a message the connection refuses (during a reactivation) until it is pumped again', () => {
    const { manager, sent } = setup();
    const ch = manager.createVirtualChannel('ch');
    const t = new FakeTransport(['ch']);
    manager.attach(1, t);
    ch.setAccess(1, SENDRECEIVE);
    t.failing = true;
    ch.sendData(Uint8Array.of(1), 1);
    expect(sent).toEqual([]);
    t.failing = false;
    manager.resume(1);
    expect(t.sent).toEqual([['ch', Uint8Array.of(1)]]);
    expect(sent).toHaveLength(1);
  });

  it('revoking access withdraws waiting messages; a departed attendee is forgotten', () => {
    const { manager } = setup();
    const ch = manager.createVirtualChannel('ch');
    const t = new FakeTransport(['ch']);
    manager.attach(1, t);
    ch.setAccess(1, SENDRECEIVE);
    t.open = false;
    ch.sendData(Uint8Array.of(1), 1);
    ch.setAccess(1, NONE);
    t.drain();
    expect(t.sent).toEqual([]);
    manager.detach(1);
    expect(t.listenerCount).toBe(0);
    expect(code(() => ch.setAccess(1, SENDRECEIVE))).toBe('NOT_FOUND');
  });
});
