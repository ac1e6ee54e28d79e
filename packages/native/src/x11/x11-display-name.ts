import { NativeError, toNativeError } from '../errors.js';

/** The display to use: the one given, else `DISPLAY`. @throws {NativeError} `NO_DISPLAY` when neither is set. */
export function resolveDisplay(display: string | undefined): string {
  const name = display ?? process.env.DISPLAY;
  if (!name) {
    throw new NativeError(
      'NO_DISPLAY',
      'no X display was given and DISPLAY is not set; pass one (e.g. ":99") or export DISPLAY, after starting a server if needed (e.g. Xvfb :99)',
    );
  }
  return name;
}

/** Turns the addon's failure to connect to `display` into a NativeError that says how to fix it. */
export function explainConnectFailure(display: string, error: unknown): unknown {
  if ((error as { code?: unknown }).code !== 'DISPLAY_REFUSED') return toNativeError(error);
  const number = /:(\d+)/.exec(display)?.[1] ?? 'N';
  return new NativeError(
    'DISPLAY_REFUSED',
    `cannot connect to X display ${display}: no server is running there or it refused this client; start one (e.g. Xvfb :${number}) or, if it runs, allow this user (xhost +SI:localuser:$(id -un), or point XAUTHORITY at its cookie file)`,
    { cause: error },
  );
}
