import type { VirtualChannel } from './virtual-channel.js';

/** @internal How application channels reach one attendee's connection. */
export interface ChannelTransport {
  /** Static channel names the attendee's client joined (its Client Network Data), in its spelling. */
  readonly channels: readonly string[];
  /** Writes one message on a joined static channel; the connection chunks it. */
  send(name: string, data: Uint8Array): void;
  /** Whether the connection takes more now: it is active and its unsent backlog is under its high-water mark. */
  writable(): boolean;
  /** Calls `listener` whenever the connection becomes writable again. @returns the unsubscribe function. */
  onWritable(listener: () => void): () => void;
}

/** @internal What an attendee's channel state reports to the manager. */
export interface AttendeeChannelEvents {
  sent(channel: VirtualChannel, attendeeId: number, bytesSent: number): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

/**
 * Bytes of unsent messages one attendee may have waiting on one channel: two of the largest (legacy)
 * messages, or a thousand ordinary ones. Past it the attendee is too slow and the send is refused.
 */
export const CHANNEL_QUEUE_LIMIT = 1024 * 1024;

/** What became of a message given to {@link AttendeeChannels.enqueue}. */
export type EnqueueResult = 'queued' | 'no-access' | 'unbound' | 'full';

interface Queue {
  messages: Uint8Array[];
  bytes: number;
}

/**
 * @internal One attendee's side of the application channels: which channels it may use (SetAccess), the
 * messages waiting for its connection (a bounded queue per channel, sent highest CHANNEL_PRIORITY first as
 * the connection drains), and which problems were logged already, so a misbehaving peer costs one log line
 * per channel and kind rather than one per message.
 */
export class AttendeeChannels {
  private readonly access = new Set<VirtualChannel>();
  /** Channels with waiting messages, in the order they started waiting (the tie-break between equal priorities). */
  private readonly queues = new Map<VirtualChannel, Queue>();
  private readonly logged = new Set<string>();
  private readonly stalled = new Set<VirtualChannel>();
  private readonly stopWatching: () => void;
  private pumping = false;
  private closed = false;

  constructor(
    readonly attendeeId: number,
    private readonly transport: ChannelTransport,
    private readonly events: AttendeeChannelEvents,
  ) {
    this.stopWatching = transport.onWritable(() => this.pump());
  }

  /** The client's spelling of `channel`'s name when its client joined a static channel of that name. */
  boundName(channel: VirtualChannel): string | undefined {
    const wanted = channel.name.toLowerCase();
    return this.transport.channels.find((n) => n.toLowerCase() === wanted);
  }

  hasAccess(channel: VirtualChannel): boolean {
    return this.access.has(channel);
  }

  setAccess(channel: VirtualChannel, allowed: boolean): void {
    if (allowed) {
      this.access.add(channel);
      return;
    }
    this.access.delete(channel);
    // Revoking access also withdraws what was waiting to go out under the old grant.
    this.queues.delete(channel);
    this.stalled.delete(channel);
  }

  /** Queues one message for this attendee and sends what the connection takes now. */
  enqueue(channel: VirtualChannel, data: Uint8Array): EnqueueResult {
    if (this.closed) return 'unbound';
    if (!this.access.has(channel)) return 'no-access';
    if (this.boundName(channel) === undefined) return 'unbound';
    let queue = this.queues.get(channel);
    if ((queue?.bytes ?? 0) + data.byteLength > CHANNEL_QUEUE_LIMIT) return 'full';
    if (!queue) {
      queue = { messages: [], bytes: 0 };
      this.queues.set(channel, queue);
    }
    queue.messages.push(data);
    queue.bytes += data.byteLength;
    this.pump();
    return 'queued';
  }

  /** Logs `message` the first time `kind` happens on `channel` for this attendee. */
  warnOnce(channel: VirtualChannel, kind: string, message: string, fields: Record<string, unknown> = {}): void {
    const key = `${kind}\u0000${channel.name}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.events.warn(message, { attendee: this.attendeeId, channel: channel.name, ...fields });
  }

  /** Bytes waiting for this attendee on `channel`. */
  queuedBytes(channel: VirtualChannel): number {
    return this.queues.get(channel)?.bytes ?? 0;
  }

  /**
   * True the first time `channel` overflows since its queue last ran empty: a stalled attendee is reported
   * once per stall, not once per refused message.
   */
  firstOverflow(channel: VirtualChannel): boolean {
    if (this.stalled.has(channel)) return false;
    this.stalled.add(channel);
    return true;
  }

  /** The attendee left: waiting messages are dropped. */
  close(): void {
    this.closed = true;
    this.stopWatching();
    this.queues.clear();
    this.stalled.clear();
    this.access.clear();
  }

  /** Sends what waits, as far as the connection takes it now (also after a reactivation). */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.transport.writable()) {
        const next = this.nextQueue();
        if (!next) break;
        const [channel, queue] = next;
        const data = queue.messages[0];
        const name = this.boundName(channel);
        if (name !== undefined) {
          try {
            this.transport.send(name, data);
          } catch (error) {
            // Not active (a reactivation is under way) or going away: the message waits for the next chance.
            this.warnOnce(channel, 'send-failed', 'channel data held back', { error: String(error) });
            break;
          }
        }
        queue.messages.shift();
        queue.bytes -= data.byteLength;
        if (queue.messages.length === 0) {
          this.queues.delete(channel);
          this.stalled.delete(channel);
        }
        if (name !== undefined) this.events.sent(channel, this.attendeeId, data.byteLength);
      }
    } finally {
      this.pumping = false;
    }
  }

  private nextQueue(): [VirtualChannel, Queue] | undefined {
    let best: [VirtualChannel, Queue] | undefined;
    for (const entry of this.queues) if (!best || entry[0].priority > best[0].priority) best = entry;
    return best;
  }
}
