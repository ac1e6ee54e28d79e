import { build } from 'esbuild';

/** Debian's Chromium, headless, with nothing that reaches the network or writes outside a fresh profile. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `contents` (TypeScript importing from `resolveDir`) bundled for the browser as one classic script, workspace
 * packages from their sources (the `@rdshare/source` condition): the viewer core as the page runs it.
 */
export async function bundleForBrowser(contents: string, resolveDir: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@rdshare/source'],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
