#!/usr/bin/env bash
# What holding many WebSockets costs a visitor: pingscope and node's `ws` each hold HOLD_CONNECTIONS
# connections (PINGed once a second by the server), and during a steady WINDOW one more connection sends a
# visitor's echo probe VISITOR_RATE times a second. Prints, per server, one JSON line: CPU per held
# connection per second, the visitor's echo p50/p99/max, the server's own PING p99 (over PING_WINDOW s just
# before the visitor's window, when the holding client has its core to itself), and for pingscope the
# hiccup maximum (/api/pauses) and the longest GC pause inside the window. run.sh's hold measures memory
# per connection; run.sh calls this for its targets, and alone it is the quick A/B of one change's time
# (about 3 minutes a server).
#
# Usage: server/bench/hold-cost.sh [pingscope|nodews|both]   (default both)
# Knobs: HOLD_CONNECTIONS=10000 WINDOW=30 PING_WINDOW=15 VISITOR_RATE=100 SERVER_CPU=0 LOAD_CPU=1 OUT_DIR=(a temp folder)
#        PINGSCOPE_JVM_OPTS (after the launcher's)  PINGSCOPE_JAVA (the java the launcher runs)  BUILD=1
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=$PWD/server/bench
WHICH=${1:-both}
HOLD_CONNECTIONS=${HOLD_CONNECTIONS:-10000}
WINDOW=${WINDOW:-30}
PING_WINDOW=${PING_WINDOW:-15}
VISITOR_RATE=${VISITOR_RATE:-100}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PINGSCOPE_JVM_OPTS=${PINGSCOPE_JVM_OPTS:-}
WORK=$(mktemp -d /tmp/pingscope-hold.XXXXXX)
OUT_DIR=${OUT_DIR:-$WORK}
mkdir -p "$OUT_DIR"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for cmd in java node npm taskset curl jcmd; do
  command -v "$cmd" >/dev/null || { echo "hold-cost: '$cmd' is needed" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)"
