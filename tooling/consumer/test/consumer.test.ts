import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAndWait, startXfreerdp, startXvfb, waitFor, type XfreerdpViewer } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../../..');
const packageNames = ['native', 'protocol', 'rx', 'session', 'viewer'];

let scratch: string;
let packs: string;
let bin: string;
/** The npm-installed scratch project, once its install test passed. */
let npmApp: string | undefined;

/** A user's shell: only sh, node, npm and pnpm on the PATH (no compiler, make or python), no npm_* from our runner. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: bin, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR ?? tmpdir() };
  for (const key of ['COREPACK_INTEGRITY_KEYS', 'COREPACK_ENABLE_DOWNLOAD_PROMPT', 'COREPACK_HOME']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

function run(command: string, args: string[], cwd: string, timeout = 300_000): string {
  return execFileSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout, stdio: 'pipe' });
}

function tarball(name: string): string {
  const file = readdirSync(packs).find((f) => f.startsWith(`rdshare-${name}-`) && f.endsWith('.tgz'));
  if (!file) throw new Error(`no tarball for @rdshare/${name} in ${packs}`);
  return join(packs, file);
}

/** What both checks bind, and from where: a destructured list, or the module namespace under a name. */
const checkImports: [binding: string, specifier: string][] = [
  ['{ allocateFrame, compareTiles, H264Decoder, H264Encoder, matchingPrebuilt }', '@rdshare/native'],
  ['{ RdpConnector }', '@rdshare/protocol'],
  ['{ EventHub }', '@rdshare/rx'],
  ['{ RdpSession }', '@rdshare/session'],
  ['viewer', '@rdshare/viewer'],
  ['viewerNode', '@rdshare/viewer/node'],
];

/** Tile diff and an H.264 round trip through the prebuilt addon, then what the imports resolved to, as JSON. */
const checkBody = `
const a = allocateFrame(128, 128);
const b = allocateFrame(128, 128);
b.data[4 * (64 * 128 + 70)] = 1;
const changed = await compareTiles(a, b);
const encoder = H264Encoder.create({ width: 128, height: 128, frameRate: 30, bitrate: 1e6 });
const unit = new Uint8Array(128 * 128 * 4);
const { byteLength, keyFrame } = await encoder.encode(b, unit);
encoder.close();
const decoder = H264Decoder.create();
const picture = await decoder.decode(unit.subarray(0, byteLength), new Uint8Array(128 * 128 * 4));
decoder.close();
console.log(JSON.stringify({
  prebuilt: matchingPrebuilt() ?? null,
  changed,
  h264: { keyFrame, picture },
  exports: [typeof RdpConnector, typeof EventHub, typeof RdpSession, Object.keys(viewer).length > 0, Object.keys(viewerNode).length > 0],
}));
`;

const esmCheck = `${checkImports
  .map(([binding, from]) => `import ${binding.startsWith('{') ? binding : `* as ${binding}`} from '${from}';`)
  .join('\n')}
${checkBody}`;

// CommonJS has no top-level await: the same body in an async function.
const cjsCheck = `${checkImports.map(([binding, from]) => `const ${binding} = require('${from}');`).join('\n')}
(async () => {
${checkBody}
})();
`;

function project(name: string, manifest: object): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'check.mjs'), esmCheck);
  writeFileSync(join(dir, 'check.cjs'), cjsCheck);
  return dir;
}

/**
 * A scratch project with every packed tarball installed the way users of `manager` install local tarballs: npm
 * takes the files as arguments; pnpm takes `file:` dependencies, overridden so the packages' own dependencies on
 * each other resolve to the tarballs too. Returns the project and the install log.
 */
function installTarballs(manager: 'npm' | 'pnpm'): { dir: string; log: string } {
  const name = `${manager}-app`;
  if (manager === 'npm') {
    const dir = project(name, { name, version: '0.0.0', private: true });
    const args = ['install', '--no-audit', '--no-fund', '--foreground-scripts', ...packageNames.map(tarball)];
    return { dir, log: run('npm', args, dir) };
  }
  const deps = Object.fromEntries(packageNames.map((n) => [`@rdshare/${n}`, `file:${tarball(n)}`]));
  const dir = project(name, { name, version: '0.0.0', private: true, dependencies: deps, pnpm: { overrides: deps } });
  return { dir, log: run('pnpm', ['install', '--config.confirmModulesPurge=false'], dir) };
}

