#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (Node 20, root) to the point where rdshare builds, tests and demos:
# system packages, pnpm through corepack, dependencies, the native addon and every package's build.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(
  # X server, X clients and tools the tests and the demo drive
  xvfb x11-utils x11-xserver-utils x11-apps xdotool xterm imagemagick
  # the font the demo labels its screenshots with
  fonts-dejavu-core
  # drives rdshare share's interactive terminal in its end-to-end test
  tmux
  # a small reparenting EWMH window manager, for the window tracker's tests under a manager
  jwm
  # the real RDP peers: xfreerdp as a viewer of our sharer, freerdp-shadow-cli as a sharer for our viewer
  freerdp2-x11 freerdp2-shadow-x11 winpr-utils
  # an independent RDP client (no WDS support) for the interoperability tests
  rdesktop
  # headers and libraries for @rdshare/native
  libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev libxi-dev libxres-dev pkg-config
  # H.264 in @rdshare/native: OpenH264's headers for the build (the addon dlopens the library, never links it) and
  # the runtime library its H264Encoder / H264Decoder load
  libopenh264-dev libopenh264-7
  # ffmpeg / ffprobe: the independent decoder that proves the native H.264 stream is standard
  ffmpeg
  # the testkit's cursor-churn client makes large ARGB cursors with it
  libxcursor-dev
  # node-gyp's toolchain
  python3 make g++
  # the protocol tests make a throwaway TLS certificate with it
  openssl
  # the web viewer's end-to-end test runs the page in headless Chromium (driven by playwright-core)
  chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# FreeRDP 3 (what current distributions and Remmina ship) as a second viewer of our sharer and a second sharer for
# our viewer: Debian 12 has it in bookworm-backports only, later releases in main.
FREERDP3_PACKAGES=(freerdp3-x11 freerdp3-shadow-x11)
missing3=()
for p in "${FREERDP3_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing3+=("$p")
done
if [ "${#missing3[@]}" -gt 0 ]; then
  echo "setup: installing FreeRDP 3: ${missing3[*]}"
  release=()
  if grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release; then
    list=/etc/apt/sources.list.d/rdshare-bookworm-backports.list
    [ -f "$list" ] || echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee "$list" >/dev/null
    release=(-t bookworm-backports)
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${release[@]}" "${missing3[@]}"
fi

# The registry answers without the signatures corepack checks; skip that check and never prompt.
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! pnpm --version 2>/dev/null | grep -qx "$PNPM_VERSION"; then
  corepack enable 2>/dev/null || true
  corepack prepare "pnpm@$PNPM_VERSION" --activate >/dev/null 2>&1 || npm install -g "pnpm@$PNPM_VERSION"
fi

# An install runs the native addon's install script, a full node-gyp rebuild (minutes): skip the install when the
# lockfile and the manifests are what the last one installed. `pnpm build` then rebuilds only what changed (turbo's
# cache; make recompiles only the addon sources that changed).
stamp=node_modules/.rdshare-install-stamp
wanted=$(cat pnpm-lock.yaml package.json packages/*/package.json apps/*/package.json tooling/*/package.json | sha256sum)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] || [ ! -f packages/native/build/Release/rdshare_native.node ]; then
  pnpm install --frozen-lockfile
  echo "$wanted" >"$stamp"
fi
pnpm build
