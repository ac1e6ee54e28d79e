import type { InputSink } from '@rdshare/native';
import { type ActivatedClient, DRDYNVC_CHANNEL_NAME, ErrorInfo } from '@rdshare/protocol';
import { Attendee } from './attendee.js';
import type { AttendeeConnection, ConnectionEnd } from './attendee-connection.js';
import type { AttendeeServiceHooks, AttendeeServiceLink } from './attendee-service.js';
import { ATTENDEE_FLAGS, CTRL_LEVEL } from './constants.js';
import { disconnectCauseOf } from './disconnect-code.js';
import { attachAttendeeGfx } from './graphics/attendee-gfx.js';
import type { GraphicsFanout, GraphicsViewer } from './graphics/graphics-fanout.js';
import type { PointerFanout } from './graphics/pointer-fanout.js';
import { type InputArea, InputRouter } from './input-router.js';
import type { Invitation } from './invitation.js';
import { isLoopback } from './peer-address.js';
import type { SessionContext } from './session-context.js';

/** What the open session lends an attendee: where its pixels, pointer and input go. */
export interface AttendeeResources {
  readonly graphics: GraphicsFanout;
  readonly pointer: PointerFanout;
  readonly input: InputSink;
  /** Where the attendee's desktop lies on the screen (the shared rectangle). */
  sharedArea(): InputArea;
}

/** An admitted attendee wired to its connection; the connection reports its later life here. */
export interface WiredAttendee {
  readonly attendee: Attendee;
  /** The acceptor reactivated the connection (desktop resize): the same attendee, whose screen is all stale. */
  reactivated(client: ActivatedClient): void;
  /** The connection ended: the attendee leaves. */
  ended(end: ConnectionEnd): void;
}

/**
 * The one place where an activated connection becomes an attendee: its graphics stream, pointer, input, control
 * level, the session's attendee services (channel data routed by channel name), and the events Windows raises.
 */
export function wireAttendee(
  ctx: SessionContext,
  resources: AttendeeResources,
  connection: AttendeeConnection,
  invitation: Invitation,
  client: ActivatedClient,
  /** The name the app gave an attendee it authenticated itself; otherwise the viewer's Client Info UserName. */
  remoteName?: string,
): WiredAttendee {
  const { logger, hub } = ctx;
  const viewer = resources.graphics.addViewer(connection, client.colorDepth);
  const input = new InputRouter(resources.input, () => resources.sharedArea());
  const { peer } = connection;
  const id = ctx.nextAttendeeId();
  let suppressed = false;
  let services: AttendeeServiceHooks[] = [];
  const applyLevel = (level: CTRL_LEVEL) => {
    viewer.setWatching(level !== CTRL_LEVEL.NONE && !suppressed);
    resources.pointer.refresh();
  };
  const attendee: Attendee = new Attendee(
    id,
    remoteName ?? connection.clientInfo?.userName ?? '',
    invitation,
    {
      protocol: peer.family,
      localIp: peer.localAddress,
      localPort: peer.localPort,
      peerIp: peer.address,
      peerPort: peer.port,
    },
    ctx.properties.DefaultAttendeeControlLevel,
    {
      applyControlLevel: (level) => {
        applyLevel(level);
        for (const s of services) s.onControlLevelChanged?.(level);
        logger.info('control level changed', { attendee: id, level });
        hub.publish('attendeeUpdate', { attendee });
      },
      terminate: () => connection.disconnect(ErrorInfo.RPC_INITIATED_DISCONNECT, 'terminated by the sharer'),
      statistics: () => connection.traffic.snapshot(),
    },
    isLoopback(peer.address) ? ATTENDEE_FLAGS.LOCAL : 0,
  );
  connection.onInput = (events) => {
    if (attendee.controlLevel !== CTRL_LEVEL.INTERACTIVE) return;
    try {
      input.route(events);
    } catch (error) {
      logger.warn('input dropped', { attendee: id, error: String(error) });
    }
  };
  connection.onRefresh = (rects) => viewer.invalidate(rects);
  connection.onSuppress = (allow) => {
    suppressed = !allow;
    applyLevel(attendee.controlLevel);
    if (allow) viewer.invalidate();
  };
  ctx.attendees.add(attendee);
  const addPointer = (capabilities: ActivatedClient['capabilities']) =>
    resources.pointer.add(attendee, connection, capabilities, {
      shape: () => viewer.watching,
      position: () => viewer.watching && attendee.controlLevel !== CTRL_LEVEL.INTERACTIVE,
    });
  addPointer(client.capabilities);
  applyLevel(attendee.controlLevel);
  services = attachServices(ctx, attendee, connection, client);
  const gfx = attachAttendeeGfx(logger, id, connection, countingPipelineFrames(viewer, connection), client);
  if (gfx) {
    const routeToServices = connection.onChannelData;
    connection.onChannelData = (channel, data) =>
      channel.toLowerCase() === DRDYNVC_CHANNEL_NAME ? gfx.receive(data) : routeToServices?.(channel, data);
  }
  logger.info('attendee connected', {
    attendee: id,
    name: attendee.remoteName,
    peer: peer.address,
    colorDepth: client.colorDepth,
    security: client.securityLayer,
    encryptionMethod: client.encryptionMethod,
    // What bitmap updates may use: screen-to-screen copies and the client's revision 2 bitmap cache.
    scrBlt: client.capabilities.scrBlt,
    bitmapCache: client.capabilities.bitmapCacheCells.length > 0,
  });
  hub.publish('attendeeConnected', { attendee });

  return {
    attendee,
    reactivated: (reactivatedClient) => {
      gfx?.resize(reactivatedClient);
      viewer.reactivated();
      // Pointer updates were dropped while the client reactivated: start its pointer cache afresh.
      resources.pointer.remove(attendee);
      addPointer(reactivatedClient.capabilities);
      for (const s of services) s.onReactivated?.(reactivatedClient);
    },
    ended: (end) => {
      if (!ctx.attendees.remove(attendee)) return;
      resources.pointer.remove(attendee);
      gfx?.close();
      viewer.close();
      for (const s of services) s.onDetached?.(end);
      const { reason, code } = disconnectCauseOf(end);
      if (end.error) logger.warn('attendee connection failed', { attendee: id, reason: end.reason });
      else logger.info('attendee disconnected', { attendee: id, reason: end.reason });
      // Like Windows, closing the session raises no disconnect events for the attendees it drops.
      if (ctx.isOpen()) hub.publish('attendeeDisconnected', { info: { attendee, reason, code } });
    },
  };
}

