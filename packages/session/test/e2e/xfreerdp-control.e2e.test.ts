import {
  diffRgba,
  startXfreerdp,
  tcpBytesSent,
  waitFor,
  type XfreerdpViewer,
  type XvfbDisplay,
} from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTENDEE_DISCONNECT_REASON,
  type Attendee,
  type AttendeeDisconnectInfo,
  CTRL_LEVEL,
  DISCONNECT_CODE,
  RdpSession,
  RdshareError,
} from '../../src/index.js';
import { HEIGHT, sharedDisplay, startTypingTarget, viewerDisplay, WIDTH } from './fixtures.js';
import { silentLogger } from './logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The viewer shows exactly what the shared display shows now. */
async function mirrors(shared: XvfbDisplay, viewer: XvfbDisplay): Promise<boolean> {
  return diffRgba(await shared.screenshot(), await viewer.screenshot(), WIDTH, HEIGHT).differing === 0;
}

/** Every pixel of the display has the same colour: nothing of the shared desktop was drawn. */
async function blank(viewer: XvfbDisplay): Promise<boolean> {
  const image = await viewer.screenshot();
  for (let i = 4; i < image.length; i += 4) {
    if (image[i] !== image[0] || image[i + 1] !== image[1] || image[i + 2] !== image[2]) return false;
  }
  return true;
}

