#!/usr/bin/env bash
# udp_echo's datagram echo next to the WebSocket echo, on the same pingscope instance pinned to one core
# (SERVER_CPU), the load from the other (LOAD_CPU): closed loop (throughput) and open loop at RATE/s (percentiles).
# The datagrams go through Kwik's client (datagram/DatagramEchoBench), the echoes through `pingscope probe`.
# Prints both; docs/benchmarks.md, "udp_echo", keeps a run's figures. Takes about a minute.
#
# Usage: server/bench/udp-echo.sh   (after ./mvnw -q -Dmaven.test.skip=true install; needs taskset, curl, node)
# Knobs: SERVER_CPU=0 LOAD_CPU=1 SECONDS_EACH=10 SESSIONS=16 RATE=2000
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SECONDS_EACH=${SECONDS_EACH:-10}
SESSIONS=${SESSIONS:-16}
RATE=${RATE:-2000}
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
LOG=$(mktemp)
taskset -c "$SERVER_CPU" server/bin/pingscope --host 127.0.0.1 --port "$PORT" --instance bench \
  --ws-max-connections 100000 --ws-max-per-address 100000 --ws-max-messages-per-second 1000000 \
  --udp-max-per-address 1000 --udp-max-datagrams-per-second 100000 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.1; done  # ready: UDP too
UDP=$(curl -s "http://127.0.0.1:$PORT/api/udp" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
[ -n "$UDP" ] || { echo "bench: pingscope did not start or has no udp_echo:" >&2; cat "$LOG" >&2; exit 1; }
echo "date=$(date -u +%Y-%m-%dT%H:%MZ) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') java=$(java -version 2>&1 | head -1)"
probe() { taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar server/target/pingscope.jar probe "http://127.0.0.1:$PORT" --kinds ws_echo "$@" --quiet; }
bench() { taskset -c "$LOAD_CPU" server/bench/java-bench.sh dev.pingscope.datagram.DatagramEchoBench "$UDP" "$SESSIONS" "$SECONDS_EACH" "$1"; }
probe --rate max --connections "$SESSIONS" --duration 4s --warmup 0 >/dev/null  # warm both paths up
bench max >/dev/null
echo "== ws_echo, closed loop, $SESSIONS connections, ${SECONDS_EACH}s"
probe --rate max --connections "$SESSIONS" --duration "${SECONDS_EACH}s" --warmup 100
echo "== udp_echo, closed loop"
bench max
echo "== ws_echo, open loop at $RATE/s"
probe --rate "$RATE" --connections "$SESSIONS" --duration "${SECONDS_EACH}s" --warmup 100
echo "== udp_echo, open loop at $RATE/s"
bench "$RATE"
