#!/usr/bin/env bash
# The whole test suite: build, a bounded libFuzzer run of each front end, then every
# GoogleTest (ctest prints the closing tally).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/fuzz.sh "${PROXYGLOT_FUZZ_SECONDS:-30}"
cd build
ctest --output-on-failure -j"$(nproc)"
