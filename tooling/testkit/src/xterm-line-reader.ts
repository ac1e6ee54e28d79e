import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, type XvfbDisplay } from './xvfb.js';

/** An xterm whose shell reads one line: where a viewer's typing can be read back. */
export interface XtermLineReader {
  /** Resolves with the line the xterm read, trimmed, once it read one (10 s at the most). */
  line(): Promise<string>;
  /** Closes the xterm. */
  close(): void;
}

/**
 * Opens an xterm at `geometry` (`COLSxROWS+X+Y`) on `display` whose shell reads a line and writes it to a fresh
 * file; resolves once the xterm is visible. Without a window manager it has the keyboard focus while the pointer
 * is over it.
 */
export async function startXtermLineReader(display: XvfbDisplay, geometry: string): Promise<XtermLineReader> {
  const out = join(mkdtempSync(join(tmpdir(), 'rdshare-typed-')), 'line.txt');
  const xterm = display.spawn('xterm', ['-geometry', geometry, '-e', `sh -c 'read line; echo "$line" > ${out}'`]);
  try {
    await waitFor(
      async () => (await display.exec('xdotool', ['search', '--onlyvisible', '--class', 'xterm'])).trim() !== '',
      10_000,
      'xterm',
    );
  } catch (error) {
    xterm.kill();
    throw error;
  }
  return {
    // Until the shell wrote the line the file is missing or empty, which waitFor takes as not yet.
    line: async () =>
      (await waitFor(() => readFileSync(out, 'utf8'), 10_000, 'the typed line to reach the xterm')).trim(),
    close: () => xterm.kill(),
  };
}