say() { printf '== %s\n' "$*" >&2; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "hold-cost: $1 did not come up" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, in clock ticks
TICK=$(getconf CLK_TCK)

[ "${BUILD:-1}" = 1 ] && ./mvnw -B -q -Dmaven.test.skip=true package
[ -d "${NODE_MODULES:-}" ] || { npm install --silent --no-audit --no-fund --prefix "$WORK/node" ws@8 >/dev/null; NODE_MODULES=$WORK/node/node_modules; }

measure() { # NAME PID PORT
  local name=$1 pid=$2 port=$3
  local rss0; rss0=$(ps -o rss= -p "$pid" | tr -d ' ')
  # The holding client yields its core to the visitor's prober (nice): the prober must keep its schedule.
  NODE_PATH=$NODE_MODULES taskset -c "$LOAD_CPU" nice -n 19 node "$BENCH/ws-hold-client.js" "ws://127.0.0.1:$port/ws" \
    "$HOLD_CONNECTIONS" $((PING_WINDOW + WINDOW + 45)) >"$WORK/hold-$name.json" 2>"$WORK/hold-$name.log" &
  local client=$!; PIDS+=($client)
  until grep -q '^held ' "$WORK/hold-$name.log" || ! kill -0 "$client" 2>/dev/null; do sleep 1; done
  cat "$WORK/hold-$name.log" >&2
  sleep 10   # the ramp-up's collections and compilations settle
  # The server's own PINGs over PING_WINDOW seconds before the visitor starts: with the prober running, the
  # niced holding client answers PINGs only when the prober lets it, and ws_ping would time the client.
  # node forgets the ramp-up's PINGs; pingscope's are the difference of two /api/stats histograms.
  local pings
  if [ "$name" = pingscope ]; then
    curl -s "http://127.0.0.1:$port/api/stats" >"$WORK/stats0.json"; sleep "$PING_WINDOW"
    curl -s "http://127.0.0.1:$port/api/stats" >"$WORK/stats1.json"
    pings=$(java -cp server/target/pingscope.jar "$BENCH/StatsWindow.java" "$WORK/stats0.json" "$WORK/stats1.json" ws_ping server)
  else
    curl -s "http://127.0.0.1:$port/pings" >/dev/null || true; sleep "$PING_WINDOW"
    pings=$(curl -s "http://127.0.0.1:$port/pings")
  fi
  local gc0 t0 c0 c1 t1
  [ "$name" = pingscope ] && gc0=$(jcmd "$pid" VM.uptime | awk 'NR==2{print $1}')
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid")
  taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar server/target/pingscope.jar probe "http://127.0.0.1:$port" \
    --kinds ws_echo --rate "$VISITOR_RATE" --connections 1 --duration "${WINDOW}s" --warmup 100 --quiet --json \
    >"$OUT_DIR/visitor-$name.json"
  c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  local rss1; rss1=$(ps -o rss= -p "$pid" | tr -d ' ')
  local pauses gcmax=null gccount=null
  if [ "$name" = pingscope ]; then
    pauses=$(curl -s "http://127.0.0.1:$port/api/pauses?seconds=$WINDOW")
    # The longest stop-the-world pause logged after the window began (uptime-stamped lines), not System.gc(),
    # and how many there were: how often the collector stopped every connection.
    read -r gcmax gccount < <(node -e 'const [f, t0] = process.argv.slice(1); let max = 0, n = 0;
      for (const l of require("fs").readFileSync(f, "utf8").split("\n")) {
        const u = /^\[([0-9.]+)s\]/.exec(l), m = /([0-9.]+)ms$/.exec(l);
        if (u && m && +u[1] >= +t0 && /Pause/.test(l) && !/System.gc/.test(l)) { max = Math.max(max, +m[1]); n++; } }
      console.log(max, n)' "$WORK/gc.log" "${gc0%s}")
  else
    pauses=null
  fi
  wait "$client" || true
  node -e '
    const [name, n, ticks, tick, secs, visitorFile, pings, pauses, gc, rss0, rss1, pingWindow, gcCount] = process.argv.slice(1);
    const v = JSON.parse(require("fs").readFileSync(visitorFile, "utf8")).kinds.ws_echo;
    const cpuUs = (ticks / tick) / secs / n * 1e6;
    console.log(JSON.stringify({server: name, held: +n, window_s: +(+secs).toFixed(1),
      cpu_us_per_conn_per_s: +cpuUs.toFixed(1), rss_per_conn_bytes: Math.round((rss1 - rss0) * 1024 / n), visitor_echo: {answered: v.answered, lost: v.lost, sent_late: v.sent_late,
      p50_ms: v.corrected.p50_ms, p99_ms: v.corrected.p99_ms, max_ms: v.corrected.max_ms, raw_p99_ms: v.raw.p99_ms},
      ping_window_s: +pingWindow, ws_ping: JSON.parse(pings), pauses: JSON.parse(pauses), gc_max_ms: gc === "null" ? null : +gc, gc_pauses: gcCount === "null" ? null : +gcCount}));
  ' "$name" "$HOLD_CONNECTIONS" $((c1 - c0)) "$TICK" "$(echo "$t1 - $t0" | bc)" "$OUT_DIR/visitor-$name.json" \
    "$pings" "$pauses" "$gcmax" "$rss0" "$rss1" "$PING_WINDOW" "$gccount" | tee "$OUT_DIR/hold-cost-$name.json"
}

if [ "$WHICH" = pingscope ] || [ "$WHICH" = both ]; then
  P=$(free_port)
  say "pingscope: holding $HOLD_CONNECTIONS, visitor echo at $VISITOR_RATE/s for ${WINDOW}s"
  JAVA_OPTS="$PINGSCOPE_JVM_OPTS -Xlog:gc:file=$WORK/gc.log:uptime" taskset -c "$SERVER_CPU" server/bin/pingscope \
    --host 127.0.0.1 --port "$P" --instance bench --report-interval 1s \
    --ws-max-connections 100000 --ws-max-per-address 100000 --ws-max-messages-per-second 1000000 >"$WORK/pingscope.log" 2>&1 &
  PS=$!; PIDS+=($PS); wait_for "http://127.0.0.1:$P/healthz"
  taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar server/target/pingscope.jar probe "http://127.0.0.1:$P" \
    --kinds ws_echo --rate max --connections 16 --duration 5s --warmup 0 --quiet --json >/dev/null   # JIT warm-up
  measure pingscope "$PS" "$P"
  kill "$PS"
fi
if [ "$WHICH" = nodews ] || [ "$WHICH" = both ]; then
  P=$(free_port)
  say "node ws: holding $HOLD_CONNECTIONS, visitor echo at $VISITOR_RATE/s for ${WINDOW}s"
  NODE_PATH=$NODE_MODULES taskset -c "$SERVER_CPU" node --expose-gc "$BENCH/ws-echo-server.js" "$P" >"$WORK/node.log" 2>&1 &
  WS=$!; PIDS+=($WS); wait_for "http://127.0.0.1:$P/mem"
  measure nodews "$WS" "$P"
fi
