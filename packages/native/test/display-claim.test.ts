import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDisplay, createWindowTracker, type DisplayClaim, NativeError } from '../src/index.js';
import { waitForValue } from './wait-for-value.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

let x: XvfbDisplay;

beforeAll(async () => {
  x = await startXvfb({ width: 320, height: 200 });
});

afterAll(async () => {
  await x?.stop();
});

function claimError(run: () => unknown): NativeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NativeError);
    return error as NativeError;
  }
  throw new Error('the claim was not refused');
}

describe('claimDisplay', () => {
  it('lets one claim per display in a process, names the holder to the next, and frees the display on release', () => {
    const first = claimDisplay(x.display, 'Team standup');
    expect(first).toMatchObject({ display: x.display, name: 'Team standup', released: false });
    const refused = claimError(() => claimDisplay(x.display, 'second'));
    expect(refused.code).toBe('DISPLAY_IN_USE');
    expect(refused.message).toContain(`X display ${x.display} is already shared by another rdshare session`);
    expect(refused.message).toContain(`"Team standup", pid ${process.pid}`);
    // The same screen under another spelling of its name is the same claim.
    expect(claimError(() => claimDisplay(`${x.display}.0`)).code).toBe('DISPLAY_IN_USE');

    first.release();
    expect(first.released).toBe(true);
    first.release(); // idempotent
    const second = claimDisplay(x.display, 'second');
    second.release();
  });

  it('is invisible to window tracking', () => {
    const tracker = createWindowTracker(x.display);
    const claim = claimDisplay(x.display);
    try {
      expect(tracker.list()).toEqual([]);
      expect(tracker.popups()).toEqual([]);
    } finally {
      claim.release();
      tracker.close();
    }
  });

  it('holds across processes and is dropped by the X server when the holding process is killed', async () => {
    const script = `
      import { claimDisplay } from './src/index.ts';
      claimDisplay(${JSON.stringify(x.display)}, 'child session');
      console.log('claimed');
      setInterval(() => {}, 1000);
    `;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    let claim: DisplayClaim | undefined;
    try {
      await waitFor(() => out.includes('claimed'), 15_000, `the child's claim (output: ${out})`);
      const refused = claimError(() => claimDisplay(x.display, 'parent'));
      expect(refused.code).toBe('DISPLAY_IN_USE');
      expect(refused.message).toContain(`"child session", pid ${child.pid}`);

      await killAndWait(child, 'SIGKILL'); // no release(): only the X server can free the display now
      const reclaimed = await waitForValue(
        () => {
          try {
            return claimDisplay(x.display, 'parent');
          } catch (error) {
            if ((error as NativeError).code !== 'DISPLAY_IN_USE') throw error;
            return undefined;
          }
        },
        5000,
        'the claim after the holder died',
      );
      claim = reclaimed;
      expect(reclaimed.released).toBe(false);
    } finally {
      claim?.release();
      await killAndWait(child, 'SIGKILL');
    }
  });

  it('releases quietly after its X server died', async () => {
    const doomed = await startXvfb({ width: 64, height: 64 });
    const claim = claimDisplay(doomed.display);
    const exited = new Promise<void>((resolve) => doomed.process.once('exit', () => resolve()));
    doomed.process.kill('SIGKILL');
    await exited;
    expect(() => claim.release()).not.toThrow();
    expect(claim.released).toBe(true);
    rmSync(`/tmp/.X${doomed.number}-lock`, { force: true });
    rmSync(`/tmp/.X11-unix/X${doomed.number}`, { force: true });
  });

  it('explains a display that has no server and rejects a bad name', () => {
    expect(claimError(() => claimDisplay(':4998')).code).toBe('DISPLAY_REFUSED');
    expect(claimError(() => claimDisplay(x.display, 42 as unknown as string)).code).toBe('INVALID_ARGUMENT');
  });
});
