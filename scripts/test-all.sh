#!/usr/bin/env bash
# `npm test`: the type check, lint and the whole vitest suite side by side. The first two use one core for a
# few seconds each and vitest keeps both cores busy for minutes: one after the other, they left a core idle
# for ~20 s. The e2e tests that run the CLI build dist/ themselves when it is older than src/ (one build,
# under a lock: test/e2e/support/cli.ts). Exits non-zero when any of them fails. Arguments go to vitest
# (e.g. a test file).
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

declare -A checks
for check in typecheck lint; do
  npm run --silent "$check" > "$logs/$check" 2>&1 &
  checks[$check]=$!
done
npx vitest run "$@"
status=$?
for check in typecheck lint; do
  if ! wait "${checks[$check]}"; then
    status=1
    printf '\nnpm run %s failed:\n' "$check"
  fi
  cat "$logs/$check"
done
exit "$status"
