import type { WindowInfo, WindowTracker } from '@rdshare/native';
import { AppFlags, ENCOMSP_MAX_STRING_LENGTH, type EncomspPdu, FilterStateFlags, WindowFlags } from '@rdshare/protocol';
import type { SessionEventMap } from '@rdshare/rx';
import { Application, ApplicationList } from './application.js';
import { invalidArgument, RdshareError } from './errors.js';
import { type Region, regionXor } from './graphics/region.js';
import type { Rect } from './graphics/tile-grid.js';
import { visibleSharedRegion } from './graphics/window-mask.js';
import type { Logger } from './logger.js';
import type { RdpSessionEventTypes } from './session-event-types.js';
import { type FilterLink, Window, WindowList } from './window.js';

/** @internal The desktop's windows as the filter reads them: the native WindowTracker. */
export type WindowSource = Pick<WindowTracker, 'list' | 'onChange' | 'popups' | 'onPopupsChange' | 'activate'>;

/** The session events the filter raises, with their payloads. */
export type ApplicationFilterEvents = Pick<
  SessionEventMap<RdpSessionEventTypes>,
  | 'applicationOpen'
  | 'applicationClose'
  | 'applicationUpdate'
  | 'windowOpen'
  | 'windowClose'
  | 'windowUpdate'
  | 'appFilterUpdate'
>;

/** @internal What the filter needs from its session. */
export interface ApplicationFilterHost {
  publish<K extends keyof ApplicationFilterEvents>(name: K, payload: SessionEventMap<RdpSessionEventTypes>[K]): void;
  /** Sends MS-RDPEMC PDUs to every attendee. */
  announce(pdus: EncomspPdu[]): void;
  /** These screen areas are now visible or hidden where they were not: recapture them. */
  visibilityChanged(dirty: Rect[]): void;
  /** The screen size now. */
  screen(): { width: number; height: number };
  logger: Logger;
}

interface Tracked {
  window: Window;
  info: WindowInfo;
}

/**
 * IRDPSRAPIApplicationFilter: share chosen applications and windows instead of the whole desktop. When
 * `enabled`, every pixel outside the visible parts of shared windows is blanked before it is encoded, so it
 * never leaves the machine; attendees are told the filter state and the application and window lists over
 * MS-RDPEMC. The lists follow the desktop live.
 *
 * @example
 * const filter = session.applicationFilter;
 * for (const app of filter.applications) if (app.name === 'XTerm') app.shared = true;
 * filter.enabled = true;
 * session.events.windowOpen$.subscribe(({ window }) => console.log('opened', window.name));
 */
export class ApplicationFilter {
  /** get_Applications: the applications with windows on the shared desktop, live. */
  readonly applications: ApplicationList;
  /** get_Windows: the top-level windows of the shared desktop, live. */
  readonly windows: WindowList;

  private isEnabled = false;
  private source?: WindowSource;
  private stopListening: (() => void)[] = [];
  /** Menus, tooltips and other override-redirect windows, above every managed window. */
  private popups: WindowInfo[] = [];
  private readonly tracked = new Map<number, Tracked>();
  private readonly apps = new Map<string, Application>();
  private nextAppId = 1;
  /** What attendees may see, in screen coordinates (the whole screen while the filter is off). */
  private visible: Region = [];
  private readonly link: FilterLink;

  /** @internal */
  constructor(private readonly host: ApplicationFilterHost) {
    this.link = {
      setApplicationShared: (app) => this.applicationShared(app),
      setWindowShared: (window) => this.windowShared(window),
      show: (window) => this.show(window),
      windowsOf: (app) => this.windowsOf(app),
    };
    this.applications = new ApplicationList(() => this.apps.values());
    this.windows = new WindowList(() => [...this.tracked.values()].map((t) => t.window));
  }

  /**
   * get_Enabled / put_Enabled: whether only shared windows are shown. Turning it on or off re-blanks the
   * desktop for every attendee and raises `appFilterUpdate$`.
   */
  get enabled(): boolean {
    return this.isEnabled;
  }

  set enabled(enabled: boolean) {
    if (typeof enabled !== 'boolean') {
      throw invalidArgument(`applicationFilter.enabled must be a boolean, got ${String(enabled)}`);
    }
    if (enabled === this.isEnabled) return;
    this.isEnabled = enabled;
    this.host.logger.info('application filter', { enabled });
    this.host.announce(this.statePdus());
    this.host.publish('appFilterUpdate', {});
    this.updateVisibility();
  }

  /** @internal Starts following the desktop's windows (at `open()`). */
  attach(source: WindowSource): void {
    this.source = source;
    this.stopListening = [
      source.onChange(() => this.sync()),
      source.onPopupsChange((popups) => {
        this.popups = popups;
        this.updateVisibility();
      }),
    ];
    this.sync();
  }

  /** @internal Stops following the desktop (at `close()`). */
  detach(): void {
    for (const stop of this.stopListening.splice(0)) stop();
    this.source = undefined;
  }

  /**
   * @internal The parts of the screen attendees may see, read fresh from the window list (so a capture never
   * uses a stacking order older than the one the tracker has), or undefined while the filter is off.
   */
  visibleRegion(): Region | undefined {
    if (!this.isEnabled) return undefined;
    this.sync();
    return this.visible;
  }