function expectWorkingInstall(dir: string): void {
  // No source build happened: the addon comes from prebuilds/ in the tarball.
  expect(existsSync(join(dir, 'node_modules/@rdshare/native/build'))).toBe(false);
  for (const check of ['check.mjs', 'check.cjs']) {
    const result = JSON.parse(run('node', [check], dir));
    expect(result.prebuilt, check).toMatch(/prebuilds\/linux-x64\/rdshare_native\.napi\.glibc\.node$/);
    // One pixel changed at (70, 64): the second tile of the second row of 64x64 tiles.
    expect(result.changed, check).toEqual([{ x: 64, y: 64, width: 64, height: 64 }]);
    // The prebuilt dlopens the system's OpenH264: a key frame encoded and decoded back.
    expect(result.h264, check).toEqual({ keyFrame: true, picture: { width: 128, height: 128 } });
    expect(result.exports, check).toEqual(['function', 'function', 'function', true, true]);
  }
}

/**
 * Every ```ts block of a README: each is a complete module a user may paste, so each must type-check. Blocks marked
 * ```ts runnable are whole programs besides.
 */
function typeScriptBlocks(readme: string, only: 'all' | 'runnable' = 'all'): string[] {
  const fence = only === 'runnable' ? /^```ts runnable\n([\s\S]*?)^```$/gm : /^```ts(?: runnable)?\n([\s\S]*?)^```$/gm;
  return [...readme.matchAll(fence)].map((m) => m[1] ?? '');
}

/** The first runnable block of an installed package's README, as the JavaScript a user's build makes of it. */
function runnableProgram(dir: string, name: string): string {
  const [code] = typeScriptBlocks(
    readFileSync(join(dir, 'node_modules/@rdshare', name, 'README.md'), 'utf8'),
    'runnable',
  );
  if (!code) throw new Error(`@rdshare/${name}'s README has no ts runnable block`);
  const ts = createRequire(join(repo, 'package.json'))('typescript') as typeof import('typescript');
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 };
  return ts.transpileModule(code, { compilerOptions }).outputText;
}

/** How many pixels of a tightly packed RGBA image have exactly this colour. */
function pixelsOf(rgba: Buffer, [r, g, b]: [number, number, number]): number {
  let count = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] === r && rgba[i + 1] === g && rgba[i + 2] === b) count++;
  }
  return count;
}