/** Attaches every session service to the attendee and routes channel data to the service that serves it. */
function attachServices(
  ctx: SessionContext,
  attendee: Attendee,
  connection: AttendeeConnection,
  client: ActivatedClient,
): AttendeeServiceHooks[] {
  const link: AttendeeServiceLink = {
    client,
    sendChannelData: (channel, data) => connection.sendChannelData(channel, data),
    hasChannel: (channel) => connection.hasChannel(channel),
    backlog: () => connection.backlog(),
    onDrain: (listener) => connection.onDrain(listener),
    disconnect: (errorInfo, reason, error) => connection.disconnect(errorInfo, reason, error),
  };
  const attached = ctx.services.map((service) => ({ service, hooks: service.attach(attendee, link) }));
  connection.onChannelData = (channel, data) => {
    // Looked up per message, and regardless of case (static channel names bind that way on Windows and
    // FreeRDP): the app may create channels while attendees are connected.
    const name = channel.toLowerCase();
    const target = attached.find(({ service }) => service.channels.some((c) => c.toLowerCase() === name));
    try {
      target?.hooks.onChannelData?.(channel, data);
    } catch (error) {
      ctx.logger.warn('channel data dropped', { attendee: attendee.id, channel, error: String(error) });
    }
  };
  return attached.map(({ hooks }) => hooks);
}

/**
 * The viewer as the graphics pipeline sees it: a pipeline that takes over the attendee's tiles has each batch
 * and each access unit counted as a frame sent, as the connection counts its bitmap updates.
 */
function countingPipelineFrames(viewer: GraphicsViewer, connection: AttendeeConnection): GraphicsViewer {
  const useSink: GraphicsViewer['useSink'] = (target, codec, avc) =>
    viewer.useSink(
      {
        backlog: () => target.backlog(),
        onDrain: (listener) => target.onDrain(listener),
        copiesSurface: target.copiesSurface,
        sendTiles: (tiles, copies) => {
          connection.traffic.frame();
          target.sendTiles(tiles, copies);
        },
      },
      codec,
      avc && {
        format: avc.format,
        sink: {
          accessUnitBacklog: () => avc.sink.accessUnitBacklog(),
          sendAccessUnit: (regions, unit) => {
            connection.traffic.frame();
            avc.sink.sendAccessUnit(regions, unit);
          },
        },
      },
    );
  // Everything else is the viewer's own (its `watching` getter included).
  return Object.create(viewer, { useSink: { value: useSink } });
}
