import {
  ClientEarlyCapability,
  DvcCapsVersion,
  type DvcPdu,
  DvcReassembler,
  decodeDvcPdu,
  decodeGfxPdus,
  decodeSegmentedData,
  encodeDvcMessage,
  encodeDvcPdu,
  encodeGfxPdu,
  FastPathUpdateCode,
  GFX_CHANNEL_NAME,
  type GfxCapabilitySet,
  GfxCapsVersion,
  type GfxPdu,
  ZgfxHistory,
} from '@rdshare/protocol';
import { waitFor } from '@rdshare/testkit';
import { RdpTestClient } from '../support/rdp-test-client.js';
import type { Arena, LogLine } from './arena.js';

/** What an xfreerdp /gfx client advertises first: 10.7 without H.264 (planar tiles only, the cheapest to serve). */
export const PLAIN_CAPS: GfxCapabilitySet[] = [{ version: GfxCapsVersion.VERSION107, flags: 0x20 }];

/**
 * A client that joins like an xfreerdp /gfx viewer (drdynvc, the graphics pipeline flag, 32 bpp) and then does, on
 * the dynamic channels and the graphics channel, whatever an attack tells it to: every step is explicit, and what
 * the sharer sends back on the pipeline is decoded (its bulk compression included) so an attack can wait for it.
 */
export class GfxClient {
  /** Every DVC PDU the sharer sent, decoded. */
  readonly dvcPdus: DvcPdu[] = [];
  /** Every RDPGFX PDU the sharer sent on the graphics channel, decoded. */
  readonly gfxPdus: GfxPdu[] = [];
  /** The graphics channel's id once the sharer asked to create it. */
  gfxChannelId: number | undefined;
  /** The attendee the sharer made of this client. */
  attendeeId = -1;
  /** What the decoding of the sharer's messages threw: a test failure of the sharer's output, not the attack. */
  decodeError: unknown;
  private readonly history = new ZgfxHistory();
  private readonly reassembler = new DvcReassembler(64 * 1024 * 1024);

  private constructor(
    readonly test: RdpTestClient,
    private readonly arena: Arena,
  ) {
    test.onChannel((name, data) => {
      if (name === 'drdynvc') this.receive(data);
    });
  }

  static async join(arena: Arena, name: string): Promise<GfxClient> {
    const { client, outcome } = await RdpTestClient.connect({
      port: arena.session.port,
      authString: arena.invitation.authString,
      password: arena.password,
      userName: name,
      channels: ['drdynvc'],
      core: {
        earlyCapabilityFlags:
          ClientEarlyCapability.SUPPORT_ERRINFO_PDU |
          ClientEarlyCapability.WANT_32BPP_SESSION |
          ClientEarlyCapability.SUPPORT_DYNVC_GFX_PROTOCOL,
      },
    });
    if (outcome.kind !== 'active') throw new Error(`${name} was not admitted: ${JSON.stringify(outcome)}`);
    const gfx = new GfxClient(client, arena);
    gfx.attendeeId = [...arena.session.attendees].find((a) => a.remoteName === name)?.id ?? -1;
    // The sharer's capabilities request may have come with the activation, before the listener.
    for (const m of client.channelMessages) if (m.name === 'drdynvc') gfx.receive(m.data);
    return gfx;
  }

  /**
   * Answers the DVC capabilities and the graphics channel's creation as a client does; unless `caps` is null,
   * also advertises them and waits for the sharer's confirmation (the pipeline is then in use).
   */
  async open(
    caps: GfxCapabilitySet[] | null = PLAIN_CAPS,
    dvcVersion: number = DvcCapsVersion.VERSION2,
  ): Promise<void> {
    await this.createRequested(dvcVersion);
    this.dvc({ type: 'createResponse', channelId: this.gfxId, creationStatus: 0 });
    if (!caps) return;
    this.gfx(encodeGfxPdu({ type: 'capsAdvertise', capsSets: caps }));
    await this.until(() => this.has('capsConfirm'), 'the capabilities confirmation');
  }

  /** Answers the DVC capabilities and waits for the sharer to ask for the graphics channel. */
  async createRequested(dvcVersion: number = DvcCapsVersion.VERSION2): Promise<void> {
    await this.until(() => this.dvcPdus.some((p) => p.type === 'capsRequest'), 'the DVC capabilities request');
    this.dvc({ type: 'capsResponse', version: dvcVersion });
    await this.until(() => this.gfxChannelId !== undefined, 'the graphics channel create request');
  }

  get gfxId(): number {
    if (this.gfxChannelId === undefined) throw new Error('no graphics channel yet');
    return this.gfxChannelId;
  }

  /** Whether the sharer ended this connection. */
  get closed(): boolean {
    return this.test.closed !== undefined;
  }

  /** Bitmap updates received (what the sharer sends a client outside the pipeline). */
  get bitmapUpdates(): number {
    return this.test.updates.filter((u) => u.code === FastPathUpdateCode.BITMAP).length;
  }

  /** The ids of the frames the sharer ended so far, in order. */
  frameIds(): number[] {
    return this.gfxPdus.flatMap((p) => (p.type === 'endFrame' ? [p.frameId] : []));
  }

  /** What the sharer logged about this client's attendee. */
  lines(): LogLine[] {
    return this.arena.lines.filter((l) => l.fields?.attendee === this.attendeeId);
  }

  logged(message: string): boolean {
    return this.lines().some((l) => l.message === message);
  }

  has(type: GfxPdu['type']): boolean {
    return this.gfxPdus.some((p) => p.type === type);
  }

  /** One DVC PDU as one drdynvc message. */
  dvc(pdu: DvcPdu): void {
    this.raw(encodeDvcPdu(pdu));
  }

  /** Bytes as one drdynvc message, whatever they are. */
  raw(bytes: Uint8Array): void {
    this.test.sendChannel('drdynvc', bytes);
  }

  /** One message on the graphics channel (RDPGFX PDUs, or anything else), fragmented as a client does. */
  gfx(message: Uint8Array): void {
    for (const pdu of encodeDvcMessage(this.gfxId, message)) this.raw(pdu);
  }

  async until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
    await waitFor(() => condition() || this.closed, ms, what);
    if (!condition()) throw new Error(`the sharer ended the connection before ${what}: ${this.test.closed}`);
  }

  close(): void {
    this.test.close();
  }

  private receive(data: Uint8Array): void {
    try {
      const pdu = decodeDvcPdu(data, 'server');
      this.dvcPdus.push(pdu);
      if (pdu.type === 'createRequest' && pdu.channelName === GFX_CHANNEL_NAME) this.gfxChannelId = pdu.channelId;
      if ((pdu.type === 'data' || pdu.type === 'dataFirst') && pdu.channelId === this.gfxChannelId) {
        const message = this.reassembler.push(pdu);
        if (message) this.gfxPdus.push(...decodeGfxPdus(decodeSegmentedData(message, 64 << 20, this.history)));
      }
    } catch (error) {
      this.decodeError ??= error;
    }
  }
}
