#!/usr/bin/env bash
# Runs every test: native Catch2 suite (ctest), the same suite under ASan + UBSan, a short fuzz
# run, Node tests of the wasm module and of the page's non-DOM modules, then the browser tests in
# headless Chromium. Assumes `scripts/build.sh` ran.
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
# Runs one stage; a failing stage is counted and reported, and the next stage still runs.
stage() {
  local name=$1
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

native_tests() {
  # ctest's discovery splits test names at ';' and groups them at '[': a case whose name holds
  # one would silently not run. Every Catch2 case must be its own ctest entry.
  # (Catch2 v2 exits with the number of tests it listed, hence the `|| true`.)
  local cases entries
  cases=$( (build/native/core_tests --list-test-names-only || true) | grep -c .)
  entries=$(ctest --test-dir build/native -N | sed -n 's/^Total Tests: //p')
  if [ "$cases" != "$entries" ]; then
    echo "ctest lists $entries entries for $cases Catch2 test cases: rename the cases whose names hold ';' or '['" >&2
    return 1
  fi
  ctest --test-dir build/native --output-on-failure -j 2
}

stage "native tests (ctest)" native_tests
stage "node tests" node --test tests/node/
stage "browser tests" npx playwright test
stage "native tests under AddressSanitizer + UndefinedBehaviorSanitizer" bash scripts/sanitize.sh
stage "fuzzing (${FUZZ_SECONDS:-30} s per target)" bash scripts/fuzz.sh

echo "test stages: $passed passed, $failed failed${failures:+ (${failures[*]})}"
[ "$failed" -eq 0 ]
