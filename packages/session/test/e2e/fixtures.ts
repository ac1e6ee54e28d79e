import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll } from 'vitest';
import { CTRL_LEVEL, RdpSession, type RdpSessionOptions } from '../../src/index.js';
import { type LogLine, silentLogger } from './logger.js';

export const WIDTH = 640;
export const HEIGHT = 480;

/**
 * A shared display with detailed, static content: a plasma image on the root window (every pixel differs
 * from its neighbours, so any codec or offset error shows) and a solid block in a corner.
 */
export async function sharedDisplay(): Promise<XvfbDisplay> {
  const d = await startXvfb({ width: WIDTH, height: HEIGHT });
  const dir = mkdtempSync(join(tmpdir(), 'rdshare-bg-'));
  const image = join(dir, 'bg.png');
  execFileSync('convert', ['-size', `${WIDTH}x${HEIGHT}`, 'plasma:fractal', '-seed', '7', image]);
  // ImageMagick's `display -window root` sets the root background and then exits with status 1.
  await d.exec('display', ['-window', 'root', image]).catch(() => undefined);
  return d;
}

/** A display for the viewer, the same size so the xfreerdp window covers it exactly. */
export function viewerDisplay(): Promise<XvfbDisplay> {
  return startXvfb({ width: WIDTH, height: HEIGHT });
}

/** What {@link sharedSessionFixture} provides to a suite once its `beforeAll` ran. */
export interface SharedSession {
  shared: XvfbDisplay;
  viewer: XvfbDisplay;
  session: RdpSession;
  /** Every line the session logged. */
  lines: LogLine[];
}

/**
 * Registers the suite's `beforeAll`/`afterAll` for the usual end-to-end setup: the detailed {@link sharedDisplay},
 * an open session sharing it on 127.0.0.1 (attendees VIEW unless `options` says otherwise) and a
 * {@link viewerDisplay} for the client. `prepare` runs before `open()`, for settings that must precede it.
 */
export function sharedSessionFixture(
  options: Partial<Omit<RdpSessionOptions, 'display'>> = {},
  prepare?: (session: RdpSession) => void,
): SharedSession {
  const fixture = { lines: [] as LogLine[] } as SharedSession;
  beforeAll(async () => {
    fixture.shared = await sharedDisplay();
    fixture.viewer = await viewerDisplay();
    fixture.session = new RdpSession({
      listenAddress: '127.0.0.1',
      logger: silentLogger(fixture.lines),
      ...options,
      properties: { DefaultAttendeeControlLevel: CTRL_LEVEL.VIEW, ...options.properties },
      display: fixture.shared.display,
    });
    prepare?.(fixture.session);
    await fixture.session.open();
  });
  afterAll(async () => {
    await fixture.session?.close();
    await fixture.viewer?.stop();
    await fixture.shared?.stop();
  });
  return fixture;
}

/**
 * An xterm at (10,10) on `display` whose shell writes what it is typed into a fresh file, echo off: where typed
 * input can be read back. Resolves once the xterm is mapped; `text()` reads what arrived so far.
 */
export async function startTypingTarget(display: XvfbDisplay): Promise<{ text(): string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'rdshare-typed-')), 'typed.txt');
  writeFileSync(file, '');
  display.spawn('xterm', ['-geometry', '40x5+10+10', '-e', 'sh', '-c', `stty -echo; cat > ${file}`]);
  await waitFor(
    async () => (await display.exec('xwininfo', ['-root', '-children'])).includes('xterm'),
    10_000,
    'xterm',
  );
  return { text: () => readFileSync(file, 'utf8') };
}
