import { CHANNEL_ACCESS_ENUM, CHANNEL_FLAGS, type CHANNEL_PRIORITY, RDPENCOMAPI_CONSTANTS } from './constants.js';
import { invalidArgument } from './errors.js';

/** @internal What a channel asks of its manager once its arguments are valid. */
export interface ChannelRouter {
  send(channel: VirtualChannel, data: Uint8Array, attendeeId: number): void;
  setAccess(channel: VirtualChannel, attendeeId: number, access: CHANNEL_ACCESS_ENUM): void;
}

/** Flags `sendData` accepts: none or CHANNEL_FLAGS.UNCOMPRESSED (rdshare never compresses channel data). */
const SEND_FLAGS = CHANNEL_FLAGS.UNCOMPRESSED;

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * An application channel: IRDPSRAPIVirtualChannel. Bound by name to the static virtual channel of the same
 * name that an attendee's client declares; data flows only to and from attendees granted
 * {@link CHANNEL_ACCESS_ENUM.SENDRECEIVE} with {@link setAccess} (the default is NONE, as in Windows, so a
 * channel is private until the app opens it to someone).
 *
 * @example
 * ```ts
 * const chat = session.virtualChannelManager.createVirtualChannel('chat', CHANNEL_PRIORITY.MED, 0);
 * session.events.attendeeConnected$.subscribe(({ attendee }) =>
 *   chat.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE),
 * );
 * session.events.channelDataReceived$.subscribe(({ channel, attendeeId, data }) => {
 *   if (channel === chat) chat.sendData(data, RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE, 0);
 * });
 * ```
 */
export class VirtualChannel {
  /** @internal created by `VirtualChannelManager.createVirtualChannel`. */
  constructor(
    /** get_Name. */
    readonly name: string,
    /** get_Priority: channels of higher priority get an attendee's connection first. */
    readonly priority: CHANNEL_PRIORITY,
    /** get_Flags: the CHANNEL_FLAGS given at creation. */
    readonly flags: number,
    private readonly router: ChannelRouter,
  ) {}

  /**
   * The largest message `sendData` takes and the largest received one delivered, in bytes:
   * CONST_MAX_CHANNEL_MESSAGE_SIZE, or CONST_MAX_LEGACY_CHANNEL_MESSAGE_SIZE for a CHANNEL_FLAGS.LEGACY channel.
   */
  get maxMessageSize(): number {
    return this.flags & CHANNEL_FLAGS.LEGACY
      ? RDPENCOMAPI_CONSTANTS.CONST_MAX_LEGACY_CHANNEL_MESSAGE_SIZE
      : RDPENCOMAPI_CONSTANTS.CONST_MAX_CHANNEL_MESSAGE_SIZE;
  }

  /**
   * SendData: queues one message for one attendee, or for every attendee with access
   * (`CONST_ATTENDEE_ID_EVERYONE`). A string is sent as UTF-16LE (a BSTR's bytes); use a `Uint8Array` for
   * anything else. `channelDataSent$` fires as each copy is written to its attendee's connection.
   *
   * Each attendee has a bounded queue per channel. When a slow attendee's queue is full, a message addressed to
   * it alone throws `CHANNEL_QUEUE_FULL` (retry after `channelDataSent$`); a broadcast still reaches the others
   * and the slow attendee's copy is dropped, logged and reported on `error$` once per stall. A message for an
   * attendee without SENDRECEIVE access, or whose client has no channel of this name, is dropped (logged once).
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for data that is not a string or Uint8Array or exceeds
   *   {@link maxMessageSize}, an attendee id that is not an integer or is CONST_ATTENDEE_ID_HOST, or flags other
   *   than 0 and CHANNEL_FLAGS.UNCOMPRESSED; `NOT_FOUND` when no attendee has that id; `CHANNEL_QUEUE_FULL`.
   * @example
   * ```ts
   * channel.sendData(new TextEncoder().encode('{"op":"hello"}'), attendee.id, 0);
   * ```
   */
  sendData(
    data: Uint8Array | string,
    attendeeId: number = RDPENCOMAPI_CONSTANTS.CONST_ATTENDEE_ID_EVERYONE,
    flags = 0,
  ): void {
    let bytes: Uint8Array;
    // Text goes out as UTF-16LE, the bytes of a BSTR holding it: what a Windows peer's SendData(bstrData) sends
    // and its OnChannelDataReceived hands back as the same string.
    if (typeof data === 'string') bytes = new Uint8Array(Buffer.from(data, 'utf16le'));
    else if (data instanceof Uint8Array) bytes = data.slice();
    else throw invalidArgument(`sendData takes a string or a Uint8Array, got ${typeof data}`);
    if (bytes.byteLength > this.maxMessageSize) {
      throw invalidArgument(
        `a message on channel '${this.name}' is at most ${this.maxMessageSize} bytes, got ${bytes.byteLength}` +
          (this.flags & CHANNEL_FLAGS.LEGACY ? '' : ' (create the channel with CHANNEL_FLAGS.LEGACY for up to 409600)'),
      );
    }
    this.checkAttendeeId(attendeeId, true);
    if (!isInteger(flags) || (flags & ~SEND_FLAGS) !== 0) {
      throw invalidArgument(`sendData flags must be 0 or CHANNEL_FLAGS.UNCOMPRESSED (2), got ${String(flags)}`);
    }
    this.router.send(this, bytes, attendeeId);
  }

  /**
   * SetAccess: lets one connected attendee send and receive on this channel (SENDRECEIVE) or not (NONE, the
   * default). Revoking drops what was still waiting to go to that attendee.
   *
   * @throws {RdshareError} `INVALID_ARGUMENT` for an id that is not a positive integer or an access other than
   *   CHANNEL_ACCESS_ENUM.NONE / SENDRECEIVE; `NOT_FOUND` when no attendee has that id.
   * @example
   * ```ts
   * channel.setAccess(attendee.id, CHANNEL_ACCESS_ENUM.SENDRECEIVE);
   * ```
   */
  setAccess(attendeeId: number, access: CHANNEL_ACCESS_ENUM): void {
    this.checkAttendeeId(attendeeId, false);
    if (access !== CHANNEL_ACCESS_ENUM.NONE && access !== CHANNEL_ACCESS_ENUM.SENDRECEIVE) {
      throw invalidArgument(
        `access must be CHANNEL_ACCESS_ENUM.NONE (0) or SENDRECEIVE (1), got ${String(access as unknown)}`,
      );
    }
    this.router.setAccess(this, attendeeId, access);
  }

  private checkAttendeeId(attendeeId: number, everyone: boolean): void {
    const { CONST_ATTENDEE_ID_EVERYONE: EVERYONE } = RDPENCOMAPI_CONSTANTS;
    if (!isInteger(attendeeId) || attendeeId < (everyone ? EVERYONE : 1) || attendeeId === 0) {
      throw invalidArgument(
        `attendeeId must be a connected attendee's id${everyone ? ' or CONST_ATTENDEE_ID_EVERYONE (-1)' : ''}, got ${String(attendeeId)}` +
          (attendeeId === 0 ? ' (CONST_ATTENDEE_ID_HOST is this sharer itself)' : ''),
      );
    }
  }
}
