import type { DisplayClaim } from '../display-claim.js';
import { NativeError } from '../errors.js';
import { loadAddon } from '../loader.js';
import type { RawClaim } from '../native-binding.js';
import { explainConnectFailure, resolveDisplay } from './x11-display-name.js';

/**
 * Claims are kept reachable until released: a claim dropped by mistake must not be given up by the
 * garbage collector at some random moment, which would let a second session in.
 */
const held = new Set<X11DisplayClaim>();

/** Who holds a display, as the addon read it from the owner window's properties. */
interface RawHolder {
  holderPid?: number;
  holderName?: string;
  holderHost?: string;
}

/** {@link DisplayClaim} for X11: ownership of the selection `_RDSHARE_SHARING_S<screen>`. */
export class X11DisplayClaim implements DisplayClaim {
  readonly display: string;
  private raw: RawClaim | undefined;

  constructor(
    display: string | undefined,
    readonly name: string,
  ) {
    this.display = resolveDisplay(display);
    const { DisplayClaim: NativeClaim } = loadAddon();
    try {
      this.raw = new NativeClaim(this.display, name, process.pid);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'DISPLAY_IN_USE') throw inUse(this.display, error as RawHolder);
      throw explainConnectFailure(this.display, error);
    }
    held.add(this);
  }

  get released(): boolean {
    return this.raw === undefined;
  }

  release(): void {
    const raw = this.raw;
    this.raw = undefined;
    held.delete(this);
    raw?.release();
  }
}

function inUse(display: string, holder: RawHolder): NativeError {
  const who = [
    holder.holderName ? JSON.stringify(holder.holderName) : undefined,
    holder.holderPid ? `pid ${holder.holderPid}` : 'pid unknown',
    holder.holderHost ? `on ${holder.holderHost}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return new NativeError(
    'DISPLAY_IN_USE',
    `X display ${display} is already shared by another rdshare session (${who}); close that session, or share another display`,
  );
}
