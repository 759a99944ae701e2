#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with AddressSanitizer and UndefinedBehaviorSanitizer) and
# runs each for FUZZ_SECONDS (default 30) from the committed seed corpus in tests/fuzz/corpus/.
# New inputs found go to a scratch copy of the corpus, never into the repo. A crash fails the run
# and leaves the input in build/fuzz/artifacts/.
#   npm test runs this with the default; a longer run:  FUZZ_SECONDS=1800 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBP_FUZZ=ON -DBP_SANITIZE=ON -DBP_TESTS=OFF >/dev/null
cmake --build build/fuzz -j "${JOBS:-2}" --target fuzz_model_io fuzz_session
mkdir -p build/fuzz/artifacts
for target in model_io session; do
  work=build/fuzz/corpus-$target
  rm -rf "$work"; mkdir -p "$work"; cp tests/fuzz/corpus/$target/* "$work"/
  echo "== fuzz_$target for ${seconds}s"
  ./build/fuzz/fuzz_$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=20000 \
    -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ "$work" 2>&1 |
    grep -E "^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)|ERROR|SUMMARY|Test unit written" || true
  # libFuzzer exits non-zero on a crash; the pipe above hides that, so check the artifacts.
  if ls build/fuzz/artifacts/crash-* build/fuzz/artifacts/leak-* build/fuzz/artifacts/timeout-* >/dev/null 2>&1; then
    echo "fuzz_$target found a failing input: see build/fuzz/artifacts/" >&2
    exit 1
  fi
done
