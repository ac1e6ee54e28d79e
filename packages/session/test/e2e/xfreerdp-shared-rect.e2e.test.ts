import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffRgba, startXfreerdp, startXvfb, waitFor, type XfreerdpViewer, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, RdpSession, RdshareError } from '../../src/index.js';
import { silentLogger } from './logger.js';

const WIDTH = 800;
const HEIGHT = 600;

interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `area` of an RGBA image `width` pixels wide, as an image of its own. */
function crop(img: Uint8Array, width: number, area: Area): Uint8Array {
  const out = new Uint8Array(area.width * area.height * 4);
  for (let y = 0; y < area.height; y++) {
    const from = ((area.y + y) * width + area.x) * 4;
    out.set(img.subarray(from, from + area.width * 4), y * area.width * 4);
  }
  return out;
}

/** Pixels that differ between `area` of the shared screen and the viewer's desktop window at its top-left. */
async function differing(shared: XvfbDisplay, viewer: XvfbDisplay, area: Area, sharedWidth = WIDTH) {
  const expected = crop(await shared.screenshot(), sharedWidth, area);
  const seen = crop(await viewer.screenshot(), WIDTH, { x: 0, y: 0, width: area.width, height: area.height });
  return diffRgba(expected, seen, area.width, area.height);
}

async function viewerWindowSize(viewer: XvfbDisplay): Promise<string> {
  const out = await viewer.exec('xdotool', ['search', '--onlyvisible', '--class', 'xfreerdp', 'getwindowgeometry']);
  return /Geometry: (\d+x\d+)/.exec(out)?.[1] ?? '';
}

