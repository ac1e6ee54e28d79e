import { ProtocolError } from '../../core/errors.js';
import { DvcReassembler, encodeDvcMessage } from './dvc-fragments.js';
import { DvcCapsVersion, decodeDvcPdu, encodeDvcPdu } from './dvc-pdu.js';

const PDU = 'MS-RDPEDYC';

/** DYNVC_CREATE_RSP CreationStatus (an HRESULT, MS-RDPEDYC 2.2.2.2): created. */
export const DVC_CREATION_STATUS_OK = 0;
/**
 * CreationStatus for a channel name nobody listens on: STATUS_NOT_FOUND as an HRESULT-style negative value, what
 * Windows clients answer, so the server sees a failure (any negative value is one).
 */
export const DVC_CREATION_STATUS_NO_LISTENER = 0xc0000225 | 0;

/** The highest capabilities version this client answers with: version 3 adds compression, which it lacks. */
const CLIENT_CAPS_VERSION = DvcCapsVersion.VERSION2;

/** A dynamic channel the server created and a listener accepted. */
export interface DvcClientChannel {
  readonly channelId: number;
  readonly name: string;
  /** Whether neither side closed it yet. */
  readonly isOpen: boolean;
  /** Sends one message to the server, fragmented as needed. Throws UNEXPECTED after close. */
  send(message: Uint8Array): void;
  /** Closes the channel (DYNVC_CLOSE); the handler sees onClose. */
  close(): void;
}

/** What a client-side dynamic channel tells its owner. */
export interface DvcClientChannelHandler {
  /** One whole message from the server. */
  onMessage(message: Uint8Array): void;
  /** The server closed the channel, the client closed it, or the connection ended. */
  onClose?(): void;
}

/** Accepts a channel the server asks to create: returns its handler, and may send on the channel at once. */
export type DvcListener = (channel: DvcClientChannel) => DvcClientChannelHandler;

export interface DvcClientManagerOptions {
  /** Writes one DVC PDU as one `drdynvc` static channel message. */
  send(pdu: Uint8Array): void;
  /** Listeners by channel name: which channels this client creates when the server asks. */
  listeners: Readonly<Record<string, DvcListener>>;
  /** Largest reassembled message accepted from the server (default 64 MiB: a full-screen uncompressed frame fits). */
  maxMessageLength?: number;
  /** Most channels open at once (default 32); the server's next create requests are refused. */
  maxChannels?: number;
}

interface ChannelState {
  readonly channel: DvcClientChannel;
  handler: DvcClientChannelHandler | undefined;
  readonly reassembler: DvcReassembler;
  closed: boolean;
}

/**
 * The client half of MS-RDPEDYC over the `drdynvc` static channel: answers the server's capabilities request,
 * creates the channels it has a listener for (and refuses the others), reassembles what the server sends per
 * channel, fragments what the client sends, and closes. Input that breaks the protocol throws a `ProtocolError`
 * from {@link receive}; the caller ends the connection.
 *
 * @example
 * const dvc = new DvcClientManager({
 *   send: (pdu) => connector.sendChannelData('drdynvc', pdu),
 *   listeners: { 'Microsoft::Windows::RDS::Graphics': (channel) => ({ onMessage: (m) => gfx.receive(m) }) },
 * });
 * onChannelData('drdynvc', (bytes) => dvc.receive(bytes));
 */
export class DvcClientManager {
  private readonly channels = new Map<number, ChannelState>();
  private readonly maxMessageLength: number;
  private readonly maxChannels: number;
  /** The version the server asked with, once it did. */
  serverVersion: number | undefined;

  constructor(private readonly options: DvcClientManagerOptions) {
    this.maxMessageLength = options.maxMessageLength ?? 64 * 1024 * 1024;
    this.maxChannels = options.maxChannels ?? 32;
  }

  /** The open channel named `name`, if the server created one. */
  channel(name: string): DvcClientChannel | undefined {
    for (const state of this.channels.values()) if (state.channel.name === name) return state.channel;
    return undefined;
  }

  /** Handles one `drdynvc` message from the server. */
  receive(bytes: Uint8Array): void {
    const pdu = decodeDvcPdu(bytes, 'server');
    switch (pdu.type) {
      case 'capsRequest':
        // A server may ask again (after a reactivation); each request gets its answer.
        this.serverVersion = pdu.version;
        this.options.send(encodeDvcPdu({ type: 'capsResponse', version: Math.min(pdu.version, CLIENT_CAPS_VERSION) }));
        return;
      case 'createRequest':
        this.create(pdu.channelId, pdu.channelName);
        return;
      case 'dataFirst':
      case 'data': {
        // Data for a channel this client refused or already closed may still be in flight: dropped.
        const state = this.channels.get(pdu.channelId);
        if (!state) return;
        const message = state.reassembler.push(pdu);
        if (message) state.handler?.onMessage(message);
        return;
      }
      case 'close': {
        const state = this.channels.get(pdu.channelId);
        if (!state) return;
        this.options.send(encodeDvcPdu({ type: 'close', channelId: pdu.channelId }));
        this.finish(pdu.channelId);
        return;
      }
      default:
        throw new ProtocolError('UNEXPECTED', `${pdu.type} from a server`, PDU);
    }
  }

  /** Forgets every channel (the connection ended); handlers see onClose. */
  dispose(): void {
    for (const id of [...this.channels.keys()]) this.finish(id);
  }

  private create(channelId: number, name: string): void {
    if (this.serverVersion === undefined) throw new ProtocolError('UNEXPECTED', 'create before capabilities', PDU);
    if (this.channels.has(channelId)) throw new ProtocolError('INVALID', `channel id ${channelId} is in use`, PDU);
    const listener = Object.hasOwn(this.options.listeners, name) ? this.options.listeners[name] : undefined;
    if (!listener || this.channels.size >= this.maxChannels) {
      this.options.send(
        encodeDvcPdu({ type: 'createResponse', channelId, creationStatus: DVC_CREATION_STATUS_NO_LISTENER }),
      );
      return;
    }
    const manager = this;
    const state: ChannelState = {
      handler: undefined,
      reassembler: new DvcReassembler(this.maxMessageLength),
      closed: false,
      channel: {
        channelId,
        name,
        get isOpen() {
          return !state.closed;
        },
        send(message) {
          if (state.closed) throw new ProtocolError('UNEXPECTED', `channel ${name} is closed`, PDU);
          for (const pdu of encodeDvcMessage(channelId, message)) manager.options.send(pdu);
        },
        close() {
          if (state.closed) return;
          manager.options.send(encodeDvcPdu({ type: 'close', channelId }));
          manager.finish(channelId);
        },
      },
    };
    // The response goes out before the listener runs, so whatever it sends at once follows the creation.
    this.channels.set(channelId, state);
    this.options.send(encodeDvcPdu({ type: 'createResponse', channelId, creationStatus: DVC_CREATION_STATUS_OK }));
    const handler = listener(state.channel);
    if (!state.closed) state.handler = handler;
  }

  private finish(channelId: number): void {
    const state = this.channels.get(channelId);
    if (!state) return;
    this.channels.delete(channelId);
    state.closed = true;
    state.handler?.onClose?.();
  }
}
