import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/** The built web viewer (`@rdshare/web-viewer`'s `dist/`), which `--web` serves. */
export function webViewerDirectory(): string {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('@rdshare/web-viewer/package.json')), 'dist');
  } catch {
    throw new CliError(
      'the web viewer (@rdshare/web-viewer) is not installed next to rdshare',
      'run `pnpm install` at the repository root, or leave --web out',
    );
  }
  if (!existsSync(join(dir, 'index.html'))) {
    throw new CliError(
      `the web viewer page is not built (no ${join(dir, 'index.html')})`,
      'build it with `pnpm --filter @rdshare/web-viewer build` (setup.sh does), or leave --web out',
    );
  }
  return dir;
}
