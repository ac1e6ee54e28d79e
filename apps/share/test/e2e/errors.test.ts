import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

/** Runs the command to its end; returns its exit code and what it said on stderr. */
async function fails(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'rdshare-err-'));
  const run = runCli(args, { cwd, env });
  const code = await run.exited;
  return { code, stderr: run.stderr() };
}

describe('rdshare errors say what is wrong and how to fix it', () => {
  it('bad flags: an unknown one, a malformed value, a value out of range, exclusive flags', async () => {
    const unknown = await fails(['share', '--bogus']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'[\s\S]*Usage: rdshare share/);
    const size = await fails(['share', '--virtual', '10x10']);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/--virtual width must be from 200 to 8192, got 10\n {2}fix: .*--virtual 1280x800/);
    const rect = await fails(['share', '--rect', '1,2,3']);
    expect(rect.code).toBe(2);
    expect(rect.stderr).toMatch(/--rect takes four numbers[\s\S]*fix: write it as x,y,width,height/);
    const control = await fails(['share', '--control', 'everything']);
    expect(control.code).toBe(2);
    expect(control.stderr).toMatch(/--control must be ask, view or interactive[\s\S]*fix: ask:/);
    const both = await fails(['share', '--display', ':0', '--virtual', '800x600']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--display and --virtual exclude each other/);
    const web = await fails(['share', '--web', 'http']);
    expect(web.code).toBe(2);
    expect(web.stderr).toMatch(/--web must be a whole number[\s\S]*fix: .*--web 8080/);
  });

  it('a rectangle off the display, and a web port in use', async () => {
    const display = await startXvfb({ width: 320, height: 240 });
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const rect = await fails(['share', '--display', display.display, '--rect', '0,0,900,100', '--json']);
      expect(rect.code).toBe(2);
      expect(rect.stderr).toMatch(/--rect 0,0,900,100 does not fit the 320x240 display[\s\S]*fix: .*0,0,320,240/);
      const web = await fails(['share', '--display', display.display, '--web', String(port), '--json']);
      expect(web.code).toBe(2);
      expect(web.stderr).toMatch(new RegExp(`cannot serve the web viewer .*port ${port}[\\s\\S]*fix: .*--web`));
    } finally {
      blocker.close();
      await display.stop();
    }
  });

  it('no display: neither the one named nor the one in DISPLAY runs', async () => {
    const named = await fails(['share', '--display', ':597', '--json']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/cannot share display :597[\s\S]*fix: .*--virtual WxH/);
    const inherited = await fails(['share', '--json'], { DISPLAY: ':596' });
    expect(inherited.code).toBe(2);
    expect(inherited.stderr).toMatch(/cannot share display :596[\s\S]*fix: .*--virtual WxH/);
    const remote = await fails(['share', '--json'], { DISPLAY: 'otherhost:0' });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/local X display like :0, got "otherhost:0"[\s\S]*fix: .*--virtual WxH/);
  });

  it('an unreadable ticket: a connection string that is not one', async () => {
    const bad = await fails(['view', '<E><A KH="x"/></E>', '--password', 'p']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot join[\s\S]*fix: pass the whole connection string or the \.msrcIncident file/);
  });
});
