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
  it('a flag or argument commander cannot parse: one line naming it and the help to read, exit code 2, in every subcommand', async () => {
    for (const [args, line] of [
      [['share', '--bogus'], 'unknown option --bogus (see rdshare share --help)'],
      [['share', '--prot', '5'], 'unknown option --prot; did you mean --port? (see rdshare share --help)'],
      [['share', '--port'], '--port needs a value: --port <N> (see rdshare share --help)'],
      [['share', 'extra'], 'too many arguments: rdshare share takes 0, got 1 (see rdshare share --help)'],
      [['view', 'ticket'], '--password is required: --password <P> (see rdshare view --help)'],
      [['view', '--password', 'p'], 'the <ticket> argument is missing (see rdshare view --help)'],
      [['view', 't', '--password', 'p', '-z'], 'unknown option -z (see rdshare view --help)'],
      [['demo', '--foo'], 'unknown option --foo (see rdshare demo --help)'],
      [['demo', '--seconds'], '--seconds needs a value: --seconds <N> (see rdshare demo --help)'],
      [['shre'], 'unknown command shre; did you mean share? (see rdshare --help)'],
    ] as const) {
      const run = await fails([...args]);
      expect([args, run.code, run.stderr]).toEqual([args, 2, `rdshare: ${line}\n`]);
    }
  });

  it('--help still prints the whole usage, on stdout, exit code 0', async () => {
    for (const command of ['share', 'view', 'demo']) {
      const cwd = mkdtempSync(join(tmpdir(), 'rdshare-help-'));
      const run = runCli([command, '--help'], { cwd });
      expect(await run.exited).toBe(0);
      expect(run.stdout()).toMatch(new RegExp(`^Usage: rdshare ${command} [\\s\\S]*--seconds <N>[\\s\\S]*-h, --help`));
      expect(run.stderr()).toBe('');
    }
  });

  it('bad flag values: a malformed value, a value out of range, exclusive flags', async () => {
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

  it('session.open() failures each get their own message and fix; only a listen failure points at --listen', async () => {
    const display = await startXvfb({ width: 320, height: 240 });
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-err-'));
    const first = runCli(['share', '--display', display.display, '--json', '--seconds', '60'], { cwd });
    try {
      // Another rdshare shares the display already: not a listen problem, and not a display that does not run.
      await first.event('invitation');
      const inUse = await fails(['share', '--display', display.display, '--json']);
      expect(inUse.code).toBe(2);
      expect(inUse.stderr).toMatch(
        new RegExp(
          `^rdshare: X display ${display.display} is already shared by another rdshare session .*\n {2}fix: stop the other rdshare sharing ${display.display}, .*--virtual WxH\\)\n$`,
        ),
      );
      await first.stop();
      // TEST-NET-1 (RFC 5737): never an address of this machine.
      const notHere = await fails(['share', '--display', display.display, '--listen', '192.0.2.1', '--json']);
      expect(notHere.code).toBe(2);
      expect(notHere.stderr).toMatch(
        /^rdshare: cannot listen on 192\.0\.2\.1 \(any free port\): 192\.0\.2\.1 is not an address of this machine\n {2}fix: check --listen: /,
      );
    } finally {
      await first.stop();
      await display.stop();
    }
  });

  it('a display that runs without an extension the sharer needs: named, with a fix that is not "start it"', async () => {
    const display = await startXvfb({ width: 320, height: 240, withoutExtensions: ['DAMAGE'] });
    try {
      const run = await fails(['share', '--display', display.display, '--json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `rdshare: cannot share display ${display.display}: X display ${display.display} does not offer DAMAGE\n` +
          '  fix: share an X server that has it (Xorg and Xvfb do unless started with -extension NAME), or use --virtual WxH for an embedded one\n',
      );
    } finally {
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
