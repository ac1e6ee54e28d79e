import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FastPathUpdateCode } from '@rdshare/protocol';
import { buildXClient, startXfreerdp, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_LEVEL, RdpSession } from '../../src/index.js';
import { RdpTestClient } from '../support/rdp-test-client.js';
import { sharedDisplay, viewerDisplay } from './fixtures.js';
import { silentLogger } from './logger.js';

const CHURN_PER_SECOND = 100;
const STOPPED_MS = 12_000;
const MIB = 1024 * 1024;

// Garbage (every live viewer's encoded shapes) must not count as queued memory: collect before measuring.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const isPointer = (code: number) =>
  code === FastPathUpdateCode.LARGE_POINTER ||
  code === FastPathUpdateCode.POINTER ||
  code === FastPathUpdateCode.CACHED ||
  code === FastPathUpdateCode.PTR_POSITION ||
  code === FastPathUpdateCode.COLOR;

describe('pointer updates follow backpressure', () => {
  let shared: XvfbDisplay;
  let viewer: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await sharedDisplay();
    viewer = await viewerDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    session.events.attendeeConnected$.subscribe(({ attendee }) => {
      attendee.controlLevel = CTRL_LEVEL.VIEW;
    });
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await viewer?.stop();
    await shared?.stop();
  });

  it(`queues nothing for a stopped viewer under ${CHURN_PER_SECOND} cursor changes a second, while another keeps getting them`, async () => {
    const inv = session.invitations.createInvitation({ groupName: 'g', password: 'pw', attendeeLimit: 2 });
    const stopped = startXfreerdp({ display: viewer, connectionString: inv.connectionString, password: 'pw' });
    const { client: live } = await RdpTestClient.connect({
      port: session.port,
      authString: inv.authString,
      password: 'pw',
    });
    const churn = shared.spawn(await buildXClient('cursor-churn'), [String(CHURN_PER_SECOND)]);
    try {
      await waitFor(() => session.attendees.count === 2, 20_000, 'both viewers to join');
      await new Promise((r) => setTimeout(r, 1000));
      stopped.process.kill('SIGSTOP');
      // Let the kernel's socket buffers fill before measuring.
      await new Promise((r) => setTimeout(r, 2000));
      live.updates.length = 0;
      gc();
      const before = process.memoryUsage();
      // The scripted viewer lives in this process: count its updates and let them go, so they do not count.
      let liveGot = 0;
      const counting = setInterval(() => {
        liveGot += live.updates.filter((u) => isPointer(u.code)).length;
        live.updates.length = 0;
      }, 100);
      await new Promise((r) => setTimeout(r, STOPPED_MS));
      clearInterval(counting);
      live.updates.length = 0;
      gc();
      const after = process.memoryUsage();
      // Unbounded, ~1.7 MB/s of 64x64 shapes would pile up for the stopped viewer: 20 MB in 12 s. Half of that
      // is the bound: the rest of the process (encoders' scratch, sockets, the live viewer) moved it by 6.5 MB
      // once under a loaded CI run, with nothing queued for the stopped viewer.
      expect((after.arrayBuffers - before.arrayBuffers) / MIB).toBeLessThan(10);
      expect((after.rss - before.rss) / MIB).toBeLessThan(40);
      // The live viewer kept receiving pointer updates all along.
      expect(liveGot).toBeGreaterThan((CHURN_PER_SECOND * STOPPED_MS) / 1000 / 4);
      stopped.process.kill('SIGCONT');
      expect(session.attendees.count).toBe(2);
    } finally {
      churn.kill('SIGKILL');
      stopped.process.kill('SIGCONT');
      await stopped.stop();
      live.close();
    }
  });
});
