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
    pnpm changeset status
    log=$(mktemp)
    set +e
    pnpm test 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    # One closing line over every package's vitest summary (greps that find nothing are fine here).
    summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\S*:?test: +Tests ')
    passed=$(echo "$summary" | grep -oE '[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
    failed=$(echo "$summary" | grep -oE '[0-9]+ failed' | awk '{s += $1} END {print s + 0}')
    rm -f "$log"
    echo "$passed passed, $failed failed"
    exit "$status"
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
