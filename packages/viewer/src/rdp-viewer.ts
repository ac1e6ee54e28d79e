import {
  type ConnectionString,
  type ConnectorClose,
  ConnectorFailure,
  type ConnectorSecurity,
  type CryptoProvider,
  DRDYNVC_CHANNEL_NAME,
  decodeConnectionString,
  decodeEncomspPdus,
  ENCOMSP_CHANNEL_NAME,
  encodeEncomspPdu,
  type InputEvent,
  mouseButtonEvent,
  mouseMoveEvent,
  mouseWheelEvent,
  ProtocolError,
  PtrXFlags,
  RdpConnector,
  type ServerUpdate,
  type SharedDesktop,
  type SurfaceCommand,
  SurfaceCommandType,
} from '@rdshare/protocol';
import { type ControlLevel, EventHub, type SessionEvents } from '@rdshare/rx';
import { type Observable, Subject } from 'rxjs';
import { DisconnectReason, KeyboardCodeType, MouseButton } from './constants.js';
import { ViewerError, type ViewerErrorCode } from './errors.js';
import { FocusReleaseKeys } from './focus-release.js';
import { FrameBuffer, type FrameRect } from './frame-buffer.js';
import type { GfxClientStats } from './graphics-pipeline/gfx-client.js';
import { GfxPersistentCache } from './graphics-pipeline/gfx-persistent-cache.js';
import type { H264DecoderFactory } from './graphics-pipeline/h264-decoder.js';
import { ViewerGraphicsPipeline } from './graphics-pipeline/viewer-graphics-pipeline.js';
import { PointerState, type PointerView } from './pointer-state.js';
import { SurfaceBits, type SurfaceBitsStats } from './surface-bits.js';
import { type ViewerApplicationFilter, type ViewerAttendee, ViewerCollaboration } from './viewer-collaboration.js';
import type { ViewerEventTypes } from './viewer-events.js';
import type { ViewerConnection, ViewerTransport } from './viewer-transport.js';
import { VirtualChannelManager } from './virtual-channel-manager.js';

/** How a viewer is set up; the transport and crypto are injected so the core runs anywhere. */
export interface RdpViewerOptions {
  crypto: CryptoProvider;
  /** Opens connections to the sharer (`tcpTransport()` from `@rdshare/viewer/node`, or your own). */
  transport: ViewerTransport;
  /** Security layers to offer (default TLS and Standard RDP Security; TLS needs `ViewerConnection.startTls`). */
  security?: ConnectorSecurity;
  /** The desktop asked for; the sharer decides (default 1024x768). */
  desktopWidth?: number;
  desktopHeight?: number;
  /** 8, 15, 16, 24 or 32 (default 32); the sharer may choose less. `requestColorDepthChange` changes it. */
  colorDepth?: number;
  /** CS_CORE clientName (default `rdshare`). */
  clientName?: string;
  /**
   * Ask for the graphics pipeline (MS-RDPEGFX over `drdynvc`; default false). The sharer decides: rdshare's
   * sharer uses it at 32 bpp and paces each viewer by its frame acknowledgements; a sharer that does not offer it
   * keeps sending bitmap updates, which the viewer still decodes. Off by default because the viewer decodes
   * uncompressed, planar, RemoteFX (CAVIDEO), RemoteFX Progressive and (with {@link h264Decoder}) AVC420 frames
   * but not ClearCodec, which other servers may send.
   */
  graphicsPipeline?: boolean;
  /**
   * Makes an H.264 decoder per graphics surface; with it the viewer advertises AVC420 (RDPGFX 8.1). Browser:
   * `webCodecsH264Decoder`; Node: `nativeH264Decoder()` from `@rdshare/viewer/node`.
   */
  h264Decoder?: H264DecoderFactory;
  /**
   * The graphics pipeline's bitmaps kept across connections and offered back to the sharer when this viewer joins
   * again (RDPGFX cache import), so content it already has is drawn from the cache instead of sent again. Default:
   * one per RdpViewer, in memory; pass one to share it or to {@link GfxPersistentCache.save} it for a later process.
   */
  graphicsCache?: GfxPersistentCache;
  /**
   * Codecs to offer on top of the lossless bitmap updates; default none. `remoteFx`: RemoteFX (MS-RDPRFX), which
   * is lossy: the viewer announces it in its Bitmap Codecs capability set and draws the RemoteFX surface bits the
   * sharer then sends, acknowledging each frame so the sharer paces itself; with
   * {@link graphicsPipeline}, FreeRDP's shadow server also takes it as the pipeline's codec (CAVIDEO). Surface bits
   * in a codec the viewer did not offer end the connection with an UNSUPPORTED ProtocolError.
   */
  codecs?: { remoteFx?: boolean };
}

