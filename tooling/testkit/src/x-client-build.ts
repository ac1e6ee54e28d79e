import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The small C X clients that ship as sources next to this file. */
export type XClientName = 'animation-client' | 'frame-counter-reader';

let outDir: string | undefined;
const builds = new Map<XClientName, Promise<string>>();

/**
 * Compiles one of the testkit's C X clients with the system `cc` (needs libx11-dev) into a private temporary
 * folder, once per process, and returns the executable's path. C because a Node or xdotool loop cannot paint
 * or poll an X display at the rates a frame-accurate measurement needs.
 */
export function buildXClient(name: XClientName): Promise<string> {
  let build = builds.get(name);
  if (!build) {
    if (!outDir) {
      const dir = mkdtempSync(join(tmpdir(), 'rdshare-xclients-'));
      outDir = dir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    const source = fileURLToPath(new URL(`./${name}.c`, import.meta.url));
    const binary = join(outDir, name);
    build = execFileAsync('cc', ['-O2', '-Wall', '-o', binary, source, '-lX11', '-lm']).then(
      () => binary,
      (error: Error & { stderr?: string }) => {
        builds.delete(name);
        throw new Error(`cannot compile ${source}: ${error.stderr ?? error.message}`);
      },
    );
    builds.set(name, build);
  }
  return build;
}
