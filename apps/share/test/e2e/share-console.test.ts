import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../run-cli.js';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

describe('rdshare share in a terminal (tmux)', () => {
  it('asks when an attendee requests control, grants it, lists it, and prints a closing line on quit', async () => {
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
        tmux('send-keys', '-t', name, 'quit', 'Enter');
        await waitFor(() => /stopped after \d+ s; attended: asker/.test(pane()), 15_000, 'the closing line');
      } finally {
        await view.stop();
      }
    } finally {
      tmux('kill-session', '-t', name);
    }
  });
});
