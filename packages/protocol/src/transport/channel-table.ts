import { ChannelReassembler, chunkChannelData } from '../channels/virtual-channel.js';
import { MCS_GLOBAL_CHANNEL_ID } from '../connection/mcs.js';
import { ProtocolError } from '../core/errors.js';

/** Largest reassembled static channel message unless the owner says otherwise. */
export const DEFAULT_MAX_CHANNEL_MESSAGE = 1024 * 1024;

/** One static virtual channel: its CS_NET name, its MCS channel id and its reassembly state. */
interface StaticChannel {
  name: string;
  id: number;
  reassembler: ChannelReassembler;
}

/** The MCS channels of one connection and which of them are joined. */
export interface ChannelTableLayout {
  /** The client's MCS user id (its own channel). */
  userId: number;
  /** The I/O channel; {@link MCS_GLOBAL_CHANNEL_ID} in every RDP connection. */
  ioChannelId: number;
  /** The message channel (TS_UD_CS_MCS_MSGCHANNEL / SC_MCS_MSGCHANNEL), when both sides use one. */
  messageChannelId?: number;
  /** Static virtual channels, in CS_NET order, with the ids of SC_NET. */
  staticChannels: readonly { name: string; id: number }[];
}

/**
 * The MCS channels of a connection, for either role: ids, joins, per-channel reassembly of virtual channel
 * messages (each bounded by `maxMessage`) and chunked sending (MS-RDPBCGR 2.2.1.8, 3.1.5.2).
 */
export class ChannelTable {
  readonly userId: number;
  readonly ioChannelId: number;
  readonly messageChannelId?: number;
  private readonly statics: StaticChannel[];
  private readonly joined = new Set<number>();

  constructor(layout: ChannelTableLayout, maxMessage = DEFAULT_MAX_CHANNEL_MESSAGE) {
    this.userId = layout.userId;
    this.ioChannelId = layout.ioChannelId;
    if (layout.messageChannelId !== undefined) this.messageChannelId = layout.messageChannelId;
    this.statics = layout.staticChannels.map((c) => ({
      name: c.name,
      id: c.id,
      reassembler: new ChannelReassembler(maxMessage),
    }));
  }

  /**
   * The server's numbering (what Windows does): the I/O channel, then one id per static channel in request
   * order, then the message channel, then the user id.
   */
  static assign(names: readonly string[], messageChannel: boolean, maxMessage?: number): ChannelTable {
    let next = MCS_GLOBAL_CHANNEL_ID + 1;
    const staticChannels = names.map((name) => ({ name, id: next++ }));
    const messageChannelId = messageChannel ? next++ : undefined;
    return new ChannelTable(
      {
        userId: next,
        ioChannelId: MCS_GLOBAL_CHANNEL_ID,
        staticChannels,
        ...(messageChannelId !== undefined ? { messageChannelId } : {}),
      },
      maxMessage,
    );
  }

  /** Static channel names in CS_NET order. */
  get names(): string[] {
    return this.statics.map((c) => c.name);
  }

  /** Static channel ids in CS_NET order (SC_NET channelIdArray). */
  get staticIds(): number[] {
    return this.statics.map((c) => c.id);
  }

  /** Whether `id` is one of this connection's channels (user, I/O, message or static). */
  isKnown(id: number): boolean {
    return (
      id === this.userId ||
      id === this.ioChannelId ||
      id === this.messageChannelId ||
      this.statics.some((c) => c.id === id)
    );
  }

  /** Records a Channel Join of `id`; false when no such channel exists. */
  join(id: number): boolean {
    if (!this.isKnown(id)) return false;
    this.joined.add(id);
    return true;
  }

  isJoined(id: number): boolean {
    return this.joined.has(id);
  }

  /** Whether the peer joined the static channel called `name`. */
  hasChannel(name: string): boolean {
    const channel = this.statics.find((c) => c.name === name);
    return channel !== undefined && this.joined.has(channel.id);
  }

  /** The name of the static channel with this id, if it is one. */
  nameOf(id: number): string | undefined {
    return this.statics.find((c) => c.id === id)?.name;
  }

  /**
   * Feeds one received virtual channel PDU of static channel `id` to its reassembler and returns the message it
   * completes, if any. Throws UNEXPECTED for a channel that is not a joined static channel.
   */
  reassemble(id: number, pdu: Uint8Array): { name: string; data: Uint8Array } | undefined {
    const channel = this.statics.find((c) => c.id === id);
    if (!channel || !this.joined.has(id))
      throw new ProtocolError('UNEXPECTED', `virtual channel data on unjoined channel ${id}`, 'channel table');
    const message = channel.reassembler.push(pdu);
    return message ? { name: channel.name, data: message.data } : undefined;
  }

  /** Splits a message for the joined static channel `name` into channel PDUs; throws INVALID if not joined. */
  chunks(name: string, data: Uint8Array): { channelId: number; pdus: Uint8Array[] } {
    const channel = this.statics.find((c) => c.name === name);
    if (!channel || !this.joined.has(channel.id))
      throw new ProtocolError('INVALID', `channel ${name} is not joined`, 'channel table');
    return { channelId: channel.id, pdus: chunkChannelData(data) };
  }
}
