import type { WindowEvent, WindowInfo } from '@rdshare/native';
import { AppFlags, type EncomspPdu, FilterStateFlags, WindowFlags } from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import {
  ApplicationFilter,
  type ApplicationFilterEvents,
  type ApplicationFilterHost,
  type WindowSource,
} from '../src/application-filter.js';
import { RdshareError } from '../src/errors.js';
import type { Rect } from '../src/graphics/tile-grid.js';

const SCREEN = { width: 640, height: 480 };

class FakeWindows implements WindowSource {
  windows: WindowInfo[] = [];
  popupList: WindowInfo[] = [];
  activated: number[] = [];
  private listeners = new Set<(e: WindowEvent) => void>();
  private popupListeners = new Set<(p: WindowInfo[]) => void>();
  list() {
    return this.windows.map((w, stackIndex) => ({ ...w, stackIndex }));
  }
  onChange(l: (e: WindowEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  popups() {
    return this.popupList;
  }
  onPopupsChange(l: (p: WindowInfo[]) => void) {
    this.popupListeners.add(l);
    return () => this.popupListeners.delete(l);
  }
  async activate(id: number) {
    this.activated.push(id);
  }
  changePopups(popups: WindowInfo[]) {
    this.popupList = popups;
    for (const l of this.popupListeners) l(popups);
  }
  change(windows: WindowInfo[]) {
    this.windows = windows;
    for (const l of this.listeners) l({ type: 'updated', window: windows[0] });
  }
}

const win = (id: number, title: string, app: string, rect: Rect, pid = 0): WindowInfo => ({
  id,
  title,
  pid,
  application: app,
  instance: app.toLowerCase(),
  rect,
  frame: rect,
  mapped: true,
  stackIndex: 0,
});

function setup() {
  const events: { name: keyof ApplicationFilterEvents; payload: unknown }[] = [];
  const announced: EncomspPdu[][] = [];
  const dirty: Rect[][] = [];
  const host: ApplicationFilterHost = {
    publish: (name, payload) => events.push({ name, payload }),
    announce: (pdus) => announced.push(pdus),
    visibilityChanged: (rects) => dirty.push(rects),
    screen: () => SCREEN,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const filter = new ApplicationFilter(host);
  const source = new FakeWindows();
  return { filter, source, events, announced, dirty };
}

const moved = (w: WindowInfo, rect: Rect): WindowInfo => ({ ...w, rect, frame: rect });
const area = (rects: readonly Rect[]) => rects.reduce((s, r) => s + r.width * r.height, 0);
const xterm = win(0x400001, 'shell', 'XTerm', { x: 10, y: 10, width: 200, height: 100 }, 101);
const xlogo = win(0x600001, 'xlogo', 'XLogo', { x: 100, y: 50, width: 100, height: 100 }, 202);

describe('ApplicationFilter', () => {
  it('lists applications and windows live, with open/close events in MS-RDPEMC order', () => {
    const { filter, source, events } = setup();
    source.windows = [xterm];
    filter.attach(source);
    expect(filter.applications.count).toBe(1);
    const app = [...filter.applications][0];
    expect(app.name).toBe('XTerm');
    expect(app.flags).toBe(0);
    expect(filter.windows.item(xterm.id).application).toBe(app);
    expect([...app.windows].map((w) => w.name)).toEqual(['shell']);
    expect(events.map((e) => e.name)).toEqual(['applicationOpen', 'windowOpen']);

    source.change([xterm, xlogo, win(0x400002, 'second', 'XTerm', { x: 0, y: 0, width: 5, height: 5 }, 101)]);
    expect(filter.applications.count).toBe(2);
    expect(app.windows.count).toBe(2);
    source.change([xlogo]);
    expect(events.slice(2).map((e) => e.name)).toEqual([
      'applicationOpen',
      'windowOpen',
      'windowOpen',
      'windowClose',
      'windowClose',
      'applicationClose',
    ]);
    expect(events.at(-1)).toEqual({ name: 'applicationClose', payload: { application: app } });
    expect(() => filter.applications.item(app.id)).toThrow(RdshareError);
    source.change([{ ...xlogo, title: 'renamed' }]);
    expect(events.at(-1)?.name).toBe('windowUpdate');
    expect(filter.windows.item(xlogo.id).name).toBe('renamed');
  });

  it('sharing an application shares all its windows; window sharing is its own choice otherwise', () => {
    const { filter, source, events } = setup();
    const second = win(0x400002, 'second', 'XTerm', { x: 0, y: 0, width: 5, height: 5 }, 101);
    source.windows = [xterm, second, xlogo];
    filter.attach(source);
    const app = filter.windows.item(xterm.id).application;
    app.shared = true;
    expect([...app.windows].every((w) => w.shared)).toBe(true);
    expect(filter.windows.item(xlogo.id).shared).toBe(false);
    expect(events.at(-1)).toEqual({ name: 'applicationUpdate', payload: { application: app } });
    app.shared = false;
    const w = filter.windows.item(second.id);
    w.shared = true;
    expect(filter.windows.item(xterm.id).shared).toBe(false);
    expect(w.shared).toBe(true);
    expect(events.at(-1)).toEqual({ name: 'windowUpdate', payload: { window: w } });
    expect(() => {
      (w as { shared: unknown }).shared = 'yes';
    }).toThrow(/boolean/);
    expect(() => {
      (filter as { enabled: unknown }).enabled = 1;
    }).toThrow(/boolean/);
  });

  it('tells attendees the state and lists over MS-RDPEMC while enabled, nothing but the state while not', () => {
    const { filter, source, announced, events } = setup();
    source.windows = [xterm, xlogo];
    filter.attach(source);
    expect(filter.statePdus()).toEqual([{ type: 'filterStateUpdated', flags: 0 }]);
    filter.windows.item(xterm.id).application.shared = true;
    expect(announced).toEqual([]);
    filter.enabled = true;
    expect(events.at(-1)).toEqual({ name: 'appFilterUpdate', payload: {} });
    const apps = [...filter.applications];
    const expected: EncomspPdu[] = [
      { type: 'filterStateUpdated', flags: FilterStateFlags.FILTER_ENABLED },
      { type: 'appCreated', flags: AppFlags.APPLICATION_SHARED, appId: apps[0].id, name: 'XTerm' },
      { type: 'appCreated', flags: 0, appId: apps[1].id, name: 'XLogo' },
      { type: 'windowCreated', flags: WindowFlags.WINDOW_SHARED, appId: apps[0].id, windowId: xterm.id, name: 'shell' },
      { type: 'windowCreated', flags: 0, appId: apps[1].id, windowId: xlogo.id, name: 'xlogo' },
    ];
    expect(announced.at(-1)).toEqual(expected);
    expect(filter.statePdus()).toEqual(expected);
    source.change([xterm]);
    expect(announced.at(-1)).toEqual([
      { type: 'windowRemoved', windowId: xlogo.id },
      { type: 'appRemoved', appId: apps[1].id },
    ]);
    filter.enabled = false;
    expect(announced.at(-1)).toEqual([{ type: 'filterStateUpdated', flags: 0 }]);
  });

  it('reports the areas whose visibility changed: stacking, moves and sharing', () => {
    const { filter, source, dirty } = setup();
    source.windows = [xterm, xlogo];
    filter.attach(source);
    expect(filter.visibleRegion()).toBeUndefined();
    filter.windows.item(xterm.id).shared = true;
    dirty.length = 0;
    filter.enabled = true;
    // Everything but the visible part of xterm went dark: xlogo (on top) hides 100x60 of it.
    const visible = filter.visibleRegion()!;
    expect(area(visible)).toBe(200 * 100 - 100 * 60);
    expect(area(dirty.flat())).toBe(640 * 480 - area(visible));
    dirty.length = 0;
    // xlogo moves off xterm: the part it uncovered becomes visible.
    source.change([xterm, moved(xlogo, { x: 400, y: 300, width: 100, height: 100 })]);
    expect(area(dirty.flat())).toBe(100 * 60);
    expect(area(filter.visibleRegion()!)).toBe(200 * 100);
    dirty.length = 0;
    // Raised above xlogo, nothing changes for xterm's visibility.
    source.change([moved(xlogo, { x: 400, y: 300, width: 100, height: 100 }), xterm]);
    expect(dirty).toEqual([]);
    filter.enabled = false;
    expect(area(dirty.flat())).toBe(640 * 480 - 200 * 100);
  });

  it('counts window frames, and blanks popups unless their application is shared', () => {
    const { filter, source } = setup();
    // A window manager's frame: a 20 px title bar above the client area.
    const framed = { ...xterm, frame: { x: 10, y: -10, width: 200, height: 120 } };
    source.windows = [framed];
    filter.attach(source);
    filter.windows.item(xterm.id).shared = true;
    filter.enabled = true;
    expect(area(filter.visibleRegion()!)).toBe(200 * 120);
    const menu = win(0x800001, '', 'XTerm', { x: 50, y: 50, width: 40, height: 40 }, 101);
    const tooltip = win(0x900001, '', 'Other', { x: 100, y: 20, width: 30, height: 10 }, 999);
    source.changePopups([menu, tooltip]);
    // The menu belongs to XTerm, which is not shared as a whole: hidden, like the tooltip of another client.
    expect(area(filter.visibleRegion()!)).toBe(200 * 120 - 40 * 40 - 30 * 10);
    filter.windows.item(xterm.id).application.shared = true;
    expect(area(filter.visibleRegion()!)).toBe(200 * 120 - 30 * 10);
  });

  it('show() activates the window; OD_WND_SHOW is honoured only for shared windows', () => {
    const { filter, source } = setup();
    source.windows = [xterm, xlogo];
    filter.attach(source);
    filter.windows.item(xlogo.id).show();
    expect(source.activated).toEqual([xlogo.id]);
    expect(filter.showRequested(xterm.id)).toBe(false);
    filter.windows.item(xterm.id).shared = true;
    expect(filter.showRequested(xterm.id)).toBe(true);
    expect(filter.showRequested(0x12345)).toBe(false);
    expect(source.activated).toEqual([xlogo.id, xterm.id]);
    const gone = filter.windows.item(xlogo.id);
    source.change([xterm]);
    expect(() => gone.show()).toThrow(/no longer/);
  });
});
