import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffRgba, startXvfb, waitFor } from '@rdshare/testkit';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

/** Debian's Chromium, headless, in a throwaway profile. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/** The RGBA pixels of `rect` cut out of a `width`-wide screenshot. */
function crop(rgba: Uint8Array, width: number, rect: { x: number; y: number; width: number; height: number }) {
  const out = new Uint8Array(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * width + rect.x) * 4;
    out.set(rgba.subarray(from, from + rect.width * 4), y * rect.width * 4);
  }
  return out;
}

describe('rdshare share --web, --rect and --app, as a user runs them', () => {
  it('--web serves the page: the printed URL joins from headless Chromium with the printed password', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-web-'));
    const share = runCli(
      ['share', '--virtual', '640x480', '--web', '0', '--json', '--control', 'view', '--password', 'pw-web'],
      { cwd, env: { DISPLAY: '' } },
    );
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const invitation = await share.event('invitation');
      const url = String(invitation.webUrl);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#ticket=%3CE%3E/);
      const page = await browser.newPage();
      await page.goto(url);
      await page.fill('#name', 'from-chromium');
      await page.fill('#password', 'pw-web');
      await page.click('#connect');
      await page.waitForSelector('body[data-state="connected"]', { timeout: 30_000 });
      await share.event('attendeeConnected', (e) => e.name === 'from-chromium');
    } finally {
      await browser.close();
      await share.stop();
    }
    const stopped = share.events.find((e) => e.event === 'stopped') as { attendees: { bytesSent: number }[] };
    expect(stopped.attendees[0]?.bytesSent).toBeGreaterThan(0);
  });

  it('--rect shares that part of the display, --app only that application', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdshare-rect-'));
    const shared = await startXvfb({ width: 480, height: 320 });
    await shared.exec('xsetroot', ['-solid', '#a05020']);
    shared.spawn('xlogo', ['-geometry', '200x150+30+40']);
    shared.spawn('xclock', ['-geometry', '120x120+300+150']);
    await waitFor(
      async () =>
        (await shared.exec('xdotool', ['search', '--onlyvisible', '--class', 'xclock']).catch(() => '')) !== '',
      10_000,
      'the windows',
    );
    const shot = async (args: string[], name: string) => {
      const share = runCli(['share', '--display', shared.display, '--json', '--control', 'view', ...args], { cwd });
      try {
        const invitation = await share.event('invitation');
        const png = join(cwd, `${name}.png`);
        const view = runCli(
          ['view', String(invitation.ticketFile), '--password', String(invitation.password), '--screenshot', png],
          { cwd },
        );
        expect(await view.exited).toBe(0);
        return PNG.sync.read(readFileSync(png));
      } finally {
        await share.stop();
      }
    };
    try {
      const rect = { x: 20, y: 30, width: 240, height: 180 };
      const part = await shot(['--rect', `${rect.x},${rect.y},${rect.width},${rect.height}`], 'rect');
      expect([part.width, part.height]).toEqual([rect.width, rect.height]);
      expect(diffRgba(part.data, crop(await shared.screenshot(), 480, rect), rect.width, rect.height)).toEqual({
        differing: 0,
      });

      const app = await shot(['--app', 'xlogo'], 'app');
      const screen = await shared.screenshot();
      const logo = { x: 30, y: 40, width: 200, height: 150 };
      // The xlogo window as it is; where the clock and the brown root are, black.
      expect(diffRgba(crop(app.data, 480, logo), crop(screen, 480, logo), logo.width, logo.height)).toEqual({
        differing: 0,
      });
      const clock = crop(app.data, 480, { x: 300, y: 150, width: 120, height: 120 });
      expect(clock.filter((v, i) => i % 4 !== 3 && v !== 0).length).toBe(0);
    } finally {
      await shared.stop();
    }
  });
});
