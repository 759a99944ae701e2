#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (through apt-get) and npm
# packages (npm ci). Safe to run again: it only installs what is absent.
# On a machine without apt-get it prints exactly what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package -> a file that proves it is installed
declare -A NEED=(
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [make]=/usr/bin/make
  [emscripten]=/usr/bin/em++
  [libxtensor-dev]=/usr/include/xtensor/xtensor.hpp
  [libxsimd-dev]=/usr/include/xsimd/xsimd.hpp
  [nlohmann-json3-dev]=/usr/include/nlohmann/json.hpp
  [catch2]=/usr/include/catch2/catch.hpp
  [chromium]=/usr/bin/chromium
  [clang]=/usr/bin/clang++
  [libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
  [zlib1g-dev]=/usr/include/zlib.h
)
missing=()
for pkg in "${!NEED[@]}"; do
  [ -e "${NEED[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: this is not a Debian machine. Install these (Debian names) and run again:" >&2
    echo "  ${missing[*]}" >&2
    echo "  (emscripten 3.1.x, xtensor 0.24, nlohmann-json 3.11, Catch2 2.13, chromium, clang 14 with libFuzzer)" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi
