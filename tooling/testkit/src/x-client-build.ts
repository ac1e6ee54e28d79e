import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The small C X clients that ship as sources next to this file. */
export type XClientName =
  | 'animation-client'
  | 'motion-client'
  | 'scrolling-text-client'
  | 'cartoon-client'
  | 'frame-counter-reader'
  | 'cursor-churn';

/** Libraries each client links besides libX11 and libm. */
const EXTRA_LIBRARIES: Record<XClientName, string[]> = {
  'animation-client': [],
  'motion-client': [],
  'scrolling-text-client': [],
  'cartoon-client': [],
  'frame-counter-reader': [],
  'cursor-churn': ['-lXcursor'],
};

/** The header the clients include: part of every client's build hash. */
const SHARED_HEADER = 'counted-frames.h';

const builds = new Map<XClientName, Promise<string>>();

/**
 * Compiles one of the testkit's C X clients with the system `cc` (needs libx11-dev) and returns the executable's
 * path. C because a Node or xdotool loop cannot paint or poll an X display at the rates a frame-accurate
 * measurement needs. Executables are kept in a per-user temporary folder under a hash of their source, so later
 * runs reuse them and an edited source is rebuilt.
 */
export function buildXClient(name: XClientName): Promise<string> {
  let build = builds.get(name);
  if (!build) {
    build = compile(name);
    builds.set(name, build);
    build.catch(() => builds.delete(name));
  }
  return build;
}

async function compile(name: XClientName): Promise<string> {
  const source = fileURLToPath(new URL(`./${name}.c`, import.meta.url));
  const header = fileURLToPath(new URL(`./${SHARED_HEADER}`, import.meta.url));
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update(readFileSync(header))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `rdshare-xclients-${userInfo().uid}`);
  const binary = join(dir, `${name}-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Built under a private name and renamed, so concurrent test processes never run a half-written file.
  const partial = `${binary}.${process.pid}`;
  try {
    await execFileAsync('cc', ['-O2', '-Wall', '-o', partial, source, '-lX11', '-lm', ...EXTRA_LIBRARIES[name]]);
  } catch (error) {
    throw new Error(`cannot compile ${source}: ${(error as { stderr?: string }).stderr || (error as Error).message}`);
  }
  renameSync(partial, binary);
  return binary;
}