describe('control levels, participants and pause over MS-RDPEMC with xfreerdp', () => {
  let shared: XvfbDisplay;
  const viewers: XvfbDisplay[] = [];
  let session: RdpSession;
  const clients: XfreerdpViewer[] = [];
  let typed: { text(): string };
  const connected: Attendee[] = [];
  const requests: { attendee: Attendee; requestedLevel: CTRL_LEVEL }[] = [];
  const updates: { id: number; level: number }[] = [];
  const disconnects: AttendeeDisconnectInfo[] = [];
  const pauseEvents: string[] = [];
  let first: Attendee;
  let second: Attendee;

  beforeAll(async () => {
    shared = await sharedDisplay();
    for (let i = 0; i < 2; i++) viewers.push(await viewerDisplay());
    typed = await startTypingTarget(shared);
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    const { events } = session;
    events.attendeeConnected$.subscribe(({ attendee }) => connected.push(attendee));
    events.controlLevelChangeRequest$.subscribe((request) => requests.push(request));
    events.attendeeUpdate$.subscribe(({ attendee }) => updates.push({ id: attendee.id, level: attendee.controlLevel }));
    events.attendeeDisconnected$.subscribe(({ info }) => disconnects.push(info));
    events.graphicsStreamPaused$.subscribe(() => pauseEvents.push('paused'));
    events.graphicsStreamResumed$.subscribe(() => pauseEvents.push('resumed'));
    await session.open();
  });

  afterAll(async () => {
    for (const c of clients) await c.stop();
    await session?.close();
    for (const v of viewers) await v.stop();
    await shared?.stop();
  });

  const joinViewer = (viewer: XvfbDisplay, name: string) => {
    const invitation = session.invitations.createInvitation({ groupName: name, password: 'pw', attendeeLimit: 1 });
    const client = startXfreerdp({
      display: viewer,
      connectionString: invitation.connectionString,
      password: 'pw',
      name,
      args: ['/bpp:32', '/auto-request-control'],
    });
    clients.push(client);
    return client;
  };

  const typeIn = async (viewer: XvfbDisplay, text: string) => {
    await viewer.exec('xdotool', ['mousemove', '60', '30']);
    await sleep(200);
    await viewer.exec('xdotool', ['type', '--delay', '30', text]);
    await viewer.exec('xdotool', ['key', 'Return']);
  };

  it('a viewer that may view asks for control, and typing reaches the desktop once the app grants it', async () => {
    joinViewer(viewers[0], 'first');
    first = await waitFor(() => connected[0], 20_000, 'the first attendee');
    expect(first.controlLevel).toBe(CTRL_LEVEL.VIEW);
    // xfreerdp's /auto-request-control asks as soon as OD_PARTICIPANT_CREATED says MAY_VIEW without MAY_INTERACT.
    const request = await waitFor(() => requests[0], 20_000, 'the control request');
    expect(request.attendee).toBe(first);
    expect(request.requestedLevel).toBe(CTRL_LEVEL.INTERACTIVE);
    await waitFor(() => mirrors(shared, viewers[0]), 20_000, 'the first viewer to show the desktop');
    await typeIn(viewers[0], 'before');
    await sleep(1000);
    expect(typed.text()).toBe('');

    first.controlLevel = request.requestedLevel;
    expect(updates).toEqual([{ id: first.id, level: CTRL_LEVEL.INTERACTIVE }]);
    await typeIn(viewers[0], 'granted 42');
    await waitFor(() => typed.text().includes('granted 42\n'), 10_000, 'typed text in the file');
  });

  it('a viewer admitted at NONE sees nothing, learns of the first viewer, and sees once granted', async () => {
    first.controlLevel = CTRL_LEVEL.VIEW;
    session.properties.DefaultAttendeeControlLevel = CTRL_LEVEL.NONE;
    joinViewer(viewers[1], 'second');
    second = await waitFor(() => connected[1], 20_000, 'the second attendee');
    expect(second.controlLevel).toBe(CTRL_LEVEL.NONE);
    // xfreerdp asks for control whenever an OD_PARTICIPANT_CREATED says MAY_VIEW without MAY_INTERACT, whoever it
    // is about. This viewer's own record says NONE and the host's says interactive, so the first viewer's record
    // (VIEW) is the only one that can make it ask: its request proves it was told of the first viewer.
    const request = await waitFor(
      () => requests.find((r) => r.attendee === second),
      20_000,
      'the second viewer to learn of the first',
    );
    expect(request?.requestedLevel).toBe(CTRL_LEVEL.INTERACTIVE);
    await waitFor(
      async () => (await viewers[1].exec('xwininfo', ['-root', '-children'])).includes('FreeRDP'),
      15_000,
      'the second viewer window',
    );
    await sleep(1500);
    expect(await blank(viewers[1])).toBe(true);

    second.controlLevel = CTRL_LEVEL.VIEW;
    await waitFor(() => mirrors(shared, viewers[1]), 20_000, 'the second viewer to show the desktop once granted');
    expect(updates.slice(-2)).toEqual([
      { id: first.id, level: CTRL_LEVEL.VIEW },
      { id: second.id, level: CTRL_LEVEL.VIEW },
    ]);
  });

  it('pause freezes every viewer with no graphics bytes sent; resume shows what changed meanwhile', async () => {
    const before = await shared.screenshot();
    session.pause();
    session.pause();
    expect(pauseEvents).toEqual(['paused']);
    await sleep(1000);
    const bytes = await tcpBytesSent(session.port);
    await shared.exec('xsetroot', ['-solid', '#c03020']);
    await sleep(2000);
    expect(await tcpBytesSent(session.port)).toBe(bytes);
    for (const viewer of viewers) {
      expect(diffRgba(before, await viewer.screenshot(), WIDTH, HEIGHT).differing).toBe(0);
    }
    expect(await mirrors(shared, viewers[0])).toBe(false);

    session.resume();
    session.resume();
    expect(pauseEvents).toEqual(['paused', 'resumed']);
    for (const viewer of viewers) await waitFor(() => mirrors(shared, viewer), 20_000, 'the viewer to catch up');
  });

  it('terminateConnection ends an attendee with reason APP; a viewer that quits leaves with CLI', async () => {
    first.terminateConnection();
    await waitFor(() => disconnects.length === 1, 10_000, 'the first disconnect');
    expect(disconnects[0]).toMatchObject({
      attendee: first,
      reason: ATTENDEE_DISCONNECT_REASON.APP,
      code: DISCONNECT_CODE.CONNECTION_ABORTED,
    });
    expect(await clients[0].exited).not.toBeNull();

    await clients[1].stop();
    await waitFor(() => disconnects.length === 2, 10_000, 'the second disconnect');
    expect(disconnects[1]).toMatchObject({ attendee: second, reason: ATTENDEE_DISCONNECT_REASON.CLI });
    expect(session.attendees.count).toBe(0);
  });

  it('pause and resume need an open session', async () => {
    const closed = new RdpSession({ display: shared.display, logger: silentLogger() });
    expect(() => closed.pause()).toThrow(RdshareError);
    expect(() => closed.resume()).toThrow(/not open/);
  });
});
