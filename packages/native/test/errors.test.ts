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

  it('lets the process exit on its own after close, with no shared memory left attached', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    try {
      const script = `
        import { openDisplay } from './src/index.ts';
        import { readFileSync } from 'node:fs';
        const d = openDisplay(${JSON.stringify(x.display)});
        d.source.onDamage(() => {});
        d.cursor.onMove(() => {});
        d.windows.onChange(() => {});
        await d.source.capture({ x: 0, y: 0, width: 320, height: 200 }, d.source.allocateFrame());
        const attached = readFileSync('/proc/self/maps', 'utf8').includes('SYSV');
        d.close();
        const left = readFileSync('/proc/self/maps', 'utf8').includes('SYSV');
        console.log(JSON.stringify({ attached, left }));
      `;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: packageDir,
        timeout: 15_000,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout.trim())).toEqual({ attached: true, left: false });
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
