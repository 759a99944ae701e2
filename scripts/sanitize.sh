#!/usr/bin/env bash
# The native test suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer (-O1).
# Any report fails the run (-fno-sanitize-recover=all).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DBP_SANITIZE=ON >/dev/null
cmake --build build/asan -j "${JOBS:-2}" --target core_tests backprop
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j 2
