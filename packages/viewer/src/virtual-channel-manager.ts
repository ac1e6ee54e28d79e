import type { VirtualChannelLike } from '@rdshare/rx';
import { encodeChannelText } from './channel-text.js';
import { ViewerError } from './errors.js';

/** CHANNEL_PRIORITY. */
export const ChannelPriority = { LO: 0, MED: 1, HI: 2 } as const;
export type ChannelPriority = (typeof ChannelPriority)[keyof typeof ChannelPriority];

/** CHANNEL_FLAGS. */
export const ChannelFlags = { LEGACY: 0x01, UNCOMPRESSED: 0x02, DYNAMIC: 0x04 } as const;

/** CONST_MAX_CHANNEL_NAME_LEN counts the NUL: names have at most 7 characters (a static channel's CHANNEL_DEF). */
const MAX_CHANNEL_NAME = 7;
/** CONST_MAX_CHANNEL_MESSAGE_SIZE and CONST_MAX_LEGACY_CHANNEL_MESSAGE_SIZE bound one sendData. */
const MAX_MESSAGE = 1024;
const MAX_LEGACY_MESSAGE = 409600;
/** CS_NET holds at most 31 channels; the viewer uses one (encomsp) itself. */
const MAX_APP_CHANNELS = 30;
/** Names the viewer itself declares. */
const RESERVED = new Set(['encomsp']);

/** IRDPSRAPIVirtualChannel on the viewer: an app channel bound by name to the sharer's channel of that name. */
export interface ViewerVirtualChannel extends VirtualChannelLike {
  /**
   * SendData: one message to the sharer (CONST_ATTENDEE_ID_HOST). A string goes as UTF-16LE, a BSTR's bytes, as
   * Windows sends it (read replies with `decodeChannelText`); a Uint8Array goes as it is.
   */
  sendData(data: Uint8Array | string): void;
}

/**
 * IRDPSRAPIVirtualChannelManager on the viewer: channels are created before `connect` (they are static channels
 * of the connection), then carry messages both ways.
 *
 * @example
 * const chat = viewer.virtualChannelManager.createVirtualChannel('chat', ChannelPriority.MED, 0);
 * viewer.events.channelDataReceived$.subscribe(({ channel, data }) => console.log(channel.name, data));
 * await viewer.connect(ticket, 'Ann', 'pw');
 * chat.sendData('hello'); // UTF-16LE, as a Windows viewer sends a BSTR
 */
export class VirtualChannelManager {
  private readonly channels = new Map<string, ViewerVirtualChannel>();

  /** @internal */
  constructor(
    private readonly send: (name: string, data: Uint8Array) => void,
    private readonly connected: () => boolean,
  ) {}

  /** Every channel created, in creation order. */
  get items(): ViewerVirtualChannel[] {
    return [...this.channels.values()];
  }

  /** @internal The static channel names to declare. */
  get names(): string[] {
    return [...this.channels.keys()];
  }

  /** @internal */
  get(name: string): ViewerVirtualChannel | undefined {
    return this.channels.get(name);
  }

  /** CreateVirtualChannel(bstrChannelName, Priority, ChannelFlags); only before `connect`. */
  createVirtualChannel(name: string, priority: ChannelPriority, flags: number): ViewerVirtualChannel {
    if (this.connected()) throw new ViewerError('INVALID_STATE', 'create virtual channels before connect()');
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CHANNEL_NAME || !/^[\x21-\x7e]+$/.test(name))
      throw new ViewerError(
        'INVALID_ARGUMENT',
        `channel name "${name}": 1 to ${MAX_CHANNEL_NAME} printable ASCII characters`,
      );
    if (RESERVED.has(name) || this.channels.has(name))
      throw new ViewerError('INVALID_ARGUMENT', `a channel named "${name}" exists already`);
    if (!Object.values(ChannelPriority).includes(priority as ChannelPriority))
      throw new ViewerError('INVALID_ARGUMENT', `priority ${priority}: use ChannelPriority`);
    if (!Number.isInteger(flags) || (flags & ~0x07) !== 0 || flags & ChannelFlags.DYNAMIC)
      throw new ViewerError(
        'INVALID_ARGUMENT',
        `channel flags 0x${Number(flags).toString(16)}: dynamic channels are not supported`,
      );
    if (this.channels.size >= MAX_APP_CHANNELS)
      throw new ViewerError('INVALID_ARGUMENT', `at most ${MAX_APP_CHANNELS} channels`);
    const limit = flags & ChannelFlags.LEGACY ? MAX_LEGACY_MESSAGE : MAX_MESSAGE;
    const channel: ViewerVirtualChannel = {
      name,
      priority,
      flags,
      sendData: (data) => {
        const bytes = typeof data === 'string' ? encodeChannelText(data) : data;
        if (!(bytes instanceof Uint8Array) || bytes.byteLength > limit)
          throw new ViewerError('INVALID_ARGUMENT', `channel message of ${bytes?.byteLength} bytes (limit ${limit})`);
        this.send(name, bytes);
      },
    };
    this.channels.set(name, channel);
    return channel;
  }
}
