#!/usr/bin/env bash
# The two commands of the README: `run.sh demo` and `run.sh test`. Each sets up what it needs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
case "${1:-}" in
  demo)
    # Quiet set-up: the build output goes to a log, shown only when it fails.
    mkdir -p .rdshare
    echo "rdshare demo: setting up (minutes on a fresh machine, seconds after; log: .rdshare/setup.log)"
    if ! bash tooling/scripts/setup.sh >.rdshare/setup.log 2>&1; then
      tail -n 30 .rdshare/setup.log >&2
      echo "rdshare demo: setup failed; the whole log is .rdshare/setup.log" >&2
      exit 1
    fi
    shift
    exec node apps/share/dist/cli.js demo "$@"
    ;;
  test)
    bash tooling/scripts/setup.sh
    pnpm lint
    pnpm changeset status
    # The API reference: a broken {@link} or a public signature naming an unexported type fails the run.
    pnpm run docs
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
