#!/usr/bin/env bash
# Runs every test: native Catch2 suite (ctest), the same suite under ASan + UBSan, a short fuzz
# run, Node tests of the wasm module and of the page's non-DOM modules, then the browser tests in
# headless Chromium. Assumes `scripts/build.sh` ran.
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
logs=build/test-logs
rm -rf "$logs" && mkdir -p "$logs"
# Runs one stage, its output also kept in build/test-logs/; a failing stage is counted, the end
# of its log is printed again after the last stage (so the last lines of a run say what failed),
# and the next stage still runs.
stage() {
  local name=$1
  shift
  local log="$logs/$((passed + failed + 1)).log"
  echo "== $name"
  if "$@" 2>&1 | tee "$log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    failed_logs+=("$log")
  fi
}
failed_logs=()

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
# the browser tests get a port no other server holds
BP_TEST_PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export BP_TEST_PORT
stage "browser tests (port $BP_TEST_PORT)" npx playwright test
stage "native tests under AddressSanitizer + UndefinedBehaviorSanitizer" bash scripts/sanitize.sh
stage "fuzzing (${FUZZ_SECONDS:-30} s per target)" bash scripts/fuzz.sh

for i in "${!failed_logs[@]}"; do
  echo "== failed: ${failures[$i]} (the last 60 lines of ${failed_logs[$i]})"
  tail -n 60 "${failed_logs[$i]}"
done
echo "test stages: $passed passed, $failed failed${failures:+ (${failures[*]})}"
[ "$failed" -eq 0 ]
