import { readdirSync, rmSync } from 'node:fs';
import { startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Desktop, NativeError, openDisplay } from '../src/index.js';

// Xlib's default reaction to a broken connection is exit(1): had the addon kept it, killing the server
// would end this test process (the vitest worker) instead of failing an assertion.

let x: XvfbDisplay | undefined;
let desktop: Desktop | undefined;

afterEach(async () => {
  desktop?.close();
  desktop = undefined;
  await x?.stop();
  x = undefined;
});

/** SIGKILLs the server (no goodbye on the socket) and removes the lock files it cannot remove itself. */
async function killServer(server: XvfbDisplay): Promise<void> {
  const exited = new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
  server.process.kill('SIGKILL');
  await exited;
  rmSync(`/tmp/.X${server.number}-lock`, { force: true });
  rmSync(`/tmp/.X11-unix/X${server.number}`, { force: true });
}

function lostError(display: string) {
  return expect.objectContaining({
    name: 'NativeError',
    code: 'DISPLAY_LOST',
    message: expect.stringContaining(`display ${display} is gone`),
  });
}

describe('a display whose X server dies', () => {
  it('reports the loss once within a second, and every call then throws DISPLAY_LOST', async () => {
    x = await startXvfb({ width: 320, height: 200 });
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const d = openDisplay(x.display);
    desktop = d;
    const losses: { error: NativeError; at: number }[] = [];
    d.onLost((error) => losses.push({ error, at: Date.now() }));
    const sourceLosses: NativeError[] = [];
    d.source.onLost((error) => sourceLosses.push(error));
    const frame = d.source.allocateFrame();
    await d.source.capture({ x: 0, y: 0, width: 320, height: 200 }, frame);

    const killedAt = Date.now();
    await killServer(x);
    await waitFor(() => losses.length > 0, 1000, 'onLost within 1 s');
    expect(losses[0].at - killedAt).toBeLessThan(1000);
    expect(losses[0].error).toBeInstanceOf(NativeError);
    expect(losses[0].error).toEqual(lostError(x.display));
    expect(sourceLosses).toHaveLength(1);
    // The three dead connections were closed, not leaked.
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);

    const display = x.display;
    expect(() => d.source.width).toThrow(lostError(display));
    expect(() => d.source.allocateFrame()).toThrow(lostError(display));
    await expect(d.source.capture({ x: 0, y: 0, width: 10, height: 10 }, frame)).rejects.toEqual(lostError(display));
    expect(() => d.cursor.current()).toThrow(lostError(display));
    await expect(d.cursor.position()).rejects.toEqual(lostError(display));
    expect(() => d.input.mouseMove(1, 1)).toThrow(lostError(display));
    expect(() => d.input.keyUnicode(0x41, true)).toThrow(lostError(display));
    expect(() => d.windows.list()).toThrow(lostError(display));
    expect(() => d.source.onDamage(() => undefined)).toThrow(lostError(display));
    expect(() => d.onLost(() => undefined)).toThrow(lostError(display));

    await new Promise((r) => setTimeout(r, 200));
    expect(losses).toHaveLength(1);
    d.close(); // still closes quietly
    expect(() => d.source.width).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('rejects a capture that is in flight when the server dies', async () => {
    x = await startXvfb({ width: 640, height: 480 });
    const d = openDisplay(x.display);
    desktop = d;
    const losses: NativeError[] = [];
    d.windows.onLost((error) => losses.push(error));
    // A stopped server holds the request unanswered, so the capture is certainly waiting when it dies.
    x.process.kill('SIGSTOP');
    const capture = d.source.capture({ x: 0, y: 0, width: 640, height: 480 }, d.source.allocateFrame());
    const settled = capture.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await new Promise((r) => setTimeout(r, 100));
    await killServer(x);
    expect(await settled).toEqual(lostError(x.display));
    await waitFor(() => losses.length > 0, 1000, 'onLost within 1 s');
    expect(losses).toHaveLength(1);
    expect(losses[0]).toEqual(lostError(x.display));
  });
});
