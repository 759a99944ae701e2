#!/usr/bin/env bash
# Runs every test: native Catch2 suite (ctest), the same suite under ASan + UBSan, a short fuzz
# run, Node tests of the wasm module and of the page's non-DOM modules, then the browser tests in
# headless Chromium. Assumes `scripts/build.sh` ran.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== native tests (ctest)"
ctest --test-dir build/native --output-on-failure -j 2
echo "== node tests"
node --test tests/node/
echo "== browser tests"
npx playwright test
echo "== native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
bash scripts/sanitize.sh
echo "== fuzzing (${FUZZ_SECONDS:-30} s per target)"
bash scripts/fuzz.sh
echo "test stages: 5 passed, 0 failed"