describe('the shared rectangle and display resizes, seen by xfreerdp', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;
  let client: XfreerdpViewer | undefined;
  const changes: unknown[] = [];

  beforeAll(async () => {
    shared = await startXvfb({ width: WIDTH, height: HEIGHT });
    const dir = mkdtempSync(join(tmpdir(), 'rdshare-rect-'));
    const image = join(dir, 'bg.png');
    execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '11', image]);
    await shared.exec('display', ['-window', 'root', image]).catch(() => undefined);
    viewer = await startXvfb({ width: WIDTH, height: HEIGHT });
    session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger([]),
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW },
    });
    session.events.sharedRectChanged$.subscribe((r) => changes.push(r));
    await session.open();
  });

  afterAll(async () => {
    await client?.stop();
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  it('validates the rectangle with typed errors', () => {
    expect(session.getDesktopSharedRect()).toEqual({ left: 0, top: 0, right: WIDTH, bottom: HEIGHT });
    for (const bad of [
      [-1, 0, 100, 100],
      [0, 0, WIDTH + 1, 100],
      [50, 50, 50, 100],
      [0, 0, 10.5, 10],
    ]) {
      expect(() => session.setDesktopSharedRect(bad[0], bad[1], bad[2], bad[3])).toThrow(RdshareError);
    }
    expect(changes).toEqual([]);
  });

  it('sends only the rectangle: the viewer desktop is its size and shows that part of the screen', async () => {
    session.setDesktopSharedRect(100, 50, 420, 290);
    expect(changes).toEqual([{ left: 100, top: 50, right: 420, bottom: 290 }]);
    expect(session.getDesktopSharedRect()).toEqual({ left: 100, top: 50, right: 420, bottom: 290 });
    const invitation = session.invitations.createInvitation({ groupName: 'g', password: 'pw-1', attendeeLimit: 1 });
    client = startXfreerdp({
      display: viewer,
      connectionString: invitation.connectionString,
      password: 'pw-1',
      args: ['/bpp:32'],
    });
    const area = { x: 100, y: 50, width: 320, height: 240 };
    await waitFor(async () => (await differing(shared, viewer, area)).differing === 0, 20_000, 'the rectangle').catch(
      async (error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify(await differing(shared, viewer, area))}\n${client?.output()}`,
        );
      },
    );
    expect(await viewerWindowSize(viewer)).toBe('320x240');
  });

  it('offsets input into the rectangle', async () => {
    const [attendee] = [...session.attendees];
    attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
    await viewer.exec('xdotool', ['mousemove', '10', '20']);
    await waitFor(
      async () => (await shared.exec('xdotool', ['getmouselocation'])).startsWith('x:110 y:70 '),
      5000,
      'the shared pointer at the rectangle origin + (10, 20)',
    );
    attendee.controlLevel = CTRL_LEVEL.VIEW;
  });

  it('changing it live resizes the viewer', async () => {
    session.setDesktopSharedRect(200, 100, 600, 400);
    expect(changes.at(-1)).toEqual({ left: 200, top: 100, right: 600, bottom: 400 });
    const area = { x: 200, y: 100, width: 400, height: 300 };
    await waitFor(async () => (await viewerWindowSize(viewer)) === '400x300', 10_000, 'the viewer to resize');
    await waitFor(async () => (await differing(shared, viewer, area)).differing === 0, 10_000, 'the new rectangle');
    expect(session.attendees.count).toBe(1);
  });

  it('follows a display resize (RandR): the viewer desktop takes the new size', async () => {
    session.setDesktopSharedRect(0, 0, WIDTH, HEIGHT);
    await waitFor(async () => (await viewerWindowSize(viewer)) === `${WIDTH}x${HEIGHT}`, 10_000, 'the full screen');
    // Xvfb cannot resize its one output, so xrandr reports an error after changing the framebuffer.
    await shared.exec('xrandr', ['--fb', '640x480']).catch(() => undefined);
    await waitFor(async () => (await viewerWindowSize(viewer)) === '640x480', 10_000, 'the viewer to shrink');
    const small = { x: 0, y: 0, width: 640, height: 480 };
    await waitFor(async () => (await differing(shared, viewer, small, 640)).differing === 0, 10_000, 'the display');
    await shared.exec('xrandr', ['--fb', `${WIDTH}x${HEIGHT}`]).catch(() => undefined);
    await waitFor(async () => (await viewerWindowSize(viewer)) === `${WIDTH}x${HEIGHT}`, 10_000, 'the viewer to grow');
    const full = { x: 0, y: 0, width: WIDTH, height: HEIGHT };
    await waitFor(async () => (await differing(shared, viewer, full)).differing === 0, 10_000, 'the whole display');
    expect(session.attendees.count).toBe(1);
  });

  it('a viewer that joins after the display changed size sees all of it at its new size, not black', async () => {
    const late = await startXvfb({ width: WIDTH, height: HEIGHT });
    const join = () => {
      const invitation = session.invitations.createInvitation({
        groupName: `late-${Date.now()}`,
        password: 'late-pw',
        attendeeLimit: 1,
      });
      return startXfreerdp({
        display: late,
        connectionString: invitation.connectionString,
        password: 'late-pw',
        args: ['/bpp:32'],
      });
    };
    try {
      await shared.exec('xrandr', ['--fb', '640x480']).catch(() => undefined);
      await waitFor(() => session.getDesktopSharedRect().right === 640, 10_000, 'the session to follow the shrink');
      const small = { x: 0, y: 0, width: 640, height: 480 };
      let lateClient = join();
      await waitFor(async () => (await differing(shared, late, small, 640)).differing === 0, 20_000, 'a late joiner');
      await lateClient.stop();
      await shared.exec('xrandr', ['--fb', `${WIDTH}x${HEIGHT}`]).catch(() => undefined);
      await waitFor(() => session.getDesktopSharedRect().right === WIDTH, 10_000, 'the session to follow the growth');
      lateClient = join();
      const full = { x: 0, y: 0, width: WIDTH, height: HEIGHT };
      await waitFor(async () => (await differing(shared, late, full)).differing === 0, 20_000, 'a later joiner');
      await lateClient.stop();
    } finally {
      await late.stop();
    }
  });
});
