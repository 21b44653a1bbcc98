#!/usr/bin/env bash
# Benchmark `proxyglot run` against nginx and HAProxy side by side, in one run on this
# machine: one worker thread each, keepalive to the same backend, wrk on loopback; then
# RSS with 10,000 idle client connections. (Re)writes its section of docs/performance.md.
# Usage (from repo root): bash bench/proxy_runtime.sh [path/to/proxyglot]
set -euo pipefail

source "$(dirname "$0")/common.sh"
bench_start "${1:-}" wrk
for tool in nginx haproxy; do
    command -v $tool >/dev/null || { echo "error: $tool not installed" >&2; exit 1; }
done
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-10000}   # env: smaller for a quick try
HELPER=$ROOT/bench/proxy_runtime.py

# 10,000 idle clients need that many descriptors in the proxy and in the client script;
# children inherit the limit. The proxies' own limits stay below it.
NOFILE=$(ulimit -Hn)
[[ $NOFILE == unlimited || $NOFILE -gt 65536 ]] && NOFILE=65536
ulimit -n "$NOFILE"
LIMIT=$(( NOFILE - 1000 < 20000 ? NOFILE - 1000 : 20000 ))
(( LIMIT > CONNS )) || { echo "error: open file limit $NOFILE is too low for $CONNS connections" >&2; exit 1; }

# Every process is a child of this script, on ports chosen now, and dies with it.
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that Ctrl-C and kill run the cleanup too
read -r P_BACKEND P_NGINX P_HAPROXY P_PG < <(/usr/bin/python3 "$HELPER" ports 4 | tr '\n' ' '; echo)
mkdir -p "$TMP/backend" "$TMP/nginx" "$TMP/haproxy"

# The backend: one nginx worker answering from memory, fast enough not to be the limit.
cat >"$TMP/backend/nginx.conf" <<EOF
pid $TMP/backend/nginx.pid;
error_log $TMP/backend/error.log;
events { worker_connections $LIMIT; }
http {
    access_log off;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$P_BACKEND;
        location / { return 200 "hello\n"; }
    }
}
EOF

