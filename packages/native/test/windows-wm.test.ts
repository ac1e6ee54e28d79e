import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowTracker, type Rect, type WindowEvent, type WindowInfo, type WindowTracker } from '../src/index.js';
import { waitForValue } from './wait-for-value.js';

// JWM: a small EWMH window manager that reparents every client into a frame with a title bar.
let x: XvfbDisplay;
let tracker: WindowTracker;
let dir: string;

beforeAll(async () => {
  x = await startXvfb({ width: 640, height: 480 });
  dir = mkdtempSync(join(tmpdir(), 'rdshare-wm-'));
  const rc = join(dir, 'jwmrc');
  writeFileSync(rc, '<?xml version="1.0"?><JWM><FocusModel>click</FocusModel></JWM>\n');
  x.spawn('jwm', ['-f', rc]);
  await waitFor(async () => /window id/.test(await x.exec('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'])), 10_000);
  tracker = createWindowTracker(x.display);
});

afterAll(async () => {
  tracker?.close();
  await x?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A window's geometry as `xwininfo` reports it: the truth the tracker must agree with. */
async function xwininfo(id: number): Promise<{ rect: Rect; parent: number; mapped: boolean }> {
  const out = await x.exec('xwininfo', ['-id', String(id)]);
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(-?\\d+)`).exec(out)?.[1]);
  const tree = await x.exec('xwininfo', ['-id', String(id), '-tree']);
  return {
    rect: {
      x: field('Absolute upper-left X'),
      y: field('Absolute upper-left Y'),
      width: field('Width'),
      height: field('Height'),
    },
    parent: Number(/Parent window id: (0x[0-9a-f]+)/.exec(tree)?.[1]),
    mapped: out.includes('IsViewable'),
  };
}

/** Top-level windows (frames) in the server's stacking order, bottom to top (`xwininfo` prints top first). */
async function serverStacking(): Promise<number[]> {
  const out = await x.exec('xwininfo', ['-root', '-children']);
  return [...out.matchAll(/^\s+(0x[0-9a-f]+)/gm)].map((m) => Number(m[1])).reverse();
}

/** The listed clients ordered as their frames are stacked by the server, bottom to top. */
async function clientsInServerOrder(windows: WindowInfo[]): Promise<number[]> {
  const stacking = await serverStacking();
  const framed = await Promise.all(windows.map(async (w) => ({ id: w.id, frame: (await xwininfo(w.id)).parent })));
  return framed.sort((a, b) => stacking.indexOf(a.frame) - stacking.indexOf(b.frame)).map((w) => w.id);
}

async function activeWindow(): Promise<number> {
  return Number((await x.exec('xprop', ['-root', '_NET_ACTIVE_WINDOW'])).split('#')[1]);
}

describe('WindowTracker under a reparenting EWMH window manager (JWM)', () => {
  it('gives client and frame rectangles in root coordinates, reports moves, resizes, renames, minimizing and closing, and activates windows', async () => {
    const events: WindowEvent[] = [];
    const off = tracker.onChange((e) => events.push(e));
    const children = [
      x.spawn('xterm', ['-T', 'Terminal', '-geometry', '40x5+40+40']),
      x.spawn('xlogo', ['-title', 'Logo', '-geometry', '120x90+60+60']),
      x.spawn('xclock', ['-title', 'Clock', '-geometry', '100x100+300+200']),
    ];
    try {
      const listed = await waitForValue(
        () => {
          const list = tracker.list();
          return list.length === 3 && list.every((w) => w.mapped) && list;
        },
        15_000,
        'three managed windows',
      );
      expect(listed.map((w) => w.application).sort()).toEqual(['XClock', 'XLogo', 'XTerm']);
      const byTitle = (title: string) => tracker.list().find((w) => w.title === title) as WindowInfo;
      for (const w of listed) {
        const truth = await xwininfo(w.id);
        expect(w.rect).toEqual(truth.rect);
        // Reparented: the frame is the client's parent, and its title bar lies above the client.
        const frame = await xwininfo(truth.parent);
        expect(w.frame).toEqual(frame.rect);
        expect(w.frame.y).toBeLessThan(w.rect.y);
        expect(w.frame.x + w.frame.width).toBeGreaterThanOrEqual(w.rect.x + w.rect.width);
        expect(w.frame.y + w.frame.height).toBeGreaterThanOrEqual(w.rect.y + w.rect.height);
      }
      // xterm sets _NET_WM_PID; xlogo and xclock do not, and the X server (X-Resource) tells theirs.
      const pids = Object.fromEntries(listed.map((w) => [w.application, w.pid]));
      expect(pids).toEqual({ XTerm: children[0].pid, XLogo: children[1].pid, XClock: children[2].pid });
      expect(listed.map((w) => w.id)).toEqual(await clientsInServerOrder(listed));

      const logo = byTitle('Logo');
      const updatesOf = (id: number) => events.filter((e) => e.type === 'updated' && e.window.id === id);

      events.length = 0;
      await x.exec('xdotool', ['windowmove', String(logo.id), '200', '150']);
      const moved = await waitForValue(
        () => updatesOf(logo.id).find((e) => e.window.rect.x !== logo.rect.x),
        10_000,
        'update after a move',
      );
      await waitFor(async () => {
        const truth = await xwininfo(logo.id);
        return truth.rect.x === tracker.list().find((w) => w.id === logo.id)?.rect.x;
      }, 5000);
      expect(moved.window.rect.width).toBe(120);

      events.length = 0;
      await x.exec('xdotool', ['windowsize', String(logo.id), '150', '110']);
      await waitForValue(
        () => updatesOf(logo.id).find((e) => e.window.rect.width === 150 && e.window.rect.height === 110),
        10_000,
        'update after a resize',
      );
      expect(byTitle('Logo').rect).toEqual((await xwininfo(logo.id)).rect);

      await x.exec('xdotool', ['set_window', '--name', 'Logo renamed', String(logo.id)]);
      await waitForValue(
        () => updatesOf(logo.id).find((e) => e.window.title === 'Logo renamed'),
        10_000,
        'update after a rename',
      );

      // Minimized: still a managed window, no longer viewable.
      await x.exec('xdotool', ['windowminimize', String(logo.id)]);
      await waitForValue(() => updatesOf(logo.id).find((e) => !e.window.mapped), 10_000, 'update after minimizing');

      // activate() restores it, raises it to the top and focuses it, through the window manager.
      await tracker.activate(logo.id);
      await waitFor(() => tracker.list().at(-1)?.id === logo.id && tracker.list().at(-1)?.mapped, 5000, 'logo on top');
      expect(tracker.list().map((w) => w.id)).toEqual(await clientsInServerOrder(tracker.list()));
      await waitFor(async () => (await activeWindow()) === logo.id, 5000, 'the logo active');

      // A window beneath comes to the top and takes the focus (xclock would not: it declines the focus).
      const term = tracker.list().find((w) => w.application === 'XTerm') as WindowInfo;
      expect(term.stackIndex).toBeLessThan(2);
      await tracker.activate(term.id);
      await waitFor(() => tracker.list().at(-1)?.id === term.id, 5000, 'the terminal on top');
      expect(tracker.list().map((w) => w.id)).toEqual(await clientsInServerOrder(tracker.list()));
      await waitFor(async () => (await activeWindow()) === term.id, 5000, 'the terminal active');

      await expect(tracker.activate(0x7fffff)).rejects.toMatchObject({ code: 'NO_SUCH_WINDOW' });

      events.length = 0;
      await killAndWait(children[1], 'SIGKILL');
      await waitForValue(
        () => events.find((e) => e.type === 'closed' && e.window.id === logo.id),
        10_000,
        'close of the killed window',
      );
      expect(tracker.list()).toHaveLength(2);
    } finally {
      off();
      for (const child of children) await killAndWait(child, 'SIGKILL');
    }
  });
});
