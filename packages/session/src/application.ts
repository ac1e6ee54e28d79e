import { invalidArgument } from './errors.js';
import { ItemList } from './item-list.js';
import { type FilterLink, WindowList } from './window.js';

/**
 * IRDPSRAPIApplication: a program with windows on the shared desktop (one process; a client that does not
 * tell its process id is grouped by its WM_CLASS). Sharing it shares all its windows.
 */
export class Application {
  private isShared = false;
  /** get_Windows: this application's windows, live. */
  readonly windows: WindowList;

  /** @internal */
  constructor(
    /** get_Id: unique in the session, also the MS-RDPEMC AppId. */
    readonly id: number,
    /** get_Name: the application's name (the class part of WM_CLASS, e.g. `XTerm`). */
    readonly name: string,
    private readonly link: FilterLink,
  ) {
    this.windows = new WindowList(() => link.windowsOf(this));
  }

  /** get_Flags: RDPSRAPI_APP_FLAGS (no X11 client is privileged over the sharer: always 0). */
  get flags(): number {
    return 0;
  }

  /** get_Shared / put_Shared: whether all of its windows are shown when the application filter is enabled. */
  get shared(): boolean {
    return this.isShared;
  }

  set shared(shared: boolean) {
    if (typeof shared !== 'boolean') {
      throw invalidArgument(`application.shared must be a boolean, got ${String(shared)}`);
    }
    if (shared === this.isShared) return;
    this.isShared = shared;
    this.link.setApplicationShared(this, shared);
  }
}

/**
 * IRDPSRAPIApplicationList: the applications with windows on the shared desktop now, iterable with `for...of`.
 * @example
 * const filter = session.applicationFilter;
 * for (const app of filter.applications) app.shared = app.name === 'XTerm';
 * filter.enabled = true;
 */
export class ApplicationList extends ItemList<Application> {
  /** @internal */
  constructor(items: () => Iterable<Application>) {
    super(items, 'application');
  }
}
