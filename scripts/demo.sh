#!/usr/bin/env bash
# The main job on a bundled example: build, check and compile examples/demo/nginx.conf,
# then serve it on proxyglot's runtime with two demo backends, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

echo "== proxyglot check examples/demo/nginx.conf"
./build/proxyglot check examples/demo/nginx.conf
echo "== proxyglot compile examples/demo/nginx.conf -o build/demo-ir.json (the IR, first lines)"
# To a file, then shown: piped into head, a long IR would end compile with SIGPIPE.
./build/proxyglot compile examples/demo/nginx.conf -o build/demo-ir.json
head -20 build/demo-ir.json
echo "   ... (all of it in build/demo-ir.json)"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
/usr/bin/python3 examples/demo/backend.py backend-a 8001 & pids+=($!)
/usr/bin/python3 examples/demo/backend.py backend-b 8002 & pids+=($!)
./build/proxyglot run examples/demo/nginx.conf & pids+=($!)
sleep 1
cat <<'MSG'

== proxyglot is serving examples/demo/nginx.conf on http://127.0.0.1:8080 (Ctrl-C stops it)
   curl http://127.0.0.1:8080/hello
   curl http://127.0.0.1:8080/api/users      # weighted 3:1 over two backends, /api/ -> /v1/
   curl -i http://127.0.0.1:8080/old         # a redirect
MSG
wait "${pids[2]}"
