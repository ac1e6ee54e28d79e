import type { Application } from './application.js';
import { invalidArgument } from './errors.js';
import { ItemList } from './item-list.js';

/** @internal What windows and applications ask of their application filter. */
export interface FilterLink {
  setApplicationShared(application: Application, shared: boolean): void;
  setWindowShared(window: Window, shared: boolean): void;
  show(window: Window): void;
  windowsOf(application: Application): Iterable<Window>;
}

/**
 * IRDPSRAPIWindow: a top-level window of the shared desktop. While the application filter is enabled, only
 * windows that are shared (themselves, or through their application) reach the attendees.
 */
export class Window {
  private title: string;
  private own = false;

  /** @internal */
  constructor(
    /** get_Id: the X window id, also the MS-RDPEMC WndId. */
    readonly id: number,
    title: string,
    /** get_Application: the application the window belongs to. */
    readonly application: Application,
    private readonly link: FilterLink,
  ) {
    this.title = title;
  }

  /** get_Name: the window title. */
  get name(): string {
    return this.title;
  }

  /** @internal */
  rename(title: string): boolean {
    if (title === this.title) return false;
    this.title = title;
    return true;
  }

  /** get_Flags: RDPSRAPI_WND_FLAGS (no X11 window is privileged over the sharer: always 0). */
  get flags(): number {
    return 0;
  }

  /**
   * get_Shared / put_Shared: whether attendees see this window when the filter is enabled. A window of a
   * shared application is shared whatever this says ("if an application is shared, all its windows are").
   */
  get shared(): boolean {
    return this.own || this.application.shared;
  }

  set shared(shared: boolean) {
    if (typeof shared !== 'boolean') throw invalidArgument(`window.shared must be a boolean, got ${String(shared)}`);
    if (shared === this.own) return;
    this.own = shared;
    this.link.setWindowShared(this, shared);
  }

  /** @internal The window's own choice, apart from its application's. */
  get sharedItself(): boolean {
    return this.own;
  }

  /** Show: raises the window and gives it the focus on the shared desktop. */
  show(): void {
    this.link.show(this);
  }
}

/**
 * IRDPSRAPIWindowList: live windows (of the desktop, or of one application), iterable with `for...of`.
 * @example
 * for (const w of session.applicationFilter.windows) if (w.name.includes('Report')) w.shared = true;
 */
export class WindowList extends ItemList<Window> {
  /** @internal */
  constructor(items: () => Iterable<Window>) {
    super(items, 'window');
  }
}