/** Where a viewer is. */
export const ViewerState = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
} as const;
export type ViewerState = (typeof ViewerState)[keyof typeof ViewerState];

/** `bstrName` is at most 255 characters (IRDPSRAPIViewer::Connect). */
const MAX_NAME = 255;
const DEFAULT_WIDTH = 1024;
const DEFAULT_HEIGHT = 768;
/** Wheel rotation of one event: a 9-bit two's-complement value. */
const MIN_WHEEL = -256;
const MAX_WHEEL = 255;
const MAX_COORDINATE = 0xffff;
/** The depths a Client Core Data PDU can ask for (highColorDepth, MS-RDPBCGR 2.2.1.3.2). */
const COLOR_DEPTHS: readonly number[] = [8, 15, 16, 24, 32];

/** What `connect` was called with: a colour depth change joins again with it. */
interface Invitation {
  ticket: ConnectionString;
  name: string;
  password: string;
}

interface Attempt {
  resolve(): void;
  reject(error: ViewerError): void;
}

/**
 * The viewer side of Windows Desktop Sharing, `IRDPSRAPIViewer` (+ `IRDPViewerInputSink`) in TypeScript: joins
 * an invitation, keeps {@link frameBuffer} current, sends input, requests control and talks on app channels. Events
 * are `_IRDPSessionEvents` observables in {@link events}. The core uses only @rdshare/protocol and @rdshare/rx: give
 * it a transport and a crypto provider (Node: `@rdshare/viewer/node`) and it runs in Node or a browser.
 *
 * @example
 * import { RdpViewer } from '@rdshare/viewer';
 * import { nodeCryptoProvider, tcpTransport } from '@rdshare/viewer/node';
 *
 * const viewer = new RdpViewer({ crypto: nodeCryptoProvider(), transport: tcpTransport() });
 * viewer.events.connectionTerminated$.subscribe(({ reason }) => console.log('ended', reason));
 * viewer.frame$.subscribe((rect) => paint(viewer.frameBuffer, rect));
 * await viewer.connect(connectionString, 'Ann', 'invitation password');
 * viewer.requestControl(ControlLevel.INTERACTIVE);
 */
export class RdpViewer {
  /** `_IRDPSessionEvents` as hot observables (subscribe before `connect`). */
  readonly events: SessionEvents<ViewerEventTypes>;
  /** IRDPSRAPIViewer::VirtualChannelManager: create app channels before `connect`. */
  readonly virtualChannelManager: VirtualChannelManager;
  /** IRDPSRAPIViewer::SmartSizing: whether renderers scale the desktop into their area. */
  smartSizing = false;
  private readonly hub = new EventHub<ViewerEventTypes>();
  private readonly frames = new Subject<FrameRect>();
  private readonly pointers = new Subject<PointerView>();
  private stateValue: ViewerState = ViewerState.IDLE;
  private connector?: RdpConnector;
  private connection?: ViewerConnection;
  private buffer?: FrameBuffer;
  private pointerState = new PointerState();
  private collaboration: ViewerCollaboration;
  private desktopValue?: SharedDesktop;
  private attempt?: Attempt;
  private established = false;
  /** The last attempt ended on an X.224 negotiation failure (the sharer refused the security protocol). */
  private negotiationFailed = false;
  private lastX = 0;
  private lastY = 0;
  private depth: number;
  private invitation?: Invitation;
  /** The viewing rectangle's size last announced (viewingSizeChanged$). */
  private viewing?: { width: number; height: number };
  private focusKeys = new FocusReleaseKeys();
  private graphicsPipeline?: ViewerGraphicsPipeline;
  private readonly graphicsCache: GfxPersistentCache;
  private surfaceBits?: SurfaceBits;

