import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffRgba, startXvfb } from '@rdshare/testkit';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

describe('rdshare view, as a user runs it', () => {
  it('joins rdshare share and saves a PNG that matches the shared screen pixel for pixel', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-view-'));
    const shared = await startXvfb({ width: 480, height: 320 });
    await shared.exec('xsetroot', ['-solid', '#a05020']);
    shared.spawn('xlogo', ['-geometry', '200x150+30+40']);
    await new Promise((r) => setTimeout(r, 1000));
    const share = runCli(['share', '--display', shared.display, '--json', '--control', 'view', '--password', 'pw 1'], {
      cwd,
    });
    try {
      const invitation = await share.event('invitation');
      const png = join(cwd, 'seen.png');
      const view = runCli(
        ['view', String(invitation.ticketFile), '--password', 'pw 1', '--name', 'term', '--screenshot', png, '--json'],
        { cwd },
      );
      expect(await view.exited).toBe(0);
      expect(view.events.map((e) => e.event)).toEqual(expect.arrayContaining(['connected', 'screenshot']));
      await share.event('attendeeConnected', (e) => e.name === 'term');
      const picture = PNG.sync.read(readFileSync(png));
      expect([picture.width, picture.height]).toEqual([480, 320]);
      const diff = diffRgba(picture.data, await shared.screenshot(), 480, 320);
      expect(diff).toEqual({ differing: 0 });
    } finally {
      await share.stop();
      await shared.stop();
    }
  });

  it('refuses a wrong password, a missing file and a file without an invitation, saying what to do', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-view-'));
    const shared = await startXvfb({ width: 320, height: 240 });
    const share = runCli(['share', '--display', shared.display, '--json', '--password', 'right'], { cwd });
    try {
      const invitation = await share.event('invitation');
      const wrong = runCli(['view', String(invitation.connectionString), '--password', 'wrong'], { cwd });
      expect(await wrong.exited).toBe(2);
      expect(wrong.stderr()).toMatch(/cannot join[\s\S]*fix: check the password/);
      const missing = runCli(['view', 'nowhere.msrcIncident', '--password', 'x'], { cwd });
      expect(await missing.exited).toBe(2);
      expect(missing.stderr()).toMatch(/no ticket file nowhere.msrcIncident/);
      writeFileSync(join(cwd, 'junk.msrcIncident'), 'not a ticket');
      const junk = runCli(['view', 'junk.msrcIncident', '--password', 'x'], { cwd });
      expect(await junk.exited).toBe(2);
      expect(junk.stderr()).toMatch(/holds no invitation/);
    } finally {
      await share.stop();
      await shared.stop();
    }
  });
});
