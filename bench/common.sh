# Shared by bench/check_*.sh (sourced): the steps every `check` benchmark takes.

# bench_start BIN TOOL: the proxyglot binary and the real tool must be there; sets
# BIN, RUNS, ROOT and TMP (removed on exit).
bench_start() {
    BIN=${1:-build/proxyglot}
    RUNS=20
    ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # docs/ and generators live here
    if [[ ! -x $BIN ]]; then
        echo "error: proxyglot binary not found or not executable: $BIN (build it first)" >&2
        exit 1
    fi
    command -v "$2" >/dev/null || { echo "error: $2 not installed" >&2; exit 1; }
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
}

# bench_accepts WHAT TOOL_COMMAND: the real tool and proxyglot must both accept $CONF, or
# the timings compare different work.
bench_accepts() {
    local what=$1 tool=$2
    $tool >/dev/null 2>"$TMP/tool.out" || { cat "$TMP/tool.out" >&2; echo "error: $what rejected the config" >&2; exit 1; }
    "$BIN" check "$CONF" >"$TMP/pg.out" 2>&1 ||
        { cat "$TMP/pg.out" >&2; echo "error: proxyglot rejected a config $what accepts" >&2; exit 1; }
}

# bench_compare LABEL TOOL_COMMAND: interleaved runs (bench/measure.py) of the tool and
# `proxyglot check`; sets TOOL_WALL TOOL_RSS PG_WALL PG_RSS, the SPEED and MEM verdicts
# and TABLE, and prints the table.
bench_compare() {
    local label=$1 tool=$2
    read -r _ TOOL_WALL TOOL_RSS _ PG_WALL PG_RSS < <(/usr/bin/python3 "$ROOT/bench/measure.py" "$RUNS" \
        "tool=$tool" "proxyglot=$BIN check $CONF" | tr '\n' ' '; echo)
    SPEED=$(awk -v p="$PG_WALL" -v n="$TOOL_WALL" 'BEGIN { print (p <= n) ? "PASS" : "FAIL" }')
    MEM=$(awk -v r="$PG_RSS" 'BEGIN { print (r < 100) ? "PASS" : "FAIL" }')
    TABLE="| tool | median wall s | peak RSS MB |
|---|---|---|
| $label | $TOOL_WALL | $TOOL_RSS |
| proxyglot check | $PG_WALL | $PG_RSS |"
    echo "$TABLE"
    echo "speed: $SPEED  memory: $MEM"
}