  constructor(private readonly options: RdpViewerOptions) {
    if (!options || typeof options.crypto !== 'object' || typeof options.transport?.connect !== 'function')
      throw new ViewerError('INVALID_ARGUMENT', 'RdpViewer needs { crypto, transport }');
    if (options.graphicsCache !== undefined && !(options.graphicsCache instanceof GfxPersistentCache))
      throw new ViewerError('INVALID_ARGUMENT', 'graphicsCache must be a GfxPersistentCache');
    this.graphicsCache = options.graphicsCache ?? new GfxPersistentCache();
    this.events = this.hub.events;
    this.depth = options.colorDepth ?? 32;
    this.collaboration = new ViewerCollaboration(this.hub);
    this.virtualChannelManager = new VirtualChannelManager(
      (name, data) => this.connectedConnector('send channel data').sendChannelData(name, data),
      () => this.stateValue !== ViewerState.IDLE,
    );
  }

  get state(): ViewerState {
    return this.stateValue;
  }

  /** The shared desktop as RGBA pixels, once connected (IRDPSRAPIFrameBuffer's counterpart on the viewer). */
  get frameBuffer(): FrameBuffer | undefined {
    return this.buffer;
  }

  /** The desktop's size and colour depth, once connected. */
  get desktop(): SharedDesktop | undefined {
    return this.desktopValue;
  }

  /** Each rectangle of {@link frameBuffer} that a bitmap update or a graphics pipeline frame changed, for renderers. */
  get frame$(): Observable<FrameRect> {
    return this.frames.asObservable();
  }

  /** The sharer's pointer after each pointer update. */
  get pointer$(): Observable<PointerView> {
    return this.pointers.asObservable();
  }

  get pointer(): PointerView {
    return this.pointerState.view;
  }

  /**
   * The graphics pipeline's counters (frames acknowledged, capability set confirmed, codecs seen), while the
   * sharer drives this viewer through it; undefined on bitmap updates.
   */
  get graphicsPipelineStats(): GfxClientStats | undefined {
    return this.graphicsPipeline?.gfx?.stats;
  }

  /**
   * What surface commands drew (surface bits by codecID, frames ended), on a connection that offered a surface
   * codec (`codecs.remoteFx`); undefined otherwise.
   */
  get surfaceBitsStats(): SurfaceBitsStats | undefined {
    return this.surfaceBits?.stats;
  }

  /** Resolves once the graphics pipeline has composed everything received so far (recorded-session replays). */
  graphicsIdle(): Promise<void> {
    return this.graphicsPipeline?.gfx?.idle() ?? Promise.resolve();
  }

  /** IRDPSRAPIViewer::Attendees: the participants the sharer announced (MS-RDPEMC), this viewer included. */
  get attendees(): ReadonlyMap<number, ViewerAttendee> {
    return this.collaboration.attendees;
  }

  /** IRDPSRAPIViewer::ApplicationFilter as the sharer announced it. */
  get applicationFilter(): ViewerApplicationFilter {
    return this.collaboration.applicationFilter;
  }

