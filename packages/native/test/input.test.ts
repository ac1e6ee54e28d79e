import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, startXvfb, waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Desktop, MouseButton, NativeError, openDisplay } from '../src/index.js';
import { waitForValue } from './wait-for-value.js';

let x: XvfbDisplay;
let desktop: Desktop;
let dir: string;

beforeAll(async () => {
  x = await startXvfb({ width: 800, height: 600, depth: 24 });
  desktop = openDisplay(x.display);
  dir = mkdtempSync(join(tmpdir(), 'rdshare-input-'));
});

afterAll(async () => {
  desktop?.close();
  await x?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens an xterm running `cat > file` at the top left and puts the pointer (hence the focus) in it. */
async function catWindow(file: string, title: string): Promise<ChildProcess> {
  const term = x.spawn('xterm', ['-u8', '-T', title, '-geometry', '60x10+0+0', '-e', 'sh', '-c', `cat > ${file}`], {
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  });
  const window = await waitForValue(
    () => desktop.windows.list().find((w) => w.title === title && w.mapped),
    10_000,
    'the xterm window',
  );
  desktop.input.mouseMove(window.rect.x + 20, window.rect.y + 20);
  await sleep(300); // let the shell start cat
  return term;
}

function tap(scancode: number, extended = false) {
  desktop.input.keyScancode(scancode, true, extended);
  desktop.input.keyScancode(scancode, false, extended);
}

function type(text: string) {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    desktop.input.keyUnicode(cp, true);
    desktop.input.keyUnicode(cp, false);
  }
}

describe('InputSink (X11, XTest)', () => {
  it('types scancodes and Unicode characters, including ones the layout lacks, into a real window', async () => {
    const file = join(dir, 'typed.txt');
    const term = await catWindow(file, 'typing target');
    tap(0x23); // h
    tap(0x17); // i
    desktop.input.keyScancode(0x2a, true); // left shift held
    tap(0x1e); // A
    desktop.input.keyScancode(0x2a, false);
    tap(0x35, true); // keypad divide (E0 35)
    tap(0x1c); // Enter
    type('Zé€ß→\n');
    await waitFor(() => readFileSync(file, 'utf8').split('\n').length > 2, 10_000, 'two typed lines');
    expect(readFileSync(file, 'utf8')).toBe('hiA/\nZé€ß→\n');
    await killAndWait(term);
  });

  it('lands pointer buttons, extra buttons and wheel turns at the position sent', async () => {
    const xev = spawn('stdbuf', ['-oL', 'xev', '-geometry', '200x150+300+200', '-event', 'button'], {
      env: { ...process.env, DISPLAY: x.display },
    });
    let out = '';
    xev.stdout.on('data', (d) => {
      out += d;
    });
    const outer = await waitForValue(() => /Outer window is (0x[0-9a-f]+)/.exec(out)?.[1], 10_000, 'xev to start');
    const listed = await waitForValue(
      () => desktop.windows.list().find((w) => w.id === Number(outer) && w.mapped),
      10_000,
      'xev in the window list',
    );
    // xev draws a 2-pixel border; the rectangle is the client area inside it.
    expect(listed.rect).toEqual({ x: 302, y: 202, width: 200, height: 150 });
    await sleep(200);
    const click = (px: number, py: number, button: MouseButton) => {
      desktop.input.mouseMove(px, py);
      desktop.input.mouseButton(button, true);
      desktop.input.mouseButton(button, false);
    };
    click(350, 240, MouseButton.Left);
    click(361, 251, MouseButton.Right);
    click(372, 262, MouseButton.Back);
    click(383, 273, MouseButton.Forward);
    desktop.input.wheel(2);
    desktop.input.wheel(-1, true);
    await waitFor(() => (out.match(/ButtonRelease/g) ?? []).length >= 7, 10_000, 'xev output');
    const presses = [...out.matchAll(/ButtonPress event[\s\S]*?root:\((\d+),(\d+)\)[\s\S]*?button (\d+)/g)].map(
      (m) => `${m[1]},${m[2]}:${m[3]}`,
    );
    expect(presses).toEqual([
      '350,240:1',
      '361,251:3',
      '372,262:8',
      '383,273:9',
      '383,273:4',
      '383,273:4',
      '383,273:6',
    ]);
    expect(await desktop.cursor.position()).toEqual({ x: 383, y: 273 });
    await killAndWait(xev);
  });

  it('sets Caps, Num and Scroll Lock absolutely', async () => {
    const indicators = async () => {
      const q = await x.exec('xset', ['q']);
      return ['Caps', 'Num', 'Scroll'].map((k) => new RegExp(`${k} Lock:\\s+(on|off)`).exec(q)?.[1]);
    };
    desktop.input.syncLocks({ caps: true, num: false, scroll: true });
    await waitFor(async () => (await indicators()).join() === 'on,off,on', 5000, 'locks on,off,on');
    await waitFor(() => desktop.input.locks().caps && desktop.input.locks().scroll, 5000, 'reported locks');
    desktop.input.syncLocks({ caps: false, num: true, scroll: false });
    await waitFor(async () => (await indicators()).join() === 'off,on,off', 5000, 'locks off,on,off');
    expect(desktop.input.locks()).toEqual({ caps: false, num: true, scroll: false });
    desktop.input.syncLocks({ caps: false, num: false, scroll: false });
  });

  it('rejects bad input with typed errors and stays usable', async () => {
    for (const [code, extended] of [
      [0x00, false],
      [0x60, false],
      [0x10, true],
      [0x80, false],
      [-1, false],
      [1.5, false],
    ] as const) {
      let error: unknown;
      try {
        desktop.input.keyScancode(code, true, extended);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NativeError);
      expect(error).toMatchObject({ code: 'INVALID_SCANCODE' });
    }
    expect(() => desktop.input.keyUnicode(0xd800, true)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => desktop.input.keyUnicode(0x110000, true)).toThrow(NativeError);
    expect(() => desktop.input.mouseButton(7 as MouseButton, true)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => desktop.input.wheel(0.5)).toThrow(NativeError);
    desktop.input.mouseMove(10, 11);
    // Input is flushed, not synchronised: the query travels on another connection and may overtake it.
    await waitFor(
      async () => {
        const p = await desktop.cursor.position();
        return p.x === 10 && p.y === 11;
      },
      5000,
      'pointer at 10,11',
    );
  });

  it('throws CLOSED once closed', () => {
    const other = openDisplay(x.display);
    other.close();
    expect(() => other.input.keyScancode(0x1e, true)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => other.input.mouseMove(1, 1)).toThrow(NativeError);
  });
});
