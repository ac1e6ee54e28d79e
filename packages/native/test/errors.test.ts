import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startXvfb } from '@rdshare/testkit';
import { describe, expect, it } from 'vitest';
import {
  createDesktopSource,
  explainLoadAttempts,
  explainLoadFailure,
  NativeError,
  openDisplay,
  prebuiltPath,
} from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('opening a display', () => {
  it('explains an unreachable display and a missing DISPLAY', () => {
    let error: unknown;
    try {
      openDisplay(':4999');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeError);
    expect(error).toMatchObject({ code: 'DISPLAY_REFUSED', message: expect.stringContaining('Xvfb :4999') });

    const saved = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      expect(() => createDesktopSource()).toThrow(expect.objectContaining({ code: 'NO_DISPLAY' }));
    } finally {
      if (saved !== undefined) process.env.DISPLAY = saved;
    }
  });

  it('lets the process exit on its own after close; shared memory stays attached only while a frame holds it', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    try {
      const script = `
        import { openDisplay } from './src/index.ts';
        import { readFileSync } from 'node:fs';
        const segments = () => readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.includes('SYSV')).length;
        const d = openDisplay(${JSON.stringify(x.display)});
        d.source.onDamage(() => {});
        d.cursor.onMove(() => {});
        d.windows.onChange(() => {});
        let frame = d.source.allocateFrame();
        await d.source.capture({ x: 0, y: 0, width: 320, height: 200 }, frame);
        const attached = segments();
        d.close();
        const afterClose = segments();
        frame.data.fill(7);
        frame = undefined;
        let collected = afterClose;
        for (let i = 0; i < 50 && collected > 0; i++) {
          globalThis.gc();
          await new Promise((r) => setTimeout(r, 10));
          collected = segments();
        }
        console.log(JSON.stringify({ attached, afterClose, collected }));
      `;
      const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: packageDir,
        timeout: 15_000,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      // The capture's bounce segment and the frame's own; close lets go of the first, the frame's garbage collection
      // of the second (its memory stays valid to use until then).
      expect(JSON.parse(run.stdout.trim())).toEqual({ attached: 2, afterClose: 1, collected: 0 });
    } finally {
      await x.stop();
    }
  });
});

describe('explainLoadFailure', () => {
  it('names the missing system library and the package to install', () => {
    const e = explainLoadFailure(
      new Error('libXdamage.so.1: cannot open shared object file: No such file or directory'),
      'linux',
    );
    expect(e.code).toBe('MISSING_LIBRARY');
    expect(e.message).toContain('apt-get install libxdamage1');
  });

  it('tells to rebuild on an ABI mismatch or a missing build', () => {
    const abi = explainLoadFailure(
      new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'),
      'linux',
    );
    expect(abi.code).toBe('ABI_MISMATCH');
    expect(abi.message).toContain('node-gyp rebuild');
    const missing = explainLoadFailure(
      Object.assign(new Error("Cannot find module '../build/Release/x.node'"), { code: 'MODULE_NOT_FOUND' }),
      'linux',
    );
    expect(missing.code).toBe('ADDON_NOT_BUILT');
    expect(missing.message).toContain('node-gyp rebuild');
    expect(missing.message).toContain('pnpm approve-builds');
  });

  it('reports every attempt, headed by a binary that exists but does not load', () => {
    const notFound = (path: string) =>
      Object.assign(new Error(`Cannot find module '${path}'`), { code: 'MODULE_NOT_FOUND' });
    const e = explainLoadAttempts(
      [
        {
          path: 'prebuilds/linux-x64/rdshare_native.napi.glibc.node',
          error: new Error('libXRes.so.1: cannot open shared object file: No such file or directory'),
        },
        { path: 'build/Release/rdshare_native.node', error: notFound('build/Release/rdshare_native.node') },
        { path: 'build/Debug/rdshare_native.node', error: notFound('build/Debug/rdshare_native.node') },
      ],
      'linux',
    );
    expect(e.code).toBe('MISSING_LIBRARY');
    expect(e.message).toContain('apt-get install libxres1');
    expect(e.message).toContain('Tried, in order:');
    expect(e.message).toContain('- prebuilds/linux-x64/rdshare_native.napi.glibc.node: the rdshare native addon needs');
    expect(e.message).toContain('- build/Release/rdshare_native.node: not present');
  });

  it('says the build was skipped when no binary exists anywhere', () => {
    const e = explainLoadAttempts(
      [prebuiltPath('linux', 'arm64'), 'build/Release/rdshare_native.node'].map((path) => ({
        path,
        error: Object.assign(new Error(`Cannot find module '${path}'`), { code: 'MODULE_NOT_FOUND' }),
      })),
      'linux',
    );
    expect(e.code).toBe('ADDON_NOT_BUILT');
    expect(e.message).toContain('pnpm approve-builds');
    expect(e.message).toContain('npm rebuild @rdshare/native');
    expect(e.message).toMatch(/- prebuilds\/linux-arm64\/rdshare_native\.napi\.(glibc|musl)\.node: not present/);
  });

  it('refuses platforms without X11', () => {
    expect(explainLoadFailure(new Error('x'), 'win32').code).toBe('UNSUPPORTED_PLATFORM');
  });
});
