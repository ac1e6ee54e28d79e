import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeError } from './errors.js';
import type { NativeAddon } from './native-binding.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** node-gyp's outputs, relative to the package: a source build made at install (or by hand). */
const localBuilds = ['build/Release/rdshare_native.node', 'build/Debug/rdshare_native.node'];

/** Debian/Ubuntu and Fedora package names of the libraries the addon links against. */
const systemPackages: Record<string, { apt: string; dnf: string }> = {
  'libX11.so': { apt: 'libx11-6', dnf: 'libX11' },
  'libXext.so': { apt: 'libxext6', dnf: 'libXext' },
  'libXdamage.so': { apt: 'libxdamage1', dnf: 'libXdamage' },
  'libXfixes.so': { apt: 'libxfixes3', dnf: 'libXfixes' },
  'libXtst.so': { apt: 'libxtst6', dnf: 'libXtst' },
  'libXrandr.so': { apt: 'libxrandr2', dnf: 'libXrandr' },
  'libXi.so': { apt: 'libxi6', dnf: 'libXi' },
  'libXRes.so': { apt: 'libxres1', dnf: 'libXres' },
};

const buildTools =
  'needs python3, make, a C++17 compiler and the X and OpenH264 development headers: apt-get install libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev libxi-dev libxres-dev libopenh264-dev';

const rebuildHint = `rebuild it: cd ${packageDir} && npx node-gyp rebuild (${buildTools})`;

/** The C library a Linux process runs on; prebuilt binaries are tagged with it (the prebuildify layout). */
function libcOf(platform: NodeJS.Platform): string {
  if (platform !== 'linux') return 'libc';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * Where a prebuilt addon for this machine sits in the package: `prebuilds/<platform>-<arch>/` as prebuildify lays
 * it out. One file serves every Node.js version because the addon uses Node-API only.
 *
 * @example
 * ```ts
 * prebuiltPath('linux', 'x64'); // 'prebuilds/linux-x64/rdshare_native.napi.glibc.node' on a glibc system
 * ```
 */
export function prebuiltPath(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `prebuilds/${platform}-${arch}/rdshare_native.napi.${libcOf(platform)}.node`;
}

/**
 * The absolute path of the prebuilt addon that matches this machine, if the package ships one: the loader tries it
 * first and the install script then skips the source build.
 *
 * @example
 * ```ts
 * console.log(matchingPrebuilt() ?? 'no prebuilt: the addon is compiled at install');
 * ```
 */
export function matchingPrebuilt(): string | undefined {
  const path = `${packageDir}${prebuiltPath()}`;
  return existsSync(path) ? path : undefined;
}

/**
 * Explains why loading the addon failed and how to fix it. Exported so the messages can be tested
 * without breaking a real installation.
 */
export function explainLoadFailure(error: unknown, platform: NodeJS.Platform = process.platform): NativeError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (!['linux', 'freebsd', 'openbsd', 'netbsd'].includes(platform)) {
    return new NativeError(
      'UNSUPPORTED_PLATFORM',
      `@rdshare/native has an X11 backend only; ${platform} is not supported`,
      { cause: error },
    );
  }
  const library = /(lib[\w+-]+\.so)(?:\.[\d.]+)?: cannot open shared object file/.exec(message);
  if (library) {
    const pkg = systemPackages[library[1]];
    const fix = pkg
      ? `install it: apt-get install ${pkg.apt} (Debian/Ubuntu) or dnf install ${pkg.dnf} (Fedora)`
      : 'install the package that provides it with your distribution package manager';
    return new NativeError(
      'MISSING_LIBRARY',
      `the rdshare native addon needs the system library ${library[1]}, which is not installed; ${fix}`,
      { cause: error },
    );
  }
  if (/NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|undefined symbol|GLIBC_|GLIBCXX_/.test(message)) {
    return new NativeError(
      'ABI_MISMATCH',
      `the rdshare native addon was built for another Node.js, architecture or C library (${message.split('\n')[0]}); ${rebuildHint}`,
      { cause: error },
    );
  }
  if (code === 'MODULE_NOT_FOUND' || /Cannot find module|ENOENT/.test(message)) {
    return new NativeError(
      'ADDON_NOT_BUILT',
      `the rdshare native addon is not built (no prebuilt binary for ${platform}-${process.arch} and no build/Release/rdshare_native.node): the install script compiles it, and it did not run or failed. Under pnpm 10 a dependency's build script runs only once approved: pnpm approve-builds (select @rdshare/native), then pnpm rebuild @rdshare/native; with npm: npm rebuild @rdshare/native (an --ignore-scripts install skips it); or by hand: cd ${packageDir} && npx node-gyp rebuild. The build ${buildTools}`,
      { cause: error },
    );
  }
  return new NativeError('LOAD_FAILED', `the rdshare native addon failed to load: ${message}; ${rebuildHint}`, {
    cause: error,
  });
}

/** One place the loader looked for the addon, and why it did not load from there. */
export interface LoadAttempt {
  /** Path relative to the package directory. */
  readonly path: string;
  /** The failure (for a missing file, a MODULE_NOT_FOUND error). */
  readonly error: unknown;
}

/**
 * Explains a load that failed everywhere: the code and fix of the most telling attempt (a binary that exists but
 * does not load says more than a missing one), followed by every attempt and its own fix, as sharp reports them.
 */
export function explainLoadAttempts(
  attempts: readonly LoadAttempt[],
  platform: NodeJS.Platform = process.platform,
): NativeError {
  const notFound = (a: LoadAttempt) => explainLoadFailure(a.error, platform).code === 'ADDON_NOT_BUILT';
  const telling = attempts.find((a) => !notFound(a)) ?? attempts[0];
  const headline = explainLoadFailure(telling?.error ?? new Error('no candidate'), platform);
  if (headline.code === 'UNSUPPORTED_PLATFORM' || attempts.length < 2) return headline;
  const tried = attempts.map((a) => {
    if (notFound(a)) return `- ${a.path}: not present`;
    const { message } = explainLoadFailure(a.error, platform);
    return `- ${a.path}: ${message}`;
  });
  return new NativeError(headline.code, `${headline.message}\nTried, in order:\n${tried.join('\n')}`, {
    cause: telling?.error,
  });
}

let cached: NativeAddon | undefined;

/**
 * Loads the addon once: the prebuilt binary for this platform, architecture and C library first, then a source
 * build. Throws a {@link NativeError} that lists every attempt and names the fix when none loads.
 */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const attempts: LoadAttempt[] = [];
  for (const path of [prebuiltPath(), ...localBuilds]) {
    try {
      cached = require(`${packageDir}${path}`) as NativeAddon;
      return cached;
    } catch (error) {
      attempts.push({ path, error });
    }
  }
  throw explainLoadAttempts(attempts);
}
