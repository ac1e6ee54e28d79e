#!/usr/bin/env bash
# Packs every published package (the non-private ones under packages/) into the directory given, as a registry
# would serve them: workspace:* ranges become versions and prepack builds the native prebuilt.
set -euo pipefail
dest=$(realpath -m "${1:?usage: pack.sh <directory>}")
cd "$(dirname "$0")/../.."
mkdir -p "$dest"
pnpm --filter './packages/*' -r pack --pack-destination "$dest" >/dev/null
ls "$dest"/*.tgz
