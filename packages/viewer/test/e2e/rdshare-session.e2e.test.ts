import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CTRL_LEVEL, RdpSession } from '@rdshare/session';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyboardCodeType, RdpViewer, ViewerError } from '../../src/index.js';
import { nodeCryptoProvider, tcpTransport } from '../../src/node/index.js';
import { expectFrameBufferEqualsScreen, plasmaDisplay } from './shared-desktop.js';

const crypto = nodeCryptoProvider();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** Set-1 scancodes of "hi" and Enter. */
const SCANCODES = { h: 0x23, i: 0x17, enter: 0x1c } as const;

describe('RdpViewer against our sharer (RdpSession on Xvfb, real TCP and TLS)', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;

  beforeAll(async () => {
    shared = await plasmaDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silent });
    session.properties.DefaultAttendeeControlLevel = CTRL_LEVEL.VIEW;
    await session.open();
  });

  afterAll(async () => {
    await session?.close();
    await shared?.stop();
  });

  it.each([
    ['TLS', 32, { tls: true, rdp: true }],
    ['Standard RDP Security', 32, { tls: false, rdp: true }],
    ['Standard RDP Security', 24, { tls: false, rdp: true }],
    ['TLS', 16, { tls: true, rdp: true }],
    ['Standard RDP Security', 15, { tls: false, rdp: true }],
  ] as const)('%s at %i bpp: the frame buffer equals the shared display', async (_, depth, security) => {
    session.colorDepth = depth;
    const invitation = session.invitations.createInvitation({
      groupName: `g-${_}-${depth}`,
      password: 'pw-1',
      attendeeLimit: 1,
    });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport(), security });
    const authenticated = firstValueFrom(viewer.events.connectionAuthenticated$);
    await viewer.connect(invitation.connectionString, `viewer-${depth}`, 'pw-1');
    await authenticated;
    expect(viewer.desktop).toEqual({ width: shared.width, height: shared.height, colorDepth: depth });
    await expectFrameBufferEqualsScreen(viewer, shared, depth);
    const terminated = firstValueFrom(viewer.events.connectionTerminated$);
    viewer.disconnect();
    expect((await terminated).reason).toBe(1);
    await waitFor(() => session.attendees.count === 0, 5000, 'the attendee to leave');
  });

  it('refuses a wrong password and a ticket for another sharer key with typed errors and events', async () => {
    session.colorDepth = 32;
    const invitation = session.invitations.createInvitation({
      groupName: 'g-bad',
      password: 'right',
      attendeeLimit: 2,
    });
    const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
    const failed = firstValueFrom(viewer.events.connectionFailed$);
    const refused = await viewer.connect(invitation.connectionString, 'mallory', 'wrong').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ViewerError);
    expect((refused as ViewerError).code).toBe('REFUSED');
    expect((await failed).error).toBe(refused);
    const forged = invitation.connectionString.replace(
      /KH2="[^"]*"/,
      'KH2="sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="',
    );
    const mismatch = await viewer.connect(forged, 'mallory', 'right').catch((e: unknown) => e);
    expect((mismatch as ViewerError).code).toBe('KEY_MISMATCH');
  });

  it('types into an application once the sharer grants INTERACTIVE', async () => {
    session.colorDepth = 32;
    const out = join(tmpdir(), `rdshare-typed-${process.pid}.txt`);
    const xterm = shared.spawn('xterm', ['-geometry', '40x5+0+0', '-e', `sh -c 'read line; echo "$line" > ${out}'`]);
    try {
      await waitFor(
        async () => (await shared.exec('xdotool', ['search', '--onlyvisible', '--class', 'xterm'])).trim() !== '',
        10_000,
        'xterm',
      );
      session.events.attendeeConnected$.subscribe(({ attendee }) => {
        attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
      });
      const invitation = session.invitations.createInvitation({
        groupName: 'g-typing',
        password: 'pw',
        attendeeLimit: 1,
      });
      const viewer = new RdpViewer({ crypto, transport: tcpTransport() });
      await viewer.connect(invitation.connectionString, 'typist', 'pw');
      // Point at the xterm: without a window manager the keyboard focus follows the pointer.
      viewer.sendMouseMove(40, 30);
      await new Promise((r) => setTimeout(r, 300));
      for (const code of [SCANCODES.h, SCANCODES.i, SCANCODES.enter]) {
        viewer.sendKeyboard(KeyboardCodeType.SCANCODE, code, false);
        viewer.sendKeyboard(KeyboardCodeType.SCANCODE, code, true);
      }
      const typed = await waitFor(
        () => {
          try {
            return readFileSync(out, 'utf8');
          } catch {
            return undefined;
          }
        },
        10_000,
        'the typed line to reach the xterm',
      );
      expect(typed?.trim()).toBe('hi');
      viewer.disconnect();
    } finally {
      xterm.kill();
    }
  });
});
