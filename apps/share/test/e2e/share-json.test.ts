import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXfreerdp, startXvfb, waitFor } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

type Status = {
  time: string;
  attendees: { id: number; name: string; level: string }[];
  framesPerSecond: number;
  bytesPerSecond: number;
  paused: boolean;
};

describe('rdshare share --json, read by a script', () => {
  it('prints a status line every second (attendees, frames/s, bytes/s, paused) and the join, the control request and the leave as JSON lines', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-json-'));
    const share = runCli(['share', '--virtual', '640x480', '--json', '--control', 'view', '--seconds', '90'], {
      cwd,
      env: { DISPLAY: '' },
    });
    const statuses = () => share.events.filter((e) => e.event === 'status') as unknown as Status[];
    const viewerDisplay = await startXvfb({ width: 800, height: 600 });
    try {
      const invitation = await share.event('invitation');
      // Nobody yet: statuses keep coming, about one a second.
      await waitFor(() => statuses().length >= 4, 15_000, 'four status lines');
      const [a, , , d] = statuses();
      expect(a).toMatchObject({ attendees: [], paused: false });
      const spacing = (Date.parse(String(d?.time)) - Date.parse(String(a?.time))) / 3;
      expect(spacing).toBeGreaterThan(800);
      expect(spacing).toBeLessThan(2000);

      const xfreerdp = startXfreerdp({
        display: viewerDisplay,
        connectionString: String(invitation.connectionString),
        password: String(invitation.password),
        name: 'json-reader',
      });
      try {
        const joined = await share.event('attendeeConnected', (e) => e.name === 'json-reader', 30_000);
        expect(joined).toMatchObject({ from: '127.0.0.1', level: 'view' });
        // The clock and top redraw the embedded desktop: frames and bytes go out to the attendee, and the status
        // lists it with its level.
        const flowing = await waitFor(
          () =>
            statuses().find(
              (s) =>
                s.attendees.some((x) => x.name === 'json-reader' && x.level === 'view' && x.id === joined.id) &&
                s.framesPerSecond > 0 &&
                s.bytesPerSecond > 0,
            ),
          30_000,
          'a status with the attendee and traffic',
        );
        expect(flowing?.paused).toBe(false);

        // A second attendee asks for control; --control view refuses it, and the script reads both.
        const requester = runCli(
          [
            'view',
            String(invitation.ticketFile),
            '--password',
            String(invitation.password),
            '--name',
            'requester',
            '--request-control',
            '--seconds',
            '30',
          ],
          { cwd },
        );
        try {
          const request = await share.event('controlLevelChangeRequest', (e) => e.name === 'requester', 30_000);
          expect(request).toMatchObject({ requested: 'interactive', granted: false });
          await waitFor(
            () =>
              statuses().some(
                (s) =>
                  s.attendees
                    .map((x) => x.name)
                    .sort()
                    .join() === 'json-reader,requester',
              ),
            10_000,
            'a status listing both attendees',
          );
        } finally {
          await requester.stop();
        }
      } finally {
        await xfreerdp.stop();
      }
      const left = await share.event('attendeeDisconnected', (e) => e.name === 'json-reader', 30_000);
      expect(left).toMatchObject({ id: expect.any(Number), reason: expect.any(String) });
      const before = statuses().length;
      await waitFor(
        () =>
          statuses()
            .slice(before)
            .some((s) => s.attendees.length === 0),
        10_000,
        'a status with nobody left',
      );
    } finally {
      await share.stop();
      await viewerDisplay.stop();
    }
    // Every line on stdout is one JSON object with an event and a time, the stopped totals last.
    const lines = share.stdout().trim().split('\n');
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ event: expect.any(String), time: expect.any(String) });
    expect(JSON.parse(lines.at(-1) ?? '{}').event).toBe('stopped');
  });
});
