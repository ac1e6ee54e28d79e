import { NativeError } from './errors.js';
import { loadAddon } from './loader.js';

/**
 * Environment variable naming the one OpenH264 library file to load instead of the system's, e.g. Cisco's
 * prebuilt `libopenh264-2.3.1-linux64.7.so` (whose patent licence covers its users).
 */
export const OPENH264_LIBRARY_ENV = 'RDSHARE_OPENH264_LIBRARY';

/**
 * The OpenH264 ABI the addon is compiled for is soname 7 (OpenH264 2.3 to 2.5); other sonames have other C++
 * vtables, so they are never tried.
 */
const SYSTEM_LIBRARY = 'libopenh264.so.7';

const fix =
  'install it: apt-get install libopenh264-7 (Debian 12, Ubuntu 23.04 and later) or dnf install openh264 (Fedora, from the fedora-cisco-openh264 repository), ' +
  `or download Cisco's libopenh264-2.3.1-linux64.7.so from https://github.com/cisco/openh264/releases and set ${OPENH264_LIBRARY_ENV} to its path`;

/** The library files tried, in order: only `$RDSHARE_OPENH264_LIBRARY` when it is set, else the system's soname. */
export function openH264Candidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env[OPENH264_LIBRARY_ENV];
  return chosen ? [chosen] : [SYSTEM_LIBRARY];
}

/**
 * The error for an OpenH264 that did not load: every file tried with the loader's reason, and the fix. Exported
 * so the message can be tested without uninstalling the library.
 *
 * @example
 * ```ts
 * explainH264Unavailable([{ path: 'libopenh264.so.7', error: 'cannot open shared object file' }]).message;
 * ```
 */
export function explainH264Unavailable(attempts: readonly { path: string; error: string }[]): NativeError {
  const tried = attempts.map((a) => `- ${a.path}: ${a.error}`).join('\n');
  return new NativeError(
    'H264_UNAVAILABLE',
    `H.264 needs the OpenH264 library (soname libopenh264.so.7, OpenH264 2.3 to 2.5), which could not be loaded; ${fix}\nTried, in order:\n${tried}`,
  );
}

let loaded: { path: string; version: string } | undefined;

/**
 * Loads OpenH264 with dlopen on first use (the addon does not link it, so everything else works without it) and
 * returns which file and version it is. Throws `H264_UNAVAILABLE` listing every attempt and the fix.
 *
 * @example
 * ```ts
 * console.log(`H.264 through OpenH264 ${loadOpenH264().version}`);
 * ```
 */
export function loadOpenH264(): { path: string; version: string } {
  if (loaded) return loaded;
  const result = loadAddon().loadOpenH264(openH264Candidates());
  if (result.attempts) throw explainH264Unavailable(result.attempts);
  loaded = { path: result.path, version: result.version };
  return loaded;
}
