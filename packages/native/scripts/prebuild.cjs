// prepack: puts the addon built for this machine where the loader looks first (the prebuildify layout), so the
// tarball carries a binary for it; postpack (--clean) removes it so a later source build in the checkout is
// never shadowed by a stale prebuilt.
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { dirname, join } = require('node:path');

const packageDir = join(__dirname, '..');
if (process.argv[2] === '--clean') {
  rmSync(join(packageDir, 'prebuilds'), { recursive: true, force: true });
  process.exit(0);
}
const { prebuiltPath } = require(join(packageDir, 'dist/index.cjs'));
const build = spawnSync('node-gyp', ['build'], { cwd: packageDir, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const target = join(packageDir, prebuiltPath());
mkdirSync(dirname(target), { recursive: true });
copyFileSync(join(packageDir, 'build/Release/rdshare_native.node'), target);
console.log(`@rdshare/native: packed prebuilt ${prebuiltPath()}`);
