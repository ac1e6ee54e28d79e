import { type ChildProcess, spawn } from 'node:child_process';
import { startXfreerdp, waitFor, type XfreerdpViewer, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attendee, CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { sharedDisplay, startTypingTarget, viewerDisplay } from './fixtures.js';
import { silentLogger } from './logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('input from an xfreerdp attendee', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  let client: XfreerdpViewer;
  let attendee: Attendee;
  let xev: ChildProcess;
  let xevOutput = '';
  let typed: { text(): string };

  beforeAll(async () => {
    shared = await sharedDisplay();
    viewer = await viewerDisplay();
    // A real application on the shared display that writes what it is typed into a file...
    typed = await startTypingTarget(shared);
    // ...and one that reports where it is clicked (window at 300,200; xev also prints root coordinates).
    xev = spawn('xev', ['-geometry', '200x150+300+200', '-event', 'button'], {
      env: { ...process.env, DISPLAY: shared.display },
    });
    xev.stdout?.on('data', (d) => {
      xevOutput += d;
    });
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    const connected = new Promise<Attendee>((resolve) =>
      session.events.attendeeConnected$.subscribe(({ attendee }) => resolve(attendee)),
    );
    await session.open();
    const invitation = session.invitations.createInvitation({ groupName: 'input', password: 'pw', attendeeLimit: 1 });
    client = startXfreerdp({
      display: viewer,
      connectionString: invitation.connectionString,
      password: 'pw',
      args: ['/bpp:32'],
    });
    attendee = await connected;
    // Wait for the first frame so the viewer window is up and mapped over the whole viewer display.
    await waitFor(
      async () => (await viewer.exec('xwininfo', ['-root', '-children'])).includes('FreeRDP'),
      15_000,
      'viewer window',
    );
    await sleep(500);
  });

  afterAll(async () => {
    xev?.kill('SIGKILL');
    await client?.stop();
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  const typeInViewer = async (text: string) => {
    await viewer.exec('xdotool', ['mousemove', '60', '30']);
    await sleep(200);
    await viewer.exec('xdotool', ['type', '--delay', '30', text]);
    await viewer.exec('xdotool', ['key', 'Return']);
  };
  const clickInViewer = async (x: number, y: number) => {
    await viewer.exec('xdotool', ['mousemove', String(x), String(y)]);
    await sleep(200);
    await viewer.exec('xdotool', ['click', '1']);
  };

  it('drops keys and clicks while the attendee may only view', async () => {
    expect(attendee.controlLevel).toBe(CTRL_LEVEL.VIEW);
    await typeInViewer('viewonly');
    await clickInViewer(350, 250);
    await sleep(1500);
    expect(typed.text()).toBe('');
    expect(xevOutput).not.toContain('ButtonPress');
  });

  it('delivers keys and clicks once the attendee is made interactive, at once', async () => {
    attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
    await typeInViewer('Hello rdshare 42!');
    await waitFor(() => typed.text().includes('Hello rdshare 42!\n'), 10_000, 'typed text in the file');
    await clickInViewer(350, 250);
    await waitFor(
      () => /ButtonPress[\s\S]*?root:\(350,250\)[\s\S]*?button 1,/.test(xevOutput),
      10_000,
      `a click at (350,250) in xev: ${xevOutput}`,
    );
  });

  it('stops again when the level goes back to view', async () => {
    attendee.controlLevel = CTRL_LEVEL.VIEW;
    const before = typed.text();
    await typeInViewer('again');
    await sleep(1500);
    expect(typed.text()).toBe(before);
  });
});
