import { describe, expect, it } from 'vitest';
import { chunkChannelData } from '../../src/channels/virtual-channel.js';
import { ProtocolError } from '../../src/core/errors.js';
import { ChannelTable } from '../../src/transport/channel-table.js';

describe('ChannelTable', () => {
  it('numbers channels as Windows servers do: I/O, statics, message channel, then the user', () => {
    const table = ChannelTable.assign(['rdpdr', 'encomsp'], true);
    expect([table.ioChannelId, table.staticIds, table.messageChannelId, table.userId]).toEqual([
      1003,
      [1004, 1005],
      1006,
      1007,
    ]);
    expect(ChannelTable.assign([], false).userId).toBe(1004);
  });

  it('joins only known channels and says which static channels are joined', () => {
    const table = ChannelTable.assign(['rdpdr', 'encomsp'], false);
    expect(table.join(1005)).toBe(true);
    expect(table.join(1999)).toBe(false);
    expect(table.hasChannel('encomsp')).toBe(true);
    expect(table.hasChannel('rdpdr')).toBe(false);
    expect(table.hasChannel('nothere')).toBe(false);
  });

  it('reassembles per channel within the size limit and refuses unjoined channels', () => {
    const table = ChannelTable.assign(['a', 'b'], false, 5000);
    table.join(1004);
    table.join(1005);
    const long = Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff);
    const [a1, a2, a3] = chunkChannelData(long);
    const [b] = chunkChannelData(Uint8Array.of(9));
    expect(table.reassemble(1004, a1)).toBeUndefined();
    expect(table.reassemble(1005, b)).toEqual({ name: 'b', data: Uint8Array.of(9) });
    expect(table.reassemble(1004, a2)).toBeUndefined();
    expect(table.reassemble(1004, a3)).toEqual({ name: 'a', data: long });
    expect(() => table.reassemble(1004, chunkChannelData(new Uint8Array(6000))[0])).toThrow(
      expect.objectContaining({ code: 'OVERSIZE' }),
    );
    const other = ChannelTable.assign(['a'], false);
    expect(() => other.reassemble(1004, b)).toThrow(ProtocolError);
  });

  it('chunks outgoing messages for joined channels only', () => {
    const table = ChannelTable.assign(['a'], false);
    expect(() => table.chunks('a', new Uint8Array(10))).toThrow(/not joined/);
    table.join(1004);
    const { channelId, pdus } = table.chunks('a', new Uint8Array(2000));
    expect(channelId).toBe(1004);
    expect(pdus.map((p) => p.byteLength)).toEqual([1608, 408]);
  });
});
