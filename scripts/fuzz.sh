#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/<dialect>_fuzz.cpp) with clang, ASan and
# UBSan in build-fuzz/ and runs each for a bounded time, seeded with
# tests/corpus/<dialect>. Usage: scripts/fuzz.sh [SECONDS per target]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

cmake -S . -B build-fuzz -G Ninja -DPROXYGLOT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz

mkdir -p build-fuzz/crashes
for source in tests/fuzz/*_fuzz.cpp; do
  target=$(basename "$source" .cpp)
  dialect=${target%_fuzz}
  # Inputs that once crashed a target must keep passing (UBSan aborts on the first error).
  if compgen -G "tests/fuzz/regressions/$dialect/*" >/dev/null; then
    ./build-fuzz/tests/fuzz/"$target" tests/fuzz/regressions/"$dialect"/* ||
      { echo "fuzz: $target failed on a regression input" >&2; exit 1; }
  fi
  seeds=$(mktemp -d)
  cp -r tests/corpus/"$dialect"/. "$seeds"/ 2>/dev/null || true
  find "$seeds" -name '*.json' -delete
  # -timeout flags any single input taking over 10 s; -rss_limit_mb bounds memory.
  ./build-fuzz/tests/fuzz/"$target" "$seeds" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1
  rm -rf "$seeds"
  echo "fuzz: $target ran ${seconds}s with no crash"
done
