#!/usr/bin/env bash
# The main job on the bundled example: check it, then print its IR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
echo "== proxyglot check examples/nginx.conf"
./build/proxyglot check examples/nginx.conf
echo "== proxyglot compile examples/nginx.conf (the IR, canonical JSON)"
./build/proxyglot compile examples/nginx.conf
