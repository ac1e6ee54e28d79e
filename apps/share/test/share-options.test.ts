import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { parseRect, parseShareFlags, parseSize } from '../src/share-options.js';
import { xfreerdp3Command, xfreerdpCommand } from '../src/xfreerdp-command.js';

const noDisplay = {};

describe('rdshare share flags', () => {
  it('defaults to an embedded 1280x800 desktop without DISPLAY, and to DISPLAY when set', () => {
    expect(parseShareFlags({}, noDisplay).source).toEqual({ virtual: { width: 1280, height: 800 } });
    expect(parseShareFlags({}, { DISPLAY: ':3' }).source).toEqual({ display: ':3' });
    const o = parseShareFlags({}, noDisplay);
    expect([o.port, o.listen, o.limit, o.control, o.json]).toEqual([0, '127.0.0.1', 5, 'ask', false]);
  });

  it('parses sizes, rectangles and numbers', () => {
    expect(parseSize('640x480')).toEqual({ width: 640, height: 480 });
    expect(parseRect('10,20,300,200')).toEqual({ x: 10, y: 20, width: 300, height: 200 });
    const o = parseShareFlags({ port: '3389', limit: '2', web: '8080', seconds: '9', control: 'view' }, noDisplay);
    expect([o.port, o.limit, o.web, o.seconds, o.control]).toEqual([3389, 2, 8080, 9, 'view']);
    expect(parseShareFlags({ web: '0' }, noDisplay).web).toBe(0);
  });

  it.each([
    [{ display: ':1', virtual: '640x480' }, /exclude each other/],
    [{ display: 'host:0' }, /local X display/],
    [{ virtual: '640' }, /WIDTHxHEIGHT/],
    [{ virtual: '100x100' }, /from 200 to 8192/],
    [{ rect: '1,2,3' }, /four numbers/],
    [{ rect: '0,0,0,10' }, /width must be from 1/],
    [{ port: '70000' }, /--port must be from 0 to 65535/],
    [{ port: 'abc' }, /--port must be a whole number/],
    [{ limit: '0' }, /--limit must be from 1/],
    [{ web: '65536' }, /--web must be from 0 to 65535/],
    [{ control: 'full' }, /--control must be ask, view or interactive/],
    [{ password: '' }, /--password is empty/],
    [{ seconds: '-1' }, /--seconds must be a whole number/],
  ])('refuses %o with a fix', (flags, message) => {
    let error: unknown;
    try {
      parseShareFlags(flags, noDisplay);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(message);
    expect((error as CliError).fix.length).toBeGreaterThan(10);
  });
});

describe('xfreerdpCommand', () => {
  it('never waits for a prompt: ignores the self-signed certificate and reads no terminal', () => {
    expect(xfreerdpCommand('/tmp/t.msrcIncident', 'pw')).toBe(
      'xfreerdp /tmp/t.msrcIncident /assistance:pw /u:"$USER" /cert:ignore /gfx /bpp:32 </dev/null',
    );
  });

  it('quotes what the shell would split or expand', () => {
    expect(xfreerdpCommand("/tmp/my ticket's.msrcIncident", 'a$b', 'Ann Lee')).toBe(
      `xfreerdp '/tmp/my ticket'\\''s.msrcIncident' '/assistance:a$b' /u:'Ann Lee' /cert:ignore /gfx /bpp:32 </dev/null`,
    );
  });
});

describe('xfreerdp3Command', () => {
  it('gives FreeRDP 3 an empty domain and password, so it never asks for them on its terminal', () => {
    expect(xfreerdp3Command("/tmp/my ticket's.msrcIncident", 'a$b')).toBe(
      `xfreerdp3 '/tmp/my ticket'\\''s.msrcIncident' '/assistance:a$b' /u:"$USER" /d: /p: /cert:ignore </dev/null`,
    );
  });
});
