#!/usr/bin/env bash
# The two commands of the README: `run.sh demo` and `run.sh test`. Each sets up what it needs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
case "${1:-}" in
  demo)
    bash tooling/scripts/setup.sh
    shift
    exec pnpm --silent demo "$@"
    ;;
  test)
    bash tooling/scripts/setup.sh
    pnpm lint
    exec pnpm test
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
