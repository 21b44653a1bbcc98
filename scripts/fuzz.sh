#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each
# for a bounded time, seeded with the test corpus. Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

cmake -S . -B build-fuzz -G Ninja -DPROXYGLOT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz --target nginx_fuzz

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
cp tests/corpus/nginx/*.conf "$seeds/"
cp ../shared/examples/seed/nginx.conf "$seeds/seed.conf" 2>/dev/null || true
mkdir -p build-fuzz/crashes
# -rss_limit_mb bounds memory; -timeout flags any single input taking over 10 s.
./build-fuzz/tests/fuzz/nginx_fuzz "$seeds" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1
echo "fuzz: nginx_fuzz ran ${seconds}s with no crash"