  /**
   * IRDPSRAPIViewer::Connect: parses the invitation, tries each `<L>` address in turn, checks the sharer's key
   * against KH2/KH, answers with `name` and `password`, and resolves once the desktop is shown. Rejects with a
   * ViewerError (BAD_TICKET, CONNECT_FAILED, KEY_MISMATCH, REFUSED, PROTOCOL, DISCONNECTED) after publishing
   * `connectionFailed$`.
   *
   * @example
   * await viewer.connect(invitation.connectionString, 'Ann', 'secret');
   */
  async connect(connectionString: string, name: string, password: string): Promise<void> {
    if (this.stateValue !== ViewerState.IDLE)
      throw new ViewerError('INVALID_STATE', `connect() while ${this.stateValue}; disconnect() first`);
    if (typeof connectionString !== 'string')
      throw new ViewerError('INVALID_ARGUMENT', 'connectionString must be a string');
    if (typeof name !== 'string' || name.length > MAX_NAME)
      throw new ViewerError('INVALID_ARGUMENT', `name must be a string of at most ${MAX_NAME} characters`);
    if (typeof password !== 'string') throw new ViewerError('INVALID_ARGUMENT', 'password must be a string');
    this.stateValue = ViewerState.CONNECTING;
    try {
      const ticket = parseTicket(connectionString);
      this.invitation = { ticket, name, password };
      await this.connectToAny(ticket, name, password);
      this.stateValue = ViewerState.CONNECTED;
    } catch (err) {
      const error = err instanceof ViewerError ? err : new ViewerError('PROTOCOL', String(err), { cause: err });
      this.reset();
      this.hub.publish('connectionFailed', { error });
      throw error;
    }
  }

  /** IRDPSRAPIViewer::Disconnect: leaves the session; `connectionTerminated$` follows (reason LOCAL_NOT_ERROR). */
  disconnect(): void {
    this.connector?.disconnect();
  }

  /** IRDPSRAPIViewer::RequestControl: asks the sharer for a control level (OD_PARTICIPANT_CTRL_CHANGE). */
  requestControl(level: ControlLevel): void {
    if (!Number.isInteger(level) || level < 1 || level > 5)
      throw new ViewerError('INVALID_ARGUMENT', `control level ${level}: use ControlLevel`);
    const connector = this.connectedConnector('request control');
    if (!connector.hasChannel(ENCOMSP_CHANNEL_NAME))
      throw new ViewerError('INVALID_STATE', 'the sharer did not join the encomsp channel');
    connector.sendChannelData(ENCOMSP_CHANNEL_NAME, encodeEncomspPdu(this.collaboration.requestFor(level)));
  }

  /**
   * IRDPSRAPIViewer::RequestColorDepthChange: asks the sharer for `bpp` bits per pixel (8, 15, 16, 24 or 32)
   * and resolves once the desktop is shown at the depth the sharer chose (at most its session's ColorDepth:
   * read `desktop.colorDepth`, or `sharedDesktopSettingsChanged$`).
   *
   * MS-RDPEMC has no PDU for it and RDP lets a client state its depth only in the Client Core Data
   * (highColorDepth) of a connection, so the viewer joins again with the same invitation at the new depth; the
   * sharer sees this attendee leave and return. No `connectionTerminated$` fires in between. Windows documents
   * 16 and 24 (8 is raised to 16 there); every depth RDP carries is accepted here.
   * @throws {ViewerError} INVALID_ARGUMENT for another depth, INVALID_STATE unless connected; rejects like
   *   `connect` (after `connectionTerminated$`) when the sharer cannot be joined again.
   * @example
   * await viewer.requestColorDepthChange(16);
   * console.log(viewer.desktop?.colorDepth); // 16, or less if the sharer's session is shallower
   */
  async requestColorDepthChange(bpp: number): Promise<void> {
    if (!COLOR_DEPTHS.includes(bpp))
      throw new ViewerError('INVALID_ARGUMENT', `colour depth ${bpp}: use 8, 15, 16, 24 or 32 bits per pixel`);
    const connector = this.connectedConnector('change the colour depth');
    const invitation = this.invitation as Invitation;
    this.depth = bpp;
    // The old connection ends without events: closes of a connector the viewer moved past are ignored.
    const connection = this.connection;
    this.connector = undefined;
    this.connection = undefined;
    this.stateValue = ViewerState.CONNECTING;
    connector.disconnect('colour depth change');
    connection?.close();
    this.collaboration.rejoin();
    try {
      await this.connectToAny(invitation.ticket, invitation.name, invitation.password);
      this.stateValue = ViewerState.CONNECTED;
    } catch (err) {
      const error = err instanceof ViewerError ? err : new ViewerError('PROTOCOL', String(err), { cause: err });
      this.reset();
      this.hub.publish('connectionTerminated', {
        reason: error.code === 'REFUSED' ? DisconnectReason.BY_SERVER : DisconnectReason.SOCKET_CLOSED,
        extendedInfo: 0,
      });
      throw error;
    }
  }

