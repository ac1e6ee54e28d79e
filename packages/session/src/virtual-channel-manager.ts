import { AttendeeChannels, type ChannelTransport } from './attendee-channels.js';
import type { AttendeeService } from './attendee-service.js';
import { CHANNEL_ACCESS_ENUM, CHANNEL_FLAGS, CHANNEL_PRIORITY, RDPENCOMAPI_CONSTANTS } from './constants.js';
import { invalidArgument, RdshareError } from './errors.js';
import type { Logger } from './logger.js';
import { type ChannelRouter, VirtualChannel } from './virtual-channel.js';

/** @internal Where the manager's events go (the session publishes them on its hub). */
export interface ChannelManagerEvents {
  received(event: { channel: VirtualChannel; attendeeId: number; data: Uint8Array }): void;
  sent(event: { channel: VirtualChannel; attendeeId: number; bytesSent: number }): void;
  /** A broadcast copy was dropped because that attendee's queue is full. */
  error(error: RdshareError, attendeeId: number): void;
}

/**
 * Static channels clients open for their own protocols: the sharer's MS-RDPEMC channel, Remote Assistance,
 * device, audio and clipboard redirection, dynamic channels, RemoteApp. Application data on one of them would
 * be read as that protocol by the viewer.
 */
export const RESERVED_CHANNEL_NAMES: readonly string[] = [
  'encomsp',
  'remdesk',
  'rdpdr',
  'rdpsnd',
  'cliprdr',
  'drdynvc',
  'rail',
  'rail_wi',
  'rail_ri',
];

/**
 * Channel data waits while more than this is unsent to an attendee, so application channels cannot bury the
 * attendee's graphics behind megabytes of their own.
 */
const CHANNEL_BACKLOG_LIMIT = 64 * 1024;

/** A client declares at most 31 static channels (MS-RDPBCGR 2.2.1.3.4), so more could never all bind. */
const MAX_CHANNELS = 31;

/** CHANNEL_DEF.name is 8 bytes of ANSI text with its NUL: 7 visible ASCII characters at most. */
const MAX_NAME_LENGTH = RDPENCOMAPI_CONSTANTS.CONST_MAX_CHANNEL_NAME_LEN - 1;
const NAME_PATTERN = /^[\x21-\x7e]+$/;

const CREATE_FLAGS = CHANNEL_FLAGS.LEGACY | CHANNEL_FLAGS.UNCOMPRESSED;

/**
 * IRDPSRAPIVirtualChannelManager: the session's application channels, by creation index or by name
 * (`item`), iterable with `for...of`.
 *
 * Channels are static virtual channels bound by name: an attendee's client that declares a static channel of the
 * same name (in its Client Network Data) exchanges data on it, once the app grants it access. Channels can be
 * created before or after `open()`; they bind for every attendee whose client declared the name.
 */
export class VirtualChannelManager implements Iterable<VirtualChannel> {
  /** By lower-case name: static channel names do not differ by case alone. */
  private readonly byName = new Map<string, VirtualChannel>();
  private readonly peers = new Map<number, AttendeeChannels>();
  private readonly router: ChannelRouter = {
    send: (channel, data, attendeeId) => this.send(channel, data, attendeeId),
    setAccess: (channel, attendeeId, access) =>
      this.peer(attendeeId).setAccess(channel, access === CHANNEL_ACCESS_ENUM.SENDRECEIVE),
  };

  /**
   * @internal The manager as the session's attendee service: each admitted attendee's connection joins the
   * routing, and the messages on its application channels come here.
   */
  readonly service: AttendeeService;

  /** @internal */
  constructor(
    private readonly events: ChannelManagerEvents,
    private readonly logger: Logger,
  ) {
    const byName = this.byName;
    this.service = {
      get channels() {
        return [...byName.values()].map((c) => c.name);
      },
      attach: (attendee, link) => {
        this.attach(attendee.id, {
          channels: link.client.channels,
          send: (name, data) => link.sendChannelData(name, data),
          writable: () => link.backlog() < CHANNEL_BACKLOG_LIMIT,
          onWritable: (listener) => link.onDrain(listener),
        });
        return {
          onChannelData: (name, data) => this.receive(attendee.id, name, data),
          onReactivated: () => this.resume(attendee.id),
          onDetached: () => this.detach(attendee.id),
        };
      },
    };
  }