/** Type-checks every TypeScript block of the installed packages' READMEs under strict, with one module resolution. */
function typeCheckSnippets(dir: string, resolution: 'NodeNext' | 'Bundler'): number {
  const snippets = join(dir, `snippets-${resolution}`);
  mkdirSync(snippets);
  let count = 0;
  for (const name of packageNames) {
    const blocks = typeScriptBlocks(readFileSync(join(dir, 'node_modules/@rdshare', name, 'README.md'), 'utf8'));
    if (blocks.length === 0) throw new Error(`@rdshare/${name}'s README has no TypeScript example`);
    blocks.forEach((code, i) => {
      writeFileSync(join(snippets, `${name}-${i}.mts`), code);
      count++;
    });
  }
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
    moduleResolution: resolution,
    types: ['node'],
    typeRoots: [join(repo, 'node_modules/@types')],
  };
  writeFileSync(join(snippets, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.mts'] }));
  run('node', [join(repo, 'node_modules/typescript/bin/tsc'), '-p', snippets], dir);
  return count;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rdshare-consumer-'));
  packs = join(scratch, 'packs');
  execFileSync('bash', ['tooling/scripts/pack.sh', packs], { cwd: repo, stdio: 'pipe', timeout: 300_000 });
  bin = join(scratch, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'node', 'npm', 'pnpm']) {
    symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
  }
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed tarballs, installed as a user would', () => {
  it('carry the linux-x64 prebuilt addon and no TypeScript sources', () => {
    const listing = execFileSync('tar', ['tzf', tarball('native')], { encoding: 'utf8' });
    expect(listing).toContain('package/prebuilds/linux-x64/rdshare_native.napi.glibc.node');
    for (const name of packageNames) {
      const files = execFileSync('tar', ['tzf', tarball(name)], { encoding: 'utf8' }).split('\n');
      expect(
        files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
        name,
      ).toEqual([]);
    }
  });

  it('have types that resolve under node10, node16 (CJS and ESM) and bundler (arethetypeswrong)', () => {
    const manifest = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json');
    const attw = join(manifest, '..', 'dist/index.js');
    for (const name of packageNames) {
      // Exits non-zero on any problem (missing types, masquerading CJS/ESM, unresolvable entry) under every
      // resolution; node10 predates exports and reaches @rdshare/viewer/node through typesVersions.
      execFileSync(process.execPath, [attw, tarball(name)], { stdio: 'pipe', timeout: 300_000 });
    }
  }, 1_500_000);

  it('have no compiler, make or python on the PATH of the installs', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'make', 'python3']) {
      expect(() => run('sh', ['-c', `command -v ${tool}`], scratch)).toThrow();
    }
  });

  it('install with npm, run the install script without compiling, and load in ESM and CJS', () => {
    const { dir, log } = installTarballs('npm');
    expect(log).toContain('@rdshare/native: using the prebuilt addon');
    expectWorkingInstall(dir);
    // Every package's README has one at least (typeCheckSnippets throws otherwise).
    expect(typeCheckSnippets(dir, 'NodeNext')).toBeGreaterThanOrEqual(packageNames.length);
    expect(typeCheckSnippets(dir, 'Bundler')).toBeGreaterThanOrEqual(packageNames.length);
    npmApp = dir;
    // An install, four imports and two type checks: minutes when the machine is busy.
  }, 600_000);

  it("run the session README's sharer on an Xvfb display, and xfreerdp joins it", async () => {
    if (!npmApp) throw new Error('the npm install failed, so there is nothing to run');
    const app = npmApp;
    const [width, height] = [640, 480];
    const colour: [number, number, number] = [0x20, 0x60, 0xa0];
    const shared = await startXvfb({ width, height });
    const seen = await startXvfb({ width: 800, height: 600 });
    let sharer: ChildProcess | undefined;
    let viewer: XfreerdpViewer | undefined;
    try {
      await shared.exec('xsetroot', ['-solid', '#2060a0']);
      writeFileSync(join(app, 'sharer.mjs'), runnableProgram(app, 'session'));
      // The user's shell again (no compiler on the PATH), with the display the README tells them to set.
      const child = spawn('node', ['sharer.mjs'], { cwd: app, env: { ...userEnv(), DISPLAY: shared.display } });
      sharer = child;
      let output = '';
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const connectionString = await waitFor(
        () => /<E>.*<\/E>/.exec(output)?.[0] ?? '',
        60_000,
        `the invitation (${output})`,
      );
      // As the README says: the ticket file and /assistance:s3cret (the driver adds /cert:ignore).
      viewer = startXfreerdp({ display: seen, connectionString, password: 's3cret', name: 'reader' });
      // attendeeConnected$ fired: the snippet's handler printed the attendee's name.
      await waitFor(() => output.includes('reader joined'), 60_000, `attendeeConnected$ (${output})`);
      // Its grant (INTERACTIVE) let the picture flow: the shared root's colour fills xfreerdp's window.
      await waitFor(
        async () => {
          await sleep(500);
          return pixelsOf(await seen.screenshot(), colour) >= width * height;
        },
        60_000,
        `the shared desktop in xfreerdp (${viewer.output()})`,
      );
      // Ctrl+C closes the session, and nothing keeps the process alive after close().
      child.kill('SIGINT');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'still running')]);
      expect(code, output).toBe(0);
    } finally {
      await viewer?.stop();
      if (sharer) await killAndWait(sharer, 'SIGKILL');
      await seen.stop();
      await shared.stop();
    }
  }, 300_000);

  it('install with pnpm, whose default skips the build script, and still load the addon', () => {
    expectWorkingInstall(installTarballs('pnpm').dir);
  });
});
