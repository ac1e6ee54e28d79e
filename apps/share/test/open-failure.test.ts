import { RdshareError, type SessionErrorCode } from '@rdshare/session';
import { describe, expect, it } from 'vitest';
import { explainOpenFailure } from '../src/open-failure.js';

const target = { listen: '127.0.0.1', port: 3390 };
const failure = (code: SessionErrorCode, message: string, cause?: object) =>
  explainOpenFailure(new RdshareError(code, message, { cause }), target, ':7');
const listenFailure = (errno: string) =>
  failure('LISTEN_FAILED', `cannot listen on 127.0.0.1:3390: listen ${errno}`, { code: errno });

describe('what session.open() threw, told with its own fix', () => {
  it('sends only real listen failures to --listen or --port, each with the fix for its errno', () => {
    expect(listenFailure('EADDRINUSE')).toMatchObject({
      message: 'cannot listen on 127.0.0.1 port 3390: the port is taken',
      fix: expect.stringMatching(/^choose another with --port N/),
    });
    expect(listenFailure('EACCES')).toMatchObject({
      message: 'cannot listen on 127.0.0.1 port 3390: not allowed',
      fix: expect.stringMatching(/below 1024 need privileges: choose --port 1024 or above/),
    });
    expect(listenFailure('EADDRNOTAVAIL')).toMatchObject({
      message: 'cannot listen on 127.0.0.1 port 3390: 127.0.0.1 is not an address of this machine',
      fix: expect.stringMatching(/^check --listen: 127\.0\.0\.1 \(this machine only\), 0\.0\.0\.0/),
    });
    expect(listenFailure('ENOTFOUND').message).toMatch(/the name 127\.0\.0\.1 does not resolve/);
  });

  it.each([
    [
      'TLS_IDENTITY_FAILED',
      "cannot generate the session's key and self-signed certificate: bad serial",
      /run it again/,
    ],
    ['DISPLAY_UNAVAILABLE', 'cannot open display :7: no DAMAGE', /start that X server .* --virtual WxH/],
    ['DISPLAY_IN_USE', 'X display :7 is already shared by another rdshare session (pid 9)', /stop the other rdshare/],
    ['NATIVE_UNAVAILABLE', 'the addon needs libXdamage.so\nTried, in order:\n- a', /install or rebuild what/],
    ['INTERNAL_ERROR', 'open() failed unexpectedly: x is not a function', /a bug in rdshare.*report it/],
  ] as const)('%s: its own message and fix, and no word of --listen or --port', (code, message, fix) => {
    const error = failure(code, message);
    expect(error.message).toContain(message.split('\n')[0]);
    expect(error.message).not.toContain('\n');
    expect(error.fix).toMatch(fix);
    expect(`${error.message} ${error.fix}`).not.toMatch(/--listen|--port|listen on/);
  });

  it('a display that runs but lacks an extension is not told to start an X server', () => {
    const missing = failure('DISPLAY_UNAVAILABLE', 'cannot open display :7: X display :7 does not offer DAMAGE', {
      code: 'MISSING_EXTENSION',
      message: 'X display :7 does not offer DAMAGE',
    });
    expect(missing.message).toBe('cannot share display :7: X display :7 does not offer DAMAGE');
    expect(missing.fix).toMatch(/^share an X server that has it .*-extension NAME.*--virtual WxH/);
    const refused = failure('DISPLAY_UNAVAILABLE', 'cannot open display :7: refused', { code: 'DISPLAY_REFUSED' });
    expect(refused.fix).toMatch(/^start that X server/);
  });

  it('a failure that is not a user mistake exits 1, not 2; anything but an RdshareError counts as one', () => {
    expect(failure('INTERNAL_ERROR', 'boom').exitCode).toBe(1);
    expect(explainOpenFailure(new TypeError('x is undefined'), target, ':7')).toMatchObject({
      message: 'could not start sharing: x is undefined',
      exitCode: 1,
    });
    expect(listenFailure('EADDRINUSE').exitCode).toBe(2);
  });
});
