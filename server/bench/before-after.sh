#!/usr/bin/env bash
# HEAD and echo benchmarks of two builds of pingscope, alternated in one run so that both meet the same
# machine: the check that a change did not move the measurement figures (docs/benchmarks.md, "Before and
# after"). Per round and build: a fresh server pinned to one core, 6 s of warm-up, then wrk's HEAD
# throughput (64 connections, 10 s), `probe`'s open-loop HEAD and echo percentiles at 1,000/s (16
# connections, 10 s) and closed-loop echo throughput (64 connections, 8 s). Prints one Markdown table.
#
# Usage: server/bench/before-after.sh BEFORE.jar AFTER.jar   (needs java, wrk, taskset, curl, node)
# Knobs (environment): ROUNDS=3 SERVER_CPU=0 LOAD_CPU=1
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=$PWD/server/bench
[ $# -eq 2 ] || { echo "usage: $0 BEFORE.jar AFTER.jar" >&2; exit 2; }
declare -A JAR=([before]=$(realpath "$1") [after]=$(realpath "$2"))
ROUNDS=${ROUNDS:-3}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
WORK=$(mktemp -d /tmp/pingscope-ab.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for cmd in java wrk taskset curl node; do
  command -v "$cmd" >/dev/null || { echo "before-after: '$cmd' is needed" >&2; exit 2; }
done

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
probe() { taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "${JAR[after]}" probe "$@" --quiet --json; }
field() { # FILE KIND PATH: one figure of a probe --json result
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).kinds[process.argv[2]];
           console.log(process.argv[3].split(".").reduce((o,k)=>o[k],r))' "$1" "$2" "$3"
}

rows=()
for round in $(seq 1 "$ROUNDS"); do
  for build in before after; do
    port=$(free_port)
    # Abuse limits lifted as run.sh does: the load comes from one address.
    PINGSCOPE_JAR=${JAR[$build]} taskset -c "$SERVER_CPU" server/bin/pingscope --host 127.0.0.1 --port "$port" \
      --instance bench --report-interval 1s --ws-max-per-address 100000 --ws-max-messages-per-second 1000000 \
      --results false >"$WORK/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
    base=http://127.0.0.1:$port
    taskset -c "$LOAD_CPU" wrk -t1 -c64 -d6s -s "$BENCH/head.lua" "$base/ping" >/dev/null
    probe "$base" --kinds ws_echo --rate max --connections 16 --duration 3s --warmup 0 >/dev/null
    rps=$(taskset -c "$LOAD_CPU" wrk -t1 -c64 -d10s -s "$BENCH/head.lua" "$base/ping" | awk '/Requests\/sec/{printf "%.0f", $2}')
    probe "$base" --kinds http_head --rate 1000 --connections 16 --duration 10s --warmup 100 >"$WORK/head.json"
    probe "$base" --kinds ws_echo --rate 1000 --connections 16 --duration 10s --warmup 100 >"$WORK/echo.json"
    probe "$base" --kinds ws_echo --rate max --connections 64 --duration 8s --warmup 100 >"$WORK/echo-max.json"
    echoes=$(field "$WORK/echo-max.json" ws_echo answered)
    rows+=("| $round | $build | $rps | $(field "$WORK/head.json" http_head corrected.p50_ms) | $(field "$WORK/head.json" http_head raw.p99_ms) | $(field "$WORK/echo.json" ws_echo corrected.p50_ms) | $(field "$WORK/echo.json" ws_echo raw.p99_ms) | $((echoes / 8)) |")
    echo "round $round $build done" >&2
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  done
done

echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1); before: $1, after: $2"
echo
echo "| round | build | HEAD req/s (wrk) | HEAD p50 ms | HEAD raw p99 ms | echo p50 ms | echo raw p99 ms | echo msg/s (64 conns) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
