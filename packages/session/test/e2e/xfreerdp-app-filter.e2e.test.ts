import { AppFlags, decodeEncomspPdus, type EncomspPdu, FilterStateFlags, WindowFlags } from '@rdshare/protocol';
import { startXfreerdp, startXvfb, waitFor, type XfreerdpViewer, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Application, CTRL_LEVEL, RdpSession, type Window } from '../../src/index.js';
import { silentLogger } from './logger.js';
import { type SentBitmap, sentBitmaps, sentChannelMessages, startWireTap, viaTap, type WireTap } from './wire-tap.js';

const WIDTH = 640;
const HEIGHT = 480;
/** Distinctive colours: the root, the shared xterm's background and the unshared xlogo's background. */
const ROOT = [0x33, 0x66, 0x99];
const XTERM_BG = [0x00, 0xc0, 0x00];
const XLOGO_BG = [0xff, 0x00, 0xff];
const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Pixels of `rgb` in an RGBA screenshot inside `rect`. */
function countRgba(img: Uint8Array, rgb: number[], rect = { x: 0, y: 0, width: WIDTH, height: HEIGHT }): number {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++)
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = (y * WIDTH + x) * 4;
      if (img[i] === rgb[0] && img[i + 1] === rgb[1] && img[i + 2] === rgb[2]) n++;
    }
  return n;
}

/** Pixels of `rgb` in the bitmaps the sharer sent (decoded B,G,R,A). */
function countSent(bitmaps: SentBitmap[], rgb: number[]): number {
  let n = 0;
  for (const b of bitmaps)
    for (let i = 0; i < b.pixels.length; i += 4)
      if (b.pixels[i + 2] === rgb[0] && b.pixels[i + 1] === rgb[1] && b.pixels[i] === rgb[2]) n++;
  return n;
}