  /** IRDPViewerInputSink::SendMouseMoveEvent. */
  sendMouseMove(x: number, y: number): void {
    checkCoordinates(x, y);
    this.lastX = x;
    this.lastY = y;
    this.sendInput([mouseMoveEvent(x, y)]);
  }

  /** IRDPViewerInputSink::SendMouseButtonEvent with an RDPSRAPI_MOUSE_BUTTON_TYPE. */
  sendMouseButton(button: MouseButton, down: boolean, x: number, y: number): void {
    checkCoordinates(x, y);
    this.lastX = x;
    this.lastY = y;
    switch (button) {
      case MouseButton.BUTTON1:
      case MouseButton.BUTTON2:
      case MouseButton.BUTTON3:
        this.sendInput([mouseButtonEvent((button + 1) as 1 | 2 | 3, down, x, y)]);
        return;
      case MouseButton.XBUTTON1:
      case MouseButton.XBUTTON2: {
        const flag = button === MouseButton.XBUTTON1 ? PtrXFlags.BUTTON1 : PtrXFlags.BUTTON2;
        this.sendInput([{ type: 'mousex', flags: flag | (down ? PtrXFlags.DOWN : 0), x, y }]);
        return;
      }
      default:
        throw new ViewerError('INVALID_ARGUMENT', `mouse button ${button}: RDP carries BUTTON1-3 and XBUTTON1-2`);
    }
  }

  /** IRDPViewerInputSink::SendMouseWheelEvent: `rotation` in -256..255 (120 per notch), at the last position. */
  sendMouseWheel(rotation: number, horizontal = false): void {
    if (!Number.isInteger(rotation) || rotation < MIN_WHEEL || rotation > MAX_WHEEL)
      throw new ViewerError('INVALID_ARGUMENT', `wheel rotation ${rotation} outside ${MIN_WHEEL}..${MAX_WHEEL}`);
    this.sendInput([mouseWheelEvent(horizontal ? 'horizontal' : 'vertical', rotation, this.lastX, this.lastY)]);
  }

  /**
   * IRDPViewerInputSink::SendKeyboardEvent: a set-1 scancode (with `extended` for the E0 keys) or a UTF-16 code
   * unit. `repeat` is accepted for the COM signature; RDP has no repeat flag, a repeated key is another key-down.
   * Ctrl+Alt+Left / Ctrl+Alt+Right is the viewer's own: the arrow is not sent, `focusReleased$` fires (-1 / 1)
   * for the app to move its keyboard focus on, as the Windows control's OnFocusReleased does.
   */
  sendKeyboard(codeType: KeyboardCodeType, keycode: number, keyUp: boolean, repeat = false, extended = false): void {
    void repeat;
    const max = codeType === KeyboardCodeType.SCANCODE ? 0xff : 0xffff;
    if (!Number.isInteger(keycode) || keycode < 0 || keycode > max)
      throw new ViewerError('INVALID_ARGUMENT', `keycode ${keycode} outside 0..${max}`);
    if (codeType === KeyboardCodeType.SCANCODE) {
      const connector = this.connectedConnector('send input');
      const { forward, direction } = this.focusKeys.key(keycode, keyUp, extended);
      if (forward)
        connector.sendInput([{ type: 'scancode', code: keycode, release: keyUp, extended, extended1: false }]);
      if (direction !== undefined) this.hub.publish('focusReleased', { direction });
    } else if (codeType === KeyboardCodeType.UNICODE)
      this.sendInput([{ type: 'unicode', code: keycode, release: keyUp }]);
    else throw new ViewerError('INVALID_ARGUMENT', `keyboard code type ${codeType}: use KeyboardCodeType`);
  }

