import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../run-cli.js';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

describe('rdshare share in a terminal (tmux)', () => {
  it('asks about a control request, shows live traffic, runs every command, and prints a closing line on quit', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-tty-'));
    const name = `rdshare-e2e-${process.pid}`;
    const ticket = join(cwd, 't.msrcIncident');
    tmux(
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      '160',
      '-y',
      '50',
      '-c',
      cwd,
      `DISPLAY= ${process.execPath} ${CLI} share --virtual 640x480 --ticket ${ticket} --password pw; sleep 30`,
    );
    const pane = () => tmux('capture-pane', '-p', '-t', name, '-S', '-200');
    try {
      await waitFor(() => pane().includes('rdshare>'), 20_000, 'the prompt');
      const view = runCli(
        ['view', ticket, '--password', 'pw', '--name', 'asker', '--request-control', '--seconds', '30', '--json'],
        { cwd },
      );
      try {
        await waitFor(() => pane().includes('"asker" asks for interactive control'), 20_000, 'the control question');
        tmux('send-keys', '-t', name, 'Enter');
        const granted = await view.event('attendeeUpdate', (e) => e.name === 'asker' && e.level === 3);
        expect(granted).toMatchObject({ name: 'asker', level: 3 });
        tmux('send-keys', '-t', name, 'list', 'Enter');
        await waitFor(() => /"asker" from 127\.0\.0\.1: interactive/.test(pane()), 10_000, 'the list');
        const id = /(\d+) {2}"asker" from/.exec(pane())?.[1];
        // The clock ticks and top redraws: the status line shows frames and bytes going out.
        await waitFor(
          () => /\[1 attendee \| [1-9]\d* frames\/s \| [\d.]+ (B|kB|MB)\/s\] rdshare>/.test(pane()),
          15_000,
          'a live status line',
        );
        const command = async (line: string, expected: RegExp) => {
          tmux('send-keys', '-t', name, line, 'Enter');
          await waitFor(() => expected.test(pane()), 10_000, `\`${line}\` to print ${expected}`).catch((e) => {
            throw new Error(`${e.message}\n${pane()}`);
          });
        };
        await command('apps', /XClock \(1 window\)/);
        await command('share xclock', /shared: xclock \(1 running\)/);
        await command('apps', /XClock \(1 window\): shared[\s\S]*attendees see the shared applications only/);
        await command('unshare xclock', /hidden: xclock \(1 running\)/);
        await command('share desktop', /sharing the whole display/);
        await command('pause', /\|\| paused[\s\S]*PAUSED\] rdshare>/);
        await view.event('paused');
        await command('resume', /> resumed/);
        await view.event('resumed');
        await command('invite', /invitation rdshare-2 \(up to/);
        const second = /invitation rdshare-2[\s\S]*?password: +(\S+)\n +ticket file: +(\S+)/.exec(pane());
        await command('revoke 2', /revoked 1 invitation: nobody new can join with them/);
        const refused = runCli(['view', String(second?.[2]), '--password', String(second?.[1])], { cwd });
        expect(await refused.exited).toBe(2);
        expect(refused.stderr()).toMatch(/cannot join/);
        await command(`level ${id} view`, /= attendee \d+ "asker" is now view/);
        await view.event('attendeeUpdate', (e) => e.name === 'asker' && e.level === 2);
        await command('level 99 view', /no attendee 99 is connected \(`list` shows who is connected/);
        await command('frobnicate', /unknown command "frobnicate" \(`help` lists the commands\)/);
        await command(`kick ${id}`, /- attendee \d+ "asker" left/);
        await view.event('disconnected');
        tmux('send-keys', '-t', name, 'quit', 'Enter');
        await waitFor(
          () =>
            /stopped after \d+ s; attended: asker \(\d+ s, [\d.]+ (kB|MB)\); sent [\d.]+ (kB|MB) in \d+ frames/.test(
              pane(),
            ),
          15_000,
          'the closing line',
        ).catch((e) => {
          throw new Error(`${e.message}\n${pane()}`);
        });
      } finally {
        await view.stop();
      }
    } finally {
      tmux('kill-session', '-t', name);
    }
  });
});
