import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeError } from './errors.js';
import type { NativeAddon } from './native-binding.js';

/** Where node-gyp puts the addon, relative to this file in both src/ and dist/. */
const candidates = ['../build/Release/rdshare_native.node', '../build/Debug/rdshare_native.node'];

const packageDir = fileURLToPath(new URL('..', import.meta.url));

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

const rebuildHint = `rebuild it: cd ${packageDir} && npx node-gyp rebuild (needs python3, make, a C++17 compiler and the X development headers: apt-get install libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev libxi-dev libxres-dev)`;

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
      {
        cause: error,
      },
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
      `the rdshare native addon is not built (no build/Release/rdshare_native.node); ${rebuildHint}`,
      { cause: error },
    );
  }
  return new NativeError('LOAD_FAILED', `the rdshare native addon failed to load: ${message}; ${rebuildHint}`, {
    cause: error,
  });
}

let cached: NativeAddon | undefined;

/** Loads the addon once; throws a {@link NativeError} that names the fix when it cannot. */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let first: unknown;
  for (const candidate of candidates) {
    try {
      cached = require(candidate) as NativeAddon;
      return cached;
    } catch (error) {
      // A missing Release build is only interesting if no Debug build exists either.
      const notFound = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
      if (first === undefined || (!notFound && (first as { code?: unknown }).code === 'MODULE_NOT_FOUND')) {
        first = error;
      }
    }
  }
  throw explainLoadFailure(first);
}