  /**
   * @internal The PDUs that tell an attendee the filter state and, while it is on, the application and window
   * lists (applications first, as MS-RDPEMC 3.1.5.3 asks).
   */
  statePdus(): EncomspPdu[] {
    const pdus: EncomspPdu[] = [
      { type: 'filterStateUpdated', flags: this.isEnabled ? FilterStateFlags.FILTER_ENABLED : 0 },
    ];
    if (!this.isEnabled) return pdus;
    for (const app of this.apps.values()) pdus.push(appCreated(app));
    for (const { window } of this.tracked.values()) pdus.push(windowCreated(window));
    return pdus;
  }

  /**
   * @internal An attendee's OD_WND_SHOW: shows the window if it exists and is shared.
   * @returns false when the request was refused.
   */
  showRequested(windowId: number): boolean {
    const window = this.tracked.get(windowId)?.window;
    if (!window?.shared) return false;
    this.show(window);
    return true;
  }

  /** Brings the known windows and applications in line with the tracker's list. */
  private sync(): void {
    if (!this.source) return;
    let infos: WindowInfo[];
    try {
      infos = this.source.list();
      this.popups = this.source.popups();
    } catch (error) {
      this.host.logger.warn('window list unavailable', { error: String(error) });
      return;
    }
    const pdus: EncomspPdu[] = [];
    const seen = new Set<number>();
    for (const info of infos) {
      seen.add(info.id);
      const known = this.tracked.get(info.id);
      if (!known) {
        this.opened(info, pdus);
      } else {
        known.info = info;
        if (known.window.rename(info.title)) {
          pdus.push(windowCreated(known.window));
          this.host.publish('windowUpdate', { window: known.window });
        }
      }
    }
    for (const [id, t] of this.tracked) if (!seen.has(id)) this.closed(t, pdus);
    if (this.isEnabled && pdus.length > 0) this.host.announce(pdus);
    this.updateVisibility();
  }

  private opened(info: WindowInfo, pdus: EncomspPdu[]): void {
    const key = applicationKey(info);
    let app = this.apps.get(key);
    if (!app) {
      app = new Application(this.nextAppId++, info.application || info.instance || info.title, this.link);
      this.apps.set(key, app);
      pdus.push(appCreated(app));
      this.host.publish('applicationOpen', { application: app });
    }
    const window = new Window(info.id, info.title, app, this.link);
    this.tracked.set(info.id, { window, info });
    pdus.push(windowCreated(window));
    this.host.publish('windowOpen', { window });
  }

  private closed(t: Tracked, pdus: EncomspPdu[]): void {
    const { window } = t;
    this.tracked.delete(window.id);
    pdus.push({ type: 'windowRemoved', windowId: window.id });
    this.host.publish('windowClose', { window });
    const app = window.application;
    if (this.windowsOf(app).length > 0) return;
    for (const [key, a] of this.apps) if (a === app) this.apps.delete(key);
    pdus.push({ type: 'appRemoved', appId: app.id });
    this.host.publish('applicationClose', { application: app });
  }

  private windowsOf(app: Application): Window[] {
    const out: Window[] = [];
    for (const { window } of this.tracked.values()) if (window.application === app) out.push(window);
    return out;
  }

  private applicationShared(app: Application): void {
    if (this.isEnabled) this.host.announce([appCreated(app), ...this.windowsOf(app).map(windowCreated)]);
    this.host.publish('applicationUpdate', { application: app });
    this.updateVisibility();
  }

  private windowShared(window: Window): void {
    if (this.isEnabled) this.host.announce([windowCreated(window)]);
    this.host.publish('windowUpdate', { window });
    this.updateVisibility();
  }

  private show(window: Window): void {
    if (!this.source || !this.tracked.has(window.id)) {
      throw new RdshareError('NOT_FOUND', `window ${window.id} (${window.name}) is no longer on the shared desktop`);
    }
    this.source
      .activate(window.id)
      .catch((error) => this.host.logger.warn('window not shown', { window: window.id, error: String(error) }));
  }

  /**
   * Recomputes what attendees may see and has the areas that changed recaptured. Windows count with their frame
   * (title bar and borders: what covers the windows beneath); popups lie above them all and show only when their
   * application is shared.
   */
  private updateVisibility(): void {
    const { width, height } = this.host.screen();
    const windows = [...this.tracked.values()].map((t) => ({ ...t.info, rect: t.info.frame, shared: t.window.shared }));
    const top = windows.length;
    for (const popup of this.popups) {
      const owner = this.apps.get(applicationKey(popup));
      windows.push({ ...popup, rect: popup.frame, stackIndex: top + popup.stackIndex, shared: owner?.shared ?? false });
    }
    const next: Region = this.isEnabled
      ? visibleSharedRegion(windows, (w) => w.shared)
      : [{ x: 0, y: 0, width, height }];
    const dirty = regionXor(this.visible, next);
    if (dirty.length === 0) return;
    this.visible = next;
    this.host.visibilityChanged(dirty);
  }
}

/** Windows group into applications by process; clients that do not say their pid, by WM_CLASS. */
const applicationKey = (info: WindowInfo): string =>
  info.pid > 0 ? `pid:${info.pid}` : `class:${info.application || info.instance || info.title}`;

const wireName = (name: string) => name.slice(0, ENCOMSP_MAX_STRING_LENGTH);

const appCreated = (app: Application): EncomspPdu => ({
  type: 'appCreated',
  flags: app.shared ? AppFlags.APPLICATION_SHARED : 0,
  appId: app.id,
  name: wireName(app.name),
});

const windowCreated = (window: Window): EncomspPdu => ({
  type: 'windowCreated',
  flags: window.shared ? WindowFlags.WINDOW_SHARED : 0,
  appId: window.application.id,
  windowId: window.id,
  name: wireName(window.name),
});
