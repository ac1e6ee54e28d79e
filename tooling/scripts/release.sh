#!/usr/bin/env bash
# `pnpm release`: applies the pending changesets (versions, changelogs), builds, and packs every published package
# into ./release. Publishing the tarballs stays a person's decision, after reading them.
set -euo pipefail
cd "$(dirname "$0")/../.."
pnpm changeset version
# Workspace ranges in the lockfile follow the new versions.
pnpm install --lockfile-only
pnpm build
bash tooling/scripts/pack.sh release
echo "Packed into ./release. To publish: pnpm publish -r --access public (after reviewing the tarballs)."