  /**
   * CreateVirtualChannel. `name` is 1 to 7 visible ASCII characters (CONST_MAX_CHANNEL_NAME_LEN 8 with the
   * NUL), unique regardless of case, and not one of {@link RESERVED_CHANNEL_NAMES}. `flags` may combine
   * CHANNEL_FLAGS.LEGACY (messages up to 409600 bytes instead of 1024) and CHANNEL_FLAGS.UNCOMPRESSED.
   * Windows' 32-character legacy names and CHANNEL_FLAGS.DYNAMIC need dynamic channels, which rdshare does not
   * offer: they are refused.
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for a bad name, priority or flags, or a 32nd channel;
   *   `DUPLICATE` when a channel of that name exists.
   * @example
   * ```ts
   * const channel = session.virtualChannelManager.createVirtualChannel('mychan', CHANNEL_PRIORITY.HI, 0);
   * ```
   */
  createVirtualChannel(name: string, priority: CHANNEL_PRIORITY = CHANNEL_PRIORITY.MED, flags = 0): VirtualChannel {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
      throw invalidArgument(
        `a channel name is 1 to ${MAX_NAME_LENGTH} visible ASCII characters (a static channel name), got ${JSON.stringify(name)}`,
      );
    }
    const key = name.toLowerCase();
    if (RESERVED_CHANNEL_NAMES.includes(key)) {
      throw invalidArgument(`channel name '${name}' belongs to a protocol viewers run themselves; choose another`);
    }
    if (priority !== CHANNEL_PRIORITY.LO && priority !== CHANNEL_PRIORITY.MED && priority !== CHANNEL_PRIORITY.HI) {
      throw invalidArgument(`priority must be CHANNEL_PRIORITY.LO (0), MED (1) or HI (2), got ${String(priority)}`);
    }
    if (typeof flags !== 'number' || !Number.isInteger(flags) || (flags & ~CREATE_FLAGS) !== 0) {
      throw invalidArgument(
        flags === CHANNEL_FLAGS.DYNAMIC
          ? 'CHANNEL_FLAGS.DYNAMIC is not supported: application channels are static virtual channels'
          : `flags must combine CHANNEL_FLAGS.LEGACY (1) and UNCOMPRESSED (2), got ${String(flags)}`,
      );
    }
    if (this.byName.has(key)) throw new RdshareError('DUPLICATE', `a channel named '${name}' exists already`);
    if (this.byName.size >= MAX_CHANNELS) {
      throw invalidArgument(`at most ${MAX_CHANNELS} channels: a client cannot declare more static channels`);
    }
    const channel = new VirtualChannel(name, priority, flags, this.router);
    this.byName.set(key, channel);
    this.logger.info('virtual channel created', { channel: name, priority, flags });
    return channel;
  }

  /** Number of channels created. */
  get count(): number {
    return this.byName.size;
  }

  /** get_Item: by index (creation order) or by name (any case). @throws {RdshareError} `NOT_FOUND`. */
  item(key: number | string): VirtualChannel {
    const channel =
      typeof key === 'number' ? [...this.byName.values()][key] : this.byName.get(String(key).toLowerCase());
    if (!channel) {
      throw new RdshareError('NOT_FOUND', `no channel ${typeof key === 'number' ? `at index ${key}` : `'${key}'`}`);
    }
    return channel;
  }

  [Symbol.iterator](): Iterator<VirtualChannel> {
    return this.byName.values();
  }

  /** @internal An admitted attendee's connection joins the channel routing. */
  attach(attendeeId: number, transport: ChannelTransport): void {
    this.peers.get(attendeeId)?.close();
    this.peers.set(
      attendeeId,
      new AttendeeChannels(attendeeId, transport, {
        sent: (channel, id, bytesSent) => this.events.sent({ channel, attendeeId: id, bytesSent }),
        warn: (message, fields) => this.logger.warn(message, fields),
      }),
    );
  }

  /** @internal The attendee's connection is active again (after a reactivation): what waits goes out. */
  resume(attendeeId: number): void {
    this.peers.get(attendeeId)?.pump();
  }

  /** @internal The attendee left: its access grants and waiting messages go. */
  detach(attendeeId: number): void {
    this.peers.get(attendeeId)?.close();
    this.peers.delete(attendeeId);
  }

  /**
   * @internal A message arrived on static channel `name` from an attendee. Returns false when no application
   * channel has that name (the caller routes or drops it).
   */
  receive(attendeeId: number, name: string, data: Uint8Array): boolean {
    const channel = this.byName.get(name.toLowerCase());
    if (!channel) return false;
    const peer = this.peers.get(attendeeId);
    if (!peer) return true;
    if (!peer.hasAccess(channel)) {
      peer.warnOnce(channel, 'receive-no-access', 'channel data from an attendee without access dropped');
    } else if (data.byteLength > channel.maxMessageSize) {
      peer.warnOnce(channel, 'receive-oversize', 'oversized channel message dropped', {
        bytes: data.byteLength,
        limit: channel.maxMessageSize,
      });
    } else {
      this.events.received({ channel, attendeeId, data: data.slice() });
    }
    return true;
  }

  private peer(attendeeId: number): AttendeeChannels {
    const peer = this.peers.get(attendeeId);
    if (!peer) throw new RdshareError('NOT_FOUND', `no attendee with id ${attendeeId} is connected`);
    return peer;
  }

  private send(channel: VirtualChannel, data: Uint8Array, attendeeId: number): void {
    if (attendeeId !== RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE) {
      const peer = this.peer(attendeeId);
      const result = peer.enqueue(channel, data);
      if (result === 'full') {
        throw new RdshareError(
          'CHANNEL_QUEUE_FULL',
          `attendee ${attendeeId} has ${peer.queuedBytes(channel)} bytes waiting on channel '${channel.name}'; ` +
            'send again after channelDataSent$ reports progress',
        );
      }
      if (result === 'no-access') {
        peer.warnOnce(channel, 'send-no-access', 'channel data for an attendee without access dropped');
      } else if (result === 'unbound') {
        peer.warnOnce(channel, 'send-unbound', "channel data dropped: the attendee's client has no such channel");
      }
      return;
    }
    for (const peer of this.peers.values()) {
      if (peer.enqueue(channel, data) !== 'full' || !peer.firstOverflow(channel)) continue;
      const error = new RdshareError(
        'CHANNEL_QUEUE_FULL',
        `attendee ${peer.attendeeId} reads channel '${channel.name}' too slowly; broadcast messages to it are dropped until its queue drains`,
      );
      this.logger.warn('channel data dropped for a slow attendee', {
        attendee: peer.attendeeId,
        channel: channel.name,
        queued: peer.queuedBytes(channel),
      });
      this.events.error(error, peer.attendeeId);
    }
  }
}
