import { ProtocolError } from '../../core/errors.js';
import { DvcReassembler, encodeDvcMessage } from './dvc-fragments.js';
import { DvcCapsVersion, decodeDvcPdu, encodeDvcPdu } from './dvc-pdu.js';

const PDU = 'MS-RDPEDYC';

/** What a server-side dynamic channel tells its owner. */
export interface DvcChannelHandler {
  /** The client created the channel; messages may flow. */
  onOpen?(): void;
  /** One whole message from the client. */
  onMessage(message: Uint8Array): void;
  /** The client refused or closed the channel (or the manager closed it). */
  onClose?(): void;
}

/** A dynamic channel opened by {@link DvcServerManager.open}. */
export interface DvcChannel {
  readonly channelId: number;
  readonly name: string;
  /** Whether the client accepted it and it is not closed yet. */
  readonly isOpen: boolean;
  /** Sends one message, fragmented as needed. Throws UNEXPECTED before the client accepted or after close. */
  send(message: Uint8Array): void;
  /** Closes the channel on both sides. */
  close(): void;
}

export interface DvcServerManagerOptions {
  /** Writes one DVC PDU as one `drdynvc` static channel message. */
  send(pdu: Uint8Array): void;
  /** Largest reassembled message accepted from the client (default 4 MiB). */
  maxMessageLength?: number;
  /** Most channels open or pending at once (default 32). */
  maxChannels?: number;
}

interface ChannelState {
  readonly channel: DvcChannel;
  readonly handler: DvcChannelHandler;
  readonly reassembler: DvcReassembler;
  open: boolean;
  closed: boolean;
}

/**
 * The server half of MS-RDPEDYC over the `drdynvc` static channel: sends the capabilities request, creates named
 * channels once the client answered it, reassembles what the client sends per channel and fragments what the
 * server sends. Input that breaks the protocol throws a `ProtocolError` from {@link receive}; the caller ends the
 * connection.
 *
 * @example
 * const dvc = new DvcServerManager({ send: (pdu) => link.sendChannelData('drdynvc', pdu) });
 * link.onChannelData('drdynvc', (bytes) => dvc.receive(bytes));
 * dvc.start();
 * const gfx = dvc.open('Microsoft::Windows::RDS::Graphics', { onMessage: (m) => handle(m) });
 */
export class DvcServerManager {
  private readonly channels = new Map<number, ChannelState>();
  private readonly pendingOpens: (() => void)[] = [];
  private nextId = 1;
  private started = false;
  private ready = false;
  private readonly maxMessageLength: number;
  private readonly maxChannels: number;
  /** The version the client answered with, once it did. */
  clientVersion: number | undefined;

  constructor(private readonly options: DvcServerManagerOptions) {
    this.maxMessageLength = options.maxMessageLength ?? 4 * 1024 * 1024;
    this.maxChannels = options.maxChannels ?? 32;
  }

  /** Sends the capabilities request (version 2: priorities, no compression). Call once the channel is joined. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.send(
      encodeDvcPdu({ type: 'capsRequest', version: DvcCapsVersion.VERSION2, priorityCharges: [0, 0, 0, 0] }),
    );
  }

  /** Asks the client to create channel `name`; the request goes out once capabilities are exchanged. */
  open(name: string, handler: DvcChannelHandler): DvcChannel {
    if (this.channels.size >= this.maxChannels) {
      throw new ProtocolError('OVERSIZE', `more than ${this.maxChannels} dynamic channels`, PDU);
    }
    const channelId = this.nextId++;
    const request = encodeDvcPdu({ type: 'createRequest', channelId, channelName: name });
    const manager = this;
    const state: ChannelState = {
      handler,
      reassembler: new DvcReassembler(this.maxMessageLength),
      open: false,
      closed: false,
      channel: {
        channelId,
        name,
        get isOpen() {
          return state.open && !state.closed;
        },
        send(message) {
          if (!state.open || state.closed) {
            throw new ProtocolError('UNEXPECTED', `channel ${name} is not open`, PDU);
          }
          for (const pdu of encodeDvcMessage(channelId, message)) manager.options.send(pdu);
        },
        close() {
          if (state.closed) return;
          manager.options.send(encodeDvcPdu({ type: 'close', channelId }));
          manager.finish(channelId);
        },
      },
    };
    this.channels.set(channelId, state);
    const sendRequest = () => {
      if (!state.closed) this.options.send(request);
    };
    if (this.ready) sendRequest();
    else this.pendingOpens.push(sendRequest);
    return state.channel;
  }

  /** Handles one `drdynvc` message from the client. */
  receive(bytes: Uint8Array): void {
    const pdu = decodeDvcPdu(bytes, 'client');
    switch (pdu.type) {
      case 'capsResponse': {
        if (!this.started || this.ready) throw new ProtocolError('UNEXPECTED', 'capabilities response', PDU);
        this.clientVersion = pdu.version;
        this.ready = true;
        for (const send of this.pendingOpens.splice(0)) send();
        return;
      }
      case 'createResponse': {
        const state = this.known(pdu.channelId);
        if (!state) return;
        if (state.open) throw new ProtocolError('UNEXPECTED', `second create response for ${pdu.channelId}`, PDU);
        if (pdu.creationStatus < 0) {
          this.finish(pdu.channelId);
          return;
        }
        state.open = true;
        state.handler.onOpen?.();
        return;
      }
      case 'dataFirst':
      case 'data': {
        const state = this.known(pdu.channelId);
        if (!state) return;
        if (!state.open) throw new ProtocolError('UNEXPECTED', `data on unopened channel ${pdu.channelId}`, PDU);
        const message = state.reassembler.push(pdu);
        if (message) state.handler.onMessage(message);
        return;
      }
      case 'close':
        if (this.channels.has(pdu.channelId)) this.finish(pdu.channelId);
        return;
      default:
        throw new ProtocolError('UNEXPECTED', `${pdu.type} from a client`, PDU);
    }
  }

  /** Forgets every channel (the connection ended); handlers see onClose. */
  dispose(): void {
    for (const id of [...this.channels.keys()]) this.finish(id);
    this.pendingOpens.length = 0;
  }

  /** The channel's state; undefined for one the server closed (its data may still be in flight). */
  private known(channelId: number): ChannelState | undefined {
    const state = this.channels.get(channelId);
    if (!state && (channelId === 0 || channelId >= this.nextId)) {
      throw new ProtocolError('INVALID', `unknown channel id ${channelId}`, PDU);
    }
    return state;
  }

  private finish(channelId: number): void {
    const state = this.channels.get(channelId);
    if (!state) return;
    this.channels.delete(channelId);
    state.closed = true;
    state.handler.onClose?.();
  }
}