describe('the application filter: only shared windows reach the viewer, on screen and on the wire', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  let tap: WireTap;
  let client: XfreerdpViewer | undefined;
  const events: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    shared = await startXvfb({ width: WIDTH, height: HEIGHT });
    await shared.exec('xsetroot', ['-solid', hex(ROOT)]);
    shared.spawn('xterm', ['-bg', hex(XTERM_BG), '-fg', '#ffffff', '-geometry', '30x8+20+20']);
    viewer = await startXvfb({ width: WIDTH, height: HEIGHT });
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger([]),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    // 24 bpp keeps this viewer on bitmap updates (the graphics pipeline is 32 bpp only), which the wire tap
    // decodes; blanking happens in the tile store, before any codec, so it covers the pipeline's frames as well.
    session.colorDepth = 24;
    const record = (name: string) => (payload: unknown) => events.push({ name, payload });
    const { events: e } = session;
    e.applicationOpen$.subscribe(record('applicationOpen'));
    e.applicationClose$.subscribe(record('applicationClose'));
    e.applicationUpdate$.subscribe(record('applicationUpdate'));
    e.windowOpen$.subscribe(record('windowOpen'));
    e.windowClose$.subscribe(record('windowClose'));
    e.windowUpdate$.subscribe(record('windowUpdate'));
    e.appFilterUpdate$.subscribe(record('appFilterUpdate'));
    await waitFor(async () => (await shared.exec('xdotool', ['search', '--class', 'xterm']).catch(() => '')) !== '');
    await session.open();
    tap = await startWireTap({ host: '127.0.0.1', port: session.port });
  });

  afterAll(async () => {
    await client?.stop();
    await session?.close();
    await tap?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  const xlogoRect = { x: 300, y: 200, width: 200, height: 150 };
  let xterm: Window;
  let xlogo: Window;

  it('lists applications and windows live, with typed events', async () => {
    shared.spawn('xlogo', ['-bg', hex(XLOGO_BG), '-fg', '#ffffff', '-geometry', '200x150+300+200']);
    const filter = session.applicationFilter;
    await waitFor(() => filter.windows.count === 2, 10_000, 'two windows listed');
    const windows = [...filter.windows];
    xterm = windows.find((w) => w.application.name === 'XTerm')!;
    xlogo = windows.find((w) => w.application.name === 'XLogo')!;
    expect(xterm.name).toBe('xterm');
    expect(filter.applications.count).toBe(2);
    const opened = events.filter((e) => e.name === 'windowOpen').map((e) => (e.payload as { window: Window }).window);
    expect(opened).toContain(xlogo);
    const apps = events
      .filter((e) => e.name === 'applicationOpen')
      .map((e) => (e.payload as { application: Application }).application.name);
    expect(apps).toContain('XLogo');
  });

  it('blanks the unshared window before encoding: black on screen, its colour in none of the bytes sent', async () => {
    const filter = session.applicationFilter;
    xterm.application.shared = true;
    expect(events.at(-1)).toEqual({ name: 'applicationUpdate', payload: { application: xterm.application } });
    expect(xterm.shared).toBe(true);
    expect(xlogo.shared).toBe(false);
    filter.enabled = true;
    expect(events.at(-1)).toEqual({ name: 'appFilterUpdate', payload: {} });

    const invitation = session.invitations.createInvitation({ groupName: 'g', password: 'pw-1', attendeeLimit: 1 });
    client = startXfreerdp({
      display: viewer,
      connectionString: viaTap(invitation.connectionString, tap),
      password: 'pw-1',
      args: ['/bpp:32', '/sec:tls'],
    });
    const xtermArea = { x: 30, y: 30, width: 150, height: 80 };
    await waitFor(
      async () => {
        const seen = await viewer.screenshot();
        return (
          countRgba(seen, XTERM_BG, xtermArea) > 0.8 * 150 * 80 &&
          countRgba(seen, [0, 0, 0], xlogoRect) === xlogoRect.width * xlogoRect.height
        );
      },
      20_000,
      'the viewer to show xterm and a black xlogo area',
    ).catch(async (error) => {
      throw new Error(`${error.message}\n${client?.output()}`);
    });
    const seen = await viewer.screenshot();
    expect(countRgba(seen, XLOGO_BG)).toBe(0);
    expect(countRgba(seen, ROOT)).toBe(0);
    // Raised over xterm, xlogo hides part of it: that part goes dark too.
    await shared.exec('xdotool', ['search', '--class', 'xlogo', 'windowmove', '100', '50']);
    await shared.exec('xdotool', ['search', '--class', 'xlogo', 'windowraise']);
    const overlap = { x: 110, y: 60, width: 60, height: 40 };
    await waitFor(
      async () => countRgba(await viewer.screenshot(), [0, 0, 0], overlap) === overlap.width * overlap.height,
      10_000,
      'the part of xterm under xlogo to go dark',
    );
    const moved = await viewer.screenshot();
    // Lines 6-7 of xterm, beside xlogo: background only, whether or not the shell has printed its prompt above.
    expect(countRgba(moved, XTERM_BG, { x: 30, y: 90, width: 60, height: 20 })).toBe(60 * 20);
    expect(countRgba(moved, XLOGO_BG)).toBe(0);

    const sent = sentBitmaps(tap.sent());
    expect(sent.length).toBeGreaterThan(0);
    expect(countSent(sent, XTERM_BG)).toBeGreaterThan(0);
    expect(countSent(sent, XLOGO_BG)).toBe(0);
    expect(countSent(sent, ROOT)).toBe(0);
  });

  it('tells the viewer the filter state and the lists over MS-RDPEMC', () => {
    const pdus: EncomspPdu[] = [];
    for (const messages of sentChannelMessages(tap.sent()).values()) {
      for (const m of messages) {
        try {
          pdus.push(...decodeEncomspPdus(m));
        } catch {
          // Another channel's message.
        }
      }
    }
    expect(pdus).toContainEqual({ type: 'filterStateUpdated', flags: FilterStateFlags.FILTER_ENABLED });
    expect(pdus).toContainEqual({
      type: 'appCreated',
      flags: AppFlags.APPLICATION_SHARED,
      appId: xterm.application.id,
      name: 'XTerm',
    });
    expect(pdus).toContainEqual({
      type: 'windowCreated',
      flags: WindowFlags.WINDOW_SHARED,
      appId: xterm.application.id,
      windowId: xterm.id,
      name: 'xterm',
    });
    expect(pdus).toContainEqual({
      type: 'windowCreated',
      flags: 0,
      appId: xlogo.application.id,
      windowId: xlogo.id,
      name: 'xlogo',
    });
  });

  it('follows renames, shows everything when disabled, and reports closed windows', async () => {
    await shared.exec('xdotool', ['search', '--class', 'xterm', 'set_window', '--name', 'renamed']);
    await waitFor(() => xterm.name === 'renamed', 5000, 'the rename to be seen');
    expect(events).toContainEqual({ name: 'windowUpdate', payload: { window: xterm } });

    session.applicationFilter.enabled = false;
    await waitFor(
      async () => countRgba(await viewer.screenshot(), XLOGO_BG) > 0,
      10_000,
      'xlogo to show once the filter is off',
    );
    // The same decoder now finds xlogo's colour: its absence before was not the decoder's blindness.
    expect(countSent(sentBitmaps(tap.sent()), XLOGO_BG)).toBeGreaterThan(0);

    const app = xlogo.application;
    await shared.exec('xdotool', ['search', '--class', 'xlogo', 'windowkill']).catch(() => undefined);
    await waitFor(() => events.some((e) => e.name === 'applicationClose'), 5000, 'xlogo to close');
    expect(events).toContainEqual({ name: 'windowClose', payload: { window: xlogo } });
    expect(events).toContainEqual({ name: 'applicationClose', payload: { application: app } });
    expect(session.applicationFilter.windows.count).toBe(1);
  });
});