  /** IRDPViewerInputSink::SendSyncEvent: the lock keys' state (RDPSRAPI_KBD_SYNC_FLAG bits). */
  sendSync(flags: number): void {
    if (!Number.isInteger(flags) || flags < 0 || flags > 0x0f)
      throw new ViewerError('INVALID_ARGUMENT', `sync flags 0x${Number(flags).toString(16)}`);
    this.sendInput([{ type: 'sync', toggleFlags: flags }]);
  }

  /** Asks the sharer to send the whole desktop again (Refresh Rect). */
  refresh(): void {
    const { width, height } = this.desktopValue ?? { width: 1, height: 1 };
    this.connectedConnector('refresh').refreshRect([{ left: 0, top: 0, right: width - 1, bottom: height - 1 }]);
  }

  private sendInput(events: InputEvent[]): void {
    this.connectedConnector('send input').sendInput(events);
  }

  private connectedConnector(what: string): RdpConnector {
    if (this.stateValue !== ViewerState.CONNECTED || !this.connector)
      throw new ViewerError('INVALID_STATE', `cannot ${what}: the viewer is ${this.stateValue}`);
    return this.connector;
  }

  private async connectToAny(ticket: ConnectionString, name: string, password: string): Promise<void> {
    const failures: string[] = [];
    for (const address of ticket.addresses) {
      let connection: ViewerConnection;
      try {
        connection = await this.options.transport.connect(address);
      } catch (err) {
        failures.push(`${address.address}:${address.port}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      if (this.stateValue !== ViewerState.CONNECTING) {
        connection.close();
        throw new ViewerError('DISCONNECTED', 'disconnect() was called while connecting');
      }
      const security = this.options.security ?? { tls: connection.startTls !== undefined, rdp: true };
      try {
        await this.run(connection, ticket, name, password, security);
      } catch (err) {
        // A sharer that refuses TLS answers with a negotiation failure and closes; like Windows and FreeRDP
        // clients, try again on a new connection with Standard RDP Security alone.
        if (
          !(
            err instanceof ViewerError &&
            err.code === 'PROTOCOL' &&
            this.negotiationFailed &&
            security.tls &&
            security.rdp
          )
        )
          throw err;
        const retry = await this.options.transport.connect(address);
        await this.run(retry, ticket, name, password, { tls: false, rdp: true });
      }
      return;
    }
    throw new ViewerError('CONNECT_FAILED', `no address of the invitation answered (${failures.join('; ')})`);
  }

  private run(
    connection: ViewerConnection,
    ticket: ConnectionString,
    name: string,
    password: string,
    security: ConnectorSecurity,
  ): Promise<void> {
    this.negotiationFailed = false;
    const connector = new RdpConnector(
      {
        write: (bytes) => connection.write(bytes),
        ...(connection.startTls
          ? { startTls: () => (connection.startTls as NonNullable<ViewerConnection['startTls']>)() }
          : {}),
        onAuthenticated: () => this.hub.publish('connectionAuthenticated', {}),
        onActive: (desktop) => this.activated(desktop),
        onUpdate: (update) => this.update(update),
        onChannelData: (channel, data) => this.channelData(channel, data),
        onReactivated: (desktop) => this.desktopChanged(desktop),
        onClose: (close) => {
          if (this.connector === connector) this.closed(close);
        },
      },
      {
        crypto: this.options.crypto,
        userName: name,
        password,
        authString: ticket.authString ?? '',
        ...(this.options.clientName !== undefined ? { clientName: this.options.clientName } : {}),
        desktopWidth: this.options.desktopWidth ?? DEFAULT_WIDTH,
        desktopHeight: this.options.desktopHeight ?? DEFAULT_HEIGHT,
        colorDepth: this.depth,
        channels: [
          ENCOMSP_CHANNEL_NAME,
          ...(this.options.graphicsPipeline ? [DRDYNVC_CHANNEL_NAME] : []),
          ...this.virtualChannelManager.names,
        ],
        graphicsPipeline: this.options.graphicsPipeline === true,
        ...(this.options.codecs?.remoteFx ? { surfaceCodecs: { remoteFx: true } } : {}),
        security,
        ...(ticket.kh !== undefined || ticket.kh2 !== undefined
          ? { keyHashes: { ...(ticket.kh ? { kh: ticket.kh } : {}), ...(ticket.kh2 ? { kh2: ticket.kh2 } : {}) } }
          : {}),
        ...(ticket.sessionId ? { preconnectionId: ticket.sessionId } : {}),
      },
    );
    this.connector = connector;
    this.connection = connection;
    this.graphicsPipeline?.close();
    this.graphicsPipeline = this.options.graphicsPipeline ? this.newGraphicsPipeline(connector) : undefined;
    this.surfaceBits = this.options.codecs?.remoteFx ? new SurfaceBits() : undefined;
    return new Promise<void>((resolve, reject) => {
      this.attempt = { resolve, reject };
      connection.onData((bytes) => connector.receive(bytes));
      connection.onClose((error) => connector.transportClosed(error?.message));
      if (!this.established) this.hub.publish('connectionEstablished', {});
      this.established = true;
      connector.start();
    });
  }

  private activated(desktop: SharedDesktop): void {
    this.buffer = new FrameBuffer(desktop.width, desktop.height);
    this.desktopValue = desktop;
    this.stateValue = ViewerState.CONNECTED;
    this.hub.publish('sharedDesktopSettingsChanged', { ...desktop });
    this.viewingSizeChanged(desktop);
    const attempt = this.attempt;
    this.attempt = undefined;
    attempt?.resolve();
  }

  private desktopChanged(desktop: SharedDesktop): void {
    const previous = this.desktopValue;
    this.desktopValue = desktop;
    if (previous?.width !== desktop.width || previous?.height !== desktop.height)
      this.buffer?.resize(desktop.width, desktop.height);
    this.hub.publish('sharedDesktopSettingsChanged', { ...desktop });
    this.viewingSizeChanged(desktop);
  }

  /**
   * OnViewingSizeChanged: the rectangle of the desktop this viewer shows (all of it, `right`/`bottom` exclusive)
   * when it first appears or changes size, so renderers size their surface. Smart sizing only scales the picture,
   * the viewed rectangle stays.
   */
  private viewingSizeChanged({ width, height }: SharedDesktop): void {
    if (this.viewing?.width === width && this.viewing?.height === height) return;
    this.viewing = { width, height };
    this.hub.publish('viewingSizeChanged', { left: 0, top: 0, right: width, bottom: height });
  }

  private update(update: ServerUpdate): void {
    switch (update.kind) {
      case 'bitmap':
        for (const rect of update.rects) {
          const changed = this.buffer?.applyBitmap(rect);
          if (changed) this.frames.next(changed);
        }
        return;
      case 'palette':
        this.buffer?.setPalette(update.palette);
        this.pointerState.setPalette(update.palette);
        return;
      case 'pointer':
        this.pointers.next(this.pointerState.apply(update.pointer));
        return;
      case 'surface-commands':
        this.drawSurfaceCommands(update.commands);
        return;
    }
  }

  private drawSurfaceCommands(commands: readonly SurfaceCommand[]): void {
    if (!this.surfaceBits) {
      // Frame markers alone draw nothing; surface bits to a viewer that offered no codec break the negotiation.
      if (commands.some((c) => c.cmdType !== SurfaceCommandType.FRAME_MARKER))
        throw new ProtocolError('UNSUPPORTED', 'surface bits, though no surface codec was offered', 'TS_SURFCMD');
      return;
    }
    if (!this.buffer) return;
    for (const rect of this.surfaceBits.apply(commands, this.buffer)) this.frames.next(rect);
  }

  private newGraphicsPipeline(connector: RdpConnector): ViewerGraphicsPipeline {
    return new ViewerGraphicsPipeline(
      {
        sendChannelData: (name, data) => connector.sendChannelData(name, data),
        frameBuffer: () => this.buffer,
        resize: (width, height) => {
          if (this.buffer?.width !== width || this.buffer?.height !== height) this.buffer?.resize(width, height);
        },
        frame: (rects) => {
          for (const rect of rects) this.frames.next(rect);
        },
        fail: (error) => connector.fail(error),
      },
      {
        persistentCache: this.graphicsCache,
        ...(this.options.h264Decoder ? { h264: this.options.h264Decoder } : {}),
      },
    );
  }

  private channelData(name: string, data: Uint8Array): void {
    if (name === DRDYNVC_CHANNEL_NAME && this.graphicsPipeline) {
      this.graphicsPipeline.receive(data);
      return;
    }
    if (name === ENCOMSP_CHANNEL_NAME) {
      this.collaboration.receiveAll(decodeEncomspPdus(data));
      return;
    }
    const channel = this.virtualChannelManager.get(name);
    if (channel) this.hub.publish('channelDataReceived', { channel, attendeeId: 0, data });
  }

  private closed(close: ConnectorClose): void {
    const attempt = this.attempt;
    this.connection?.close();
    this.attempt = undefined;
    this.connector = undefined;
    this.connection = undefined;
    if (attempt) {
      // connect() decides: retry, try the next address, or fail (and reset).
      this.negotiationFailed = close.kind === ConnectorFailure.NEGOTIATION;
      attempt.reject(new ViewerError(errorCodeOf(close), close.reason, { cause: close.error }));
      return;
    }
    this.reset();
    // OnError carries the protocol violation that ended an established session; OnConnectionTerminated the end.
    if (close.error) this.hub.publish('error', { error: close.error });
    this.hub.publish('connectionTerminated', { reason: disconnectReasonOf(close), extendedInfo: close.errorInfo ?? 0 });
  }

  private reset(): void {
    this.graphicsPipeline?.close();
    this.graphicsPipeline = undefined;
    this.surfaceBits = undefined;
    this.attempt = undefined;
    this.connector = undefined;
    this.connection = undefined;
    this.established = false;
    this.invitation = undefined;
    this.viewing = undefined;
    this.stateValue = ViewerState.IDLE;
    this.pointerState = new PointerState();
    this.focusKeys = new FocusReleaseKeys();
    this.collaboration.clear();
  }
}

function parseTicket(connectionString: string): ConnectionString {
  let ticket: ConnectionString;
  try {
    ticket = decodeConnectionString(connectionString);
  } catch (err) {
    throw new ViewerError('BAD_TICKET', `not an invitation: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (ticket.addresses.length === 0) throw new ViewerError('BAD_TICKET', 'the invitation lists no address (<L>)');
  return ticket;
}

function checkCoordinates(x: number, y: number): void {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x > MAX_COORDINATE || y > MAX_COORDINATE)
    throw new ViewerError('INVALID_ARGUMENT', `position ${x},${y} outside 0..${MAX_COORDINATE}`);
}

function errorCodeOf(close: ConnectorClose): ViewerErrorCode {
  switch (close.kind) {
    case ConnectorFailure.KEY_MISMATCH:
      return 'KEY_MISMATCH';
    case ConnectorFailure.REFUSED:
      return 'REFUSED';
    case ConnectorFailure.PROTOCOL:
    case ConnectorFailure.NEGOTIATION:
      return 'PROTOCOL';
    default:
      return 'DISCONNECTED';
  }
}

function disconnectReasonOf(close: ConnectorClose): number {
  switch (close.kind) {
    case ConnectorFailure.LOCAL:
      return DisconnectReason.LOCAL_NOT_ERROR;
    case ConnectorFailure.SERVER_DISCONNECT:
    case ConnectorFailure.REFUSED:
      return DisconnectReason.BY_SERVER;
    default:
      return DisconnectReason.SOCKET_CLOSED;
  }
}
