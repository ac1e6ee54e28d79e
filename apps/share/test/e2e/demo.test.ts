import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

describe('rdshare demo, as the README runs it', () => {
  it('prints the web URL and the xfreerdp line first; --view joins with both and saves the screens side by side; --seconds stops it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-demo-'));
    const demo = runCli(['demo', '--view', '--seconds', '30', '--dir', 'out'], { cwd, env: { DISPLAY: '' } });
    const code = await demo.exited;
    const out = demo.stdout();
    expect(code, demo.stderr()).toBe(0);
    const lines = out.split('\n');
    // It listens on this machine only, and says how to share beyond it before anything else.
    expect(lines[0]).toMatch(
      /^rdshare is sharing :\d+ on 127\.0\.0\.1 port \d+: viewers on this machine only; to share beyond it, add --listen 0\.0\.0\.0 \(every interface\)$/,
    );
    const web = lines.findIndex((l) => /^ {2}http:\/\/127\.0\.0\.1:\d+\/#ticket=/.test(l));
    const xfreerdp = lines.findIndex((l) => /^ {2}xfreerdp .*\/cert:ignore/.test(l));
    expect(web).toBeGreaterThan(0);
    expect(xfreerdp).toBeGreaterThan(0);
    expect(Math.max(web, xfreerdp)).toBeLessThan(12);
    expect(out).toMatch(/\+ attendee \d+ "demo-xfreerdp"/);
    expect(out).toMatch(/\+ attendee \d+ "demo-web"/);
    expect(out).toMatch(/screenshots saved: .*side-by-side\.png/);
    expect(out).toMatch(
      /stopped after \d+ s; attended: .*demo-xfreerdp \(\d+ s, [\d.]+ (kB|MB)\).*; sent [\d.]+ (kB|MB) in \d+ frames/,
    );
    for (const [name, width, height] of [
      ['shared.png', 1280, 800],
      ['xfreerdp.png', 1280, 800],
      ['web-viewer.png', 1520, 900],
    ] as const) {
      const png = PNG.sync.read(readFileSync(join(cwd, 'out', name)));
      expect([name, png.width, png.height]).toEqual([name, width, height]);
    }
    expect(existsSync(join(cwd, 'out', 'side-by-side.png'))).toBe(true);
  });
});
