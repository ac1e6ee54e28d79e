// The package's install script: keeps the prebuilt addon when one matches this machine and compiles from source
// only where none does, so most installs need neither node-gyp nor a C++ toolchain.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const packageDir = join(__dirname, '..');
// Only tarballs carry prebuilds/ (prepack writes it, postpack removes it): a checkout always compiles, even with a
// dist/ from an older build.
const prebuilt = existsSync(join(packageDir, 'prebuilds'))
  ? require(join(packageDir, 'dist/index.cjs')).matchingPrebuilt()
  : undefined;
if (prebuilt) {
  console.log(`@rdshare/native: using the prebuilt addon ${prebuilt}`);
  process.exit(0);
}
console.log(`@rdshare/native: no prebuilt addon for ${process.platform}-${process.arch}, compiling it with node-gyp`);
// npm and pnpm put their bundled node-gyp on the PATH of install scripts.
const build = spawnSync('node-gyp', ['rebuild'], { cwd: packageDir, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(
    '@rdshare/native: the source build failed. It needs python3, make, a C++17 compiler and the X and OpenH264 development headers (apt-get install libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev libxi-dev libxres-dev libopenh264-dev).',
  );
  process.exit(build.status ?? 1);
}
