import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorInfo } from '@rdshare/protocol';
import { startXfreerdp, startXvfb, waitFor } from '@rdshare/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, RdpSession, type RdshareError } from '../../src/index.js';
import { RdpTestClient } from '../support/rdp-test-client.js';
import { silentLogger } from './logger.js';

type Line = { level: string; message: string; fields?: Record<string, unknown> };

const CHILD = fileURLToPath(new URL('../support/open-session-child.ts', import.meta.url));

describe('display faults', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('reports a display that cannot be opened as DISPLAY_UNAVAILABLE with the reason', async () => {
    const session = new RdpSession({ display: ':987', listenAddress: '127.0.0.1', logger: silentLogger() });
    const error = (await session.open().catch((e) => e)) as RdshareError;
    expect(error.code).toBe('DISPLAY_UNAVAILABLE');
    expect(error.message).toMatch(/cannot open display :987: .+/);
  });

  it('reports a display without an extension it needs as DISPLAY_UNAVAILABLE naming it, the addon error as cause', async () => {
    const display = await startXvfb({ width: 320, height: 240, withoutExtensions: ['DAMAGE'] });
    cleanup.push(() => display.stop());
    const session = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    const error = (await session.open().catch((e) => e)) as RdshareError;
    expect(error.code).toBe('DISPLAY_UNAVAILABLE');
    expect(error.message).toBe(
      `cannot open display ${display.display}: X display ${display.display} does not offer DAMAGE`,
    );
    expect(error.cause).toMatchObject({ name: 'NativeError', code: 'MISSING_EXTENSION' });
  });

  it('refuses a second session on the same display from another process', async () => {
    const display = await startXvfb({ width: 320, height: 240 });
    cleanup.push(() => display.stop());
    const session = new RdpSession({ display: display.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    await session.open();
    cleanup.push(() => session.close());
    const run = () =>
      promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, display.display], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      });
    expect((await run()).stdout.trim()).toBe('DISPLAY_IN_USE');
    await session.close();
    expect((await run()).stdout.trim()).toBe('open');
  });

  it('notices at once when the X server dies: error$, attendees told and disconnected, newcomers refused, one log line', async () => {
    const shared = await startXvfb({ width: 320, height: 240 });
    const viewerDisplay = await startXvfb({ width: 320, height: 240 });
    cleanup.push(
      () => viewerDisplay.stop(),
      () => shared.stop(),
    );
    const lines: Line[] = [];
    const session = new RdpSession({
      display: shared.display,
      listenAddress: '127.0.0.1',
      logger: silentLogger(lines),
    });
    session.events.attendeeConnected$.subscribe(({ attendee }) => {
      attendee.controlLevel = CTRL_LEVEL.VIEW;
    });
    await session.open();
    cleanup.push(() => session.close());
    const inv = session.invitations.createInvitation({ groupName: 'g', password: 'pw', attendeeLimit: 2 });
    const viewer = startXfreerdp({ display: viewerDisplay, connectionString: inv.connectionString, password: 'pw' });
    cleanup.push(() => viewer.stop());
    await waitFor(() => session.attendees.count === 1, 20_000, 'the viewer to join');

    const errors: RdshareError[] = [];
    session.events.error$.subscribe(({ error }) => errors.push(error as RdshareError));
    let left = 0;
    session.events.attendeeDisconnected$.subscribe(() => left++);
    const killedAt = Date.now();
    await shared.stop();
    await waitFor(() => errors.length > 0 && session.attendees.count === 0, 5000, 'the loss to be noticed');
    expect(Date.now() - killedAt).toBeLessThan(3000);
    expect(errors.map((e) => e.code)).toEqual(['DISPLAY_LOST']);
    expect(left).toBe(1);
    const exit = await Promise.race([viewer.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(exit).not.toBe('still running');

    const late = await RdpTestClient.connect({ port: session.port, authString: inv.authString, password: 'pw' });
    expect(late.outcome).toEqual({ kind: 'refused', errorInfo: ErrorInfo.SERVER_DWM_CRASH });
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'error')[0].message).toMatch(/display was lost/);
    await session.close();
  });
});
