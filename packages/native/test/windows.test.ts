import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWindowTracker, type WindowEvent, type WindowTracker } from '../src/index.js';
import { waitForValue } from './wait-for-value.js';

let x: XvfbDisplay;
let tracker: WindowTracker;

beforeAll(async () => {
  x = await startXvfb({ width: 640, height: 480, depth: 24 });
  tracker = createWindowTracker(x.display);
});

afterAll(async () => {
  tracker?.close();
  await x?.stop();
});

describe('WindowTracker (X11, no window manager)', () => {
  it('lists windows the test opens, with title, pid, application, rectangle and stacking, and reports open/update/close', async () => {
    expect(tracker.list()).toEqual([]);
    const events: WindowEvent[] = [];
    const off = tracker.onChange((e) => events.push(e));

    const logo = x.spawn('xlogo', ['-geometry', '120x90+10+20', '-bw', '0', '-title', 'Logo under test']);
    const opened = await waitForValue(
      () => events.find((e) => e.type === 'opened' && e.window.title === 'Logo under test'),
      10_000,
      'xlogo opened',
    );
    expect(opened.window).toMatchObject({
      pid: logo.pid,
      application: 'XLogo',
      instance: 'xlogo',
      rect: { x: 10, y: 20, width: 120, height: 90 },
      mapped: true,
    });

    const term = x.spawn('xterm', ['-T', 'Terminal under test', '-geometry', '40x5+200+100']);
    const termWindow = await waitForValue(
      () => tracker.list().find((w) => w.title === 'Terminal under test'),
      10_000,
      'xterm listed',
    );
    expect(termWindow.application).toBe('XTerm');
    expect(termWindow.pid).toBe(term.pid);
    const list = tracker.list();
    expect(list.map((w) => w.title)).toEqual(['Logo under test', 'Terminal under test']); // bottom to top
    expect(list.map((w) => w.stackIndex)).toEqual([0, 1]);

    // A title change arrives as an update (xdotool writes both names, as Latin-1 STRING).
    await x.exec('xdotool', ['search', '--name', 'Terminal under test', 'set_window', '--name', 'Renamed terminal']);
    const updated = await waitForValue(
      () => events.find((e) => e.type === 'updated' && e.window.title === 'Renamed terminal'),
      10_000,
      'title update',
    );
    expect(updated.window.id).toBe(termWindow.id);

    await killAndWait(logo);
    const closed = await waitForValue(() => events.find((e) => e.type === 'closed'), 10_000, 'xlogo closed');
    expect(closed.window.id).toBe(opened.window.id);
    expect(tracker.list().map((w) => w.title)).toEqual(['Renamed terminal']);
    await killAndWait(term);
    await waitFor(() => tracker.list().length === 0, 10_000, 'empty list');
    off();
  });

  it('reports moves, resizes, unmapping and mapping, and activate() raises and focuses a window', async () => {
    const events: WindowEvent[] = [];
    const off = tracker.onChange((e) => events.push(e));
    const lower = x.spawn('xlogo', ['-geometry', '100x100+20+20', '-bw', '0', '-title', 'lower']);
    await waitFor(() => tracker.list().some((w) => w.title === 'lower'), 10_000, 'lower window');
    const upper = x.spawn('xlogo', ['-geometry', '100x100+60+60', '-bw', '0', '-title', 'upper']);
    try {
      await waitFor(() => tracker.list().length === 2, 10_000, 'both windows');
      expect(tracker.list().map((w) => w.title)).toEqual(['lower', 'upper']);
      const lowerInfo = tracker.list()[0];
      // Without a manager the window is its own frame.
      expect(lowerInfo.frame).toEqual(lowerInfo.rect);

      await tracker.activate(lowerInfo.id);
      await waitFor(() => tracker.list().at(-1)?.title === 'lower', 5000, 'lower raised');
      expect(tracker.list().map((w) => w.stackIndex)).toEqual([0, 1]);
      expect(Number(await x.exec('xdotool', ['getwindowfocus']))).toBe(lowerInfo.id);
      expect(
        events.some((e) => e.type === 'updated' && e.window.id === lowerInfo.id && e.window.stackIndex === 1),
      ).toBe(true);

      const id = String(lowerInfo.id);
      await x.exec('xdotool', ['windowmove', id, '200', '150']);
      await waitForValue(
        () => events.find((e) => e.type === 'updated' && e.window.rect.x === 200 && e.window.rect.y === 150),
        10_000,
        'update after a move',
      );
      await x.exec('xdotool', ['windowsize', id, '140', '90']);
      const resized = await waitForValue(
        () => events.find((e) => e.type === 'updated' && e.window.rect.width === 140 && e.window.rect.height === 90),
        10_000,
        'update after a resize',
      );
      expect(resized.window.frame).toEqual({ x: 200, y: 150, width: 140, height: 90 });

      events.length = 0;
      await x.exec('xdotool', ['windowunmap', id]);
      await waitForValue(
        () => events.find((e) => e.type === 'closed' && e.window.id === lowerInfo.id),
        10_000,
        'unmap',
      );
      await expect(tracker.activate(lowerInfo.id)).rejects.toMatchObject({ code: 'NO_SUCH_WINDOW' });
      await x.exec('xdotool', ['windowmap', id]);
      await waitForValue(() => events.find((e) => e.type === 'opened' && e.window.id === lowerInfo.id), 10_000, 'map');
      await expect(tracker.activate(1.5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      off();
      await killAndWait(upper);
      await killAndWait(lower);
    }
  });

  it('lists override-redirect windows as popups, not as windows', async () => {
    // Xt honours the overrideRedirect resource on a top-level shell, which makes it a popup.
    const popup = x.spawn('xlogo', ['-geometry', '50x50+0+0', '-xrm', '*overrideRedirect: true', '-title', 'popup']);
    const normal = x.spawn('xlogo', ['-geometry', '50x50+100+0', '-title', 'normal']);
    await waitFor(() => tracker.list().some((w) => w.title === 'normal'), 10_000, 'normal window');
    const tree = await x.exec('xwininfo', ['-root', '-children']);
    const popupId = /(0x[0-9a-f]+) .*50x50\+0\+0/.exec(tree)?.[1];
    expect(popupId).toBeDefined();
    const info = await waitFor(async () => {
      const out = await x.exec('xwininfo', ['-id', popupId!]);
      return out.includes('IsViewable') && out;
    });
    expect(info).toContain('Override Redirect State: yes');
    expect(tracker.list().map((w) => w.title)).toEqual(['normal']);
    // ...but lists it among the popups, which cover what lies beneath them.
    const listed = await waitForValue(() => tracker.popups().find((p) => p.id === Number(popupId)), 5000, 'popup');
    expect(listed).toMatchObject({
      pid: popup.pid, // it sets no _NET_WM_PID: the X server knows it
      rect: { x: 1, y: 1, width: 50, height: 50 }, // inside xlogo's default 1-pixel border
      frame: { x: 0, y: 0, width: 52, height: 52 },
      mapped: true,
    });
    const changes: number[][] = [];
    const off = tracker.onPopupsChange((popups) => changes.push(popups.map((p) => p.id)));
    await killAndWait(popup);
    await waitFor(() => changes.some((ids) => !ids.includes(Number(popupId))), 10_000, 'popup gone');
    expect(tracker.popups().some((p) => p.id === Number(popupId))).toBe(false);
    off();
    await killAndWait(normal);
  });
});