# The proxy config nginx and proxyglot both run. Only directives proxyglot accepts:
# master_process goes on nginx's command line, and keepalive_requests (client side) stays
# at nginx's default of 1000. keepalive 64, not fewer than wrk's 50 connections: with a
# smaller pool nginx closes the idle connections past it and opens new ones under load.
CONF=$TMP/nginx/nginx.conf
cat >"$CONF" <<EOF
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections $LIMIT; }
http {
    access_log off;
    keepalive_timeout 300s;
    upstream backend {
        server 127.0.0.1:$P_BACKEND;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$P_NGINX;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF

cat >"$TMP/haproxy/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn $LIMIT
    # HAProxy reserves two descriptors per connection (client and server side) and by
    # default refuses to start when the open file limit is below that; this test needs
    # one per idle client plus a few to the backend.
    no strict-limits
defaults
    mode http
    timeout connect 5s
    timeout client 300s
    timeout server 30s
    timeout http-keep-alive 300s
    http-reuse always
frontend fe
    bind 127.0.0.1:$P_HAPROXY
    default_backend be
backend be
    server s1 127.0.0.1:$P_BACKEND
EOF

cat >"$TMP/nginx-t.sh" <<SH
#!/bin/sh
exec nginx -t -q -p "$TMP/nginx" -c "$CONF"
SH
chmod +x "$TMP/nginx-t.sh"
bench_accepts "nginx -t" "$TMP/nginx-t.sh"

# master_process off: nginx is one process, as HAProxy -db and proxyglot are, and runs
# as the current user.
NGINX_FLAGS=(-g 'daemon off; master_process off;')
PG_BUILT=$(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')   # now: a rebuild during the run changes it
nginx -p "$TMP/backend" -c "$TMP/backend/nginx.conf" "${NGINX_FLAGS[@]}" 2>"$TMP/backend/stderr" &
PIDS+=($!); PID_BACKEND=$!
nginx -p "$TMP/nginx" -c "$CONF" "${NGINX_FLAGS[@]}" 2>"$TMP/nginx/stderr" & PIDS+=($!); PID_NGINX=$!
haproxy -f "$TMP/haproxy/haproxy.cfg" -db 2>"$TMP/haproxy/stderr" & PIDS+=($!); PID_HAPROXY=$!
mkdir -p "$TMP/proxyglot"
"$BIN" run "$CONF" --threads 1 --bind "127.0.0.1:$P_NGINX=127.0.0.1:$P_PG" >"$TMP/pg.out" 2>"$TMP/proxyglot/stderr" &
PIDS+=($!); PID_PG=$!
/usr/bin/python3 "$HELPER" wait "backend=$P_BACKEND" "nginx=$P_NGINX" "haproxy=$P_HAPROXY" "proxyglot=$P_PG" || {
    tail -n 5 "$TMP"/*/stderr "$TMP"/*/error.log >&2 2>/dev/null
    exit 1
}
cat "$TMP/pg.out"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# In the background with `wait`: bash runs a trap only once the foreground child ends.
/usr/bin/python3 "$HELPER" bench "$ROUNDS" "$DURATION" "$CONNS" "direct=$P_BACKEND:$PID_BACKEND" \
    "nginx=$P_NGINX:$PID_NGINX" "haproxy=$P_HAPROXY:$PID_HAPROXY" "proxyglot=$P_PG:$PID_PG" >"$TMP/results.md" &
PIDS+=($!)
wait $!
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$TMP/results.md"
echo "load average before/after: $LOAD_BEFORE / $LOAD_AFTER"

NGINX_V=$(nginx -v 2>&1 | sed 's|.*/||')
HAPROXY_V=$(haproxy -v | awk 'NR == 1 { print $3 }')
mkdir -p "$ROOT/docs"
/usr/bin/python3 "$ROOT/bench/write_section.py" "$ROOT/docs/performance.md" proxy-runtime <<MD
## \`run\`: against nginx and HAProxy

Generated by \`bash bench/proxy_runtime.sh\`. In one run on this machine, side by side:
wrk straight at a backend (\`direct\`), and nginx $NGINX_V, HAProxy $HAPROXY_V and
\`proxyglot run\` in front of that same backend, each with one worker thread (nginx
\`worker_processes 1\` with \`master_process off\`, HAProxy \`nbthread 1\`, proxyglot
\`--threads 1\`). The backend is a separate one-worker nginx answering \`GET /\` with
\`return 200 "hello\n"\`. proxyglot runs the very same nginx.conf nginx runs (\`--bind\`
moves its listener to a port of its own). All three keep connections to the backend
alive (nginx and proxyglot: \`keepalive 64\` in the upstream, no fewer than wrk's
connections, \`proxy_http_version 1.1\`,
\`proxy_set_header Connection ""\`; HAProxy: \`http-reuse always\`) and to the client
(wrk). Access logs are off for all three (\`access_log off\`; HAProxy has no \`log\`
line).
Connection limits: \`worker_connections\` and \`maxconn\` $LIMIT (open file limit $NOFILE;
HAProxy with \`no strict-limits\`, as it asks for two descriptors per connection).
Binary: $("$BIN" --version), \`$BIN\` built $PG_BUILT.

Throughput: \`wrk -t1 -c50 -d${DURATION}s --latency\` on loopback, after a 2 s warm-up per
target; $ROUNDS rounds, the targets in a rotated order each round; the table gives the
median of the rounds (failed: non-2xx responses and socket errors, summed over the
rounds). CPU µs/req is the utime+stime of the proxy's whole process (all threads and any
children, \`/proc/PID/stat\`) over the wrk run divided by the requests wrk completed;
the direct row gives the backend's. Memory, after the rounds: VmRSS idle, then with
$CONNS client connections open, each having sent one keepalive request (100 in flight at
a time) and got its 200, all held idle (\`bench/proxy_runtime.py\`).

Machine: $(nproc) CPUs, $(uname -sm), $(date -u '+%Y-%m-%d %H:%M UTC'); load average
before/after: $LOAD_BEFORE / $LOAD_AFTER (wrk, the backend and the proxy share the
two cores; other jobs may too).

Targets: CPU per request no more than the better of nginx and HAProxy; req/s at least
the better one's; p99 no more than the better one's (the worse is given too); no failed
requests, under wrk or among the idle connections; RSS with $CONNS idle connections no
more than nginx's.

$(cat "$TMP/results.md")
MD
echo "wrote $ROOT/docs/performance.md"
