import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, startXvfb, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

const noDisplay = { DISPLAY: '' };

describe('rdshare share, as a user runs it', () => {
  it('shares an embedded desktop; xfreerdp joins with the printed line; the JSON events show the attendee', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-cli-'));
    const share = runCli(['share', '--virtual', '640x480', '--json', '--control', 'view', '--seconds', '40'], {
      cwd,
      env: noDisplay,
    });
    const viewerDisplay = await startXvfb({ width: 800, height: 600 });
    try {
      const invitation = await share.event('invitation');
      expect(invitation.listen).toBe('127.0.0.1');
      expect(readFileSync(String(invitation.ticketFile), 'utf8')).toBe(invitation.connectionString);
      const embedded = String(invitation.display);
      expect(existsSync(`/tmp/.X11-unix/X${embedded.slice(1)}`)).toBe(true);
      // The line exactly as printed, in a shell with no terminal, the way a script would run it.
      const xfreerdp = spawn('bash', ['-c', String(invitation.xfreerdp)], {
        cwd,
        env: { ...process.env, DISPLAY: viewerDisplay.display, USER: 'printed-line' },
        stdio: 'ignore',
      });
      try {
        const joined = await share.event('attendeeConnected', (e) => e.name === 'printed-line', 30_000);
        expect(joined).toMatchObject({ from: '127.0.0.1', level: 'view' });
      } finally {
        await killAndWait(xfreerdp);
      }
      await share.stop();
      const stopped = share.events.find((e) => e.event === 'stopped');
      expect(stopped?.attendees).toEqual([expect.objectContaining({ name: 'printed-line' })]);
      // The embedded desktop went with the session.
      await waitFor(() => !existsSync(`/tmp/.X11-unix/X${embedded.slice(1)}`), 5000, 'the embedded Xvfb to stop');
    } finally {
      await share.stop();
      await viewerDisplay.stop();
    }
  });

  it.each([
    ['xfreerdp', /join it with FreeRDP:\n {2}(.+)\n/],
    ['xfreerdp3', /or FreeRDP 3:\n {2}(.+)\n/],
  ])('the %s line printed for people runs as printed, with no terminal, and joins', async (program, line) => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-cli-'));
    const share = runCli(['share', '--virtual', '640x480', '--control', 'view', '--seconds', '60'], {
      cwd,
      env: noDisplay,
    });
    const viewerDisplay = await startXvfb({ width: 800, height: 600 });
    try {
      const printed = await waitFor(() => line.exec(share.stdout())?.[1], 45_000, `the printed ${program} line`);
      expect(printed).toMatch(new RegExp(`^${program} .*/cert:ignore.*</dev/null$`));
      const xfreerdp = spawn('bash', ['-c', String(printed)], {
        cwd,
        env: { ...process.env, DISPLAY: viewerDisplay.display, USER: 'printed-for-people' },
        stdio: 'ignore',
      });
      try {
        await waitFor(() => share.stdout().includes('"printed-for-people" from 127.0.0.1 (view)'), 30_000, 'the join');
      } finally {
        await killAndWait(xfreerdp);
      }
    } finally {
      await share.stop();
      await viewerDisplay.stop();
    }
    expect(share.stdout()).toMatch(/stopped after \d+ s; attended: printed-for-people \(\d+ s, [\d.]+ (kB|MB)\)/);
  });

  it('says which port is taken and what to do', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-cli-'));
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const display = await startXvfb({ width: 320, height: 240 });
    try {
      const share = runCli(['share', '--display', display.display, '--port', String(port), '--json'], { cwd });
      expect(await share.exited).toBe(2);
      expect(share.stderr()).toContain(`port ${port}`);
      expect(share.stderr()).toMatch(/fix: .*--port/);
    } finally {
      blocker.close();
      await display.stop();
    }
  });

  it('says a display that does not run cannot be shared', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-cli-'));
    const share = runCli(['share', '--display', ':598', '--json'], { cwd });
    expect(await share.exited).not.toBe(0);
    expect(share.stderr()).toMatch(/598/);
    expect(share.stderr()).toMatch(/fix: .*--virtual/);
  });
});
