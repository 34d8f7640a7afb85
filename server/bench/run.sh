#!/usr/bin/env bash
# Benchmarks pingscope against the servers people would otherwise use, side by side in one run:
#   HEAD /ping  : pingscope vs nginx (one worker, `return 204`)
#   echo on /ws : pingscope vs node's `ws` package (with server PINGs every second, like pingscope)
# Each server is pinned to one core (SERVER_CPU), the load generators to the other (LOAD_CPU).
# Prints the table and writes docs/benchmarks.md and docs/benchmarks.svg. Takes about 14 minutes.
#
# Usage: server/bench/run.sh            (from anywhere; needs java, node/npm, nginx, wrk, taskset, curl)
# Knobs (environment): SERVER_CPU=0 LOAD_CPU=1 RATE_SECONDS=15 HOLD_CONNECTIONS=10000 HOLD_SECONDS=60
#                      PINGSCOPE_JVM_OPTS="-Xmn64m" (added after the launcher's options)  OUT=docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/server/bench
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
RATE_SECONDS=${RATE_SECONDS:-15}
HOLD_CONNECTIONS=${HOLD_CONNECTIONS:-10000}
HOLD_SECONDS=${HOLD_SECONDS:-60}
PINGSCOPE_JVM_OPTS=${PINGSCOPE_JVM_OPTS:-}   # more JVM options, after the launcher's own (server/bin/pingscope)
OUT=${OUT:-docs/benchmarks.md}
WORK=$(mktemp -d /tmp/pingscope-bench.XXXXXX)
RESULTS=$WORK/results
mkdir -p "$RESULTS"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*" >&2; }
for cmd in java node npm nginx wrk taskset curl jcmd jstat; do
  command -v "$cmd" >/dev/null || { echo "bench: '$cmd' is needed (apt-get install nginx-light wrk nodejs npm)" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)"   # 10,000 connections need as many descriptors on each side

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # URL: wait until it answers
  for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not come up" >&2; exit 1
}
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
java_heap_kb() { # used heap after a full GC: S0U+S1U+EU+OU from jstat
  jcmd "$1" GC.run >/dev/null
  jstat -gc "$1" | awk 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} NR==2{printf "%.0f\n", $c["S0U"]+$c["S1U"]+$c["EU"]+$c["OU"]}'
}
node_heap_kb() { curl -s "http://127.0.0.1:$1/mem" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(Math.round(JSON.parse(s).heapUsed/1024)))'; }

# The start_* functions set STARTED to the new PID. They must not run in $(...): a subshell would keep
# the PID from PIDS, and cleanup would leave the server running.
start_pingscope() { # PORT  (abuse limits lifted: node ws has none, and the load comes from one address)
  JAVA_OPTS="$PINGSCOPE_JVM_OPTS -Xlog:gc:file=$WORK/gc-$1.log" taskset -c "$SERVER_CPU" server/bin/pingscope \
    --host 127.0.0.1 --port "$1" --instance bench --report-interval 1s \
    --ws-max-connections 100000 --ws-max-per-address 100000 --ws-max-messages-per-second 1000000 \
    >"$WORK/pingscope-$1.log" 2>&1 &
  STARTED=$!; PIDS+=($STARTED)
}
start_nginx() { # PORT
  mkdir -p "$WORK/nginx/tmp"
  sed -e "s#__PREFIX__#$WORK/nginx#g" -e "s#__PORT__#$1#g" "$BENCH/nginx.conf" >"$WORK/nginx/nginx.conf"
  taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
  STARTED=$!; PIDS+=($STARTED)
}
start_node_ws() { # PORT
  NODE_PATH=$WORK/node/node_modules taskset -c "$SERVER_CPU" node --expose-gc "$BENCH/ws-echo-server.js" "$1" \
    >"$WORK/node-$1.log" 2>&1 &
  STARTED=$!; PIDS+=($STARTED)
}
probe() { taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar server/target/pingscope.jar probe "$@" --quiet --json; }

say "building pingscope"
./mvnw -B -q -Dmaven.test.skip=true package
say "installing the ws package for node into $WORK/node"
npm install --silent --no-audit --no-fund --prefix "$WORK/node" ws@8 >/dev/null

P_PS=$(free_port); start_pingscope "$P_PS"; PS_PID=$STARTED; wait_for "http://127.0.0.1:$P_PS/healthz"
P_NG=$(free_port); start_nginx "$P_NG"; wait_for "http://127.0.0.1:$P_NG/ping"
P_WS=$(free_port); start_node_ws "$P_WS"; WS_PID=$STARTED; wait_for "http://127.0.0.1:$P_WS/mem"

say "HEAD throughput in the first 5 s after start (a replica in a rolling deploy), then warming the JIT: 12 s"
taskset -c "$LOAD_CPU" wrk -t1 -c64 -d5s -s "$BENCH/head.lua" "http://127.0.0.1:$P_PS/ping" >"$RESULTS/head-throughput-first5s-pingscope.txt"
grep -E "Requests/sec" "$RESULTS/head-throughput-first5s-pingscope.txt" >&2
taskset -c "$LOAD_CPU" wrk -t1 -c64 -d3s -s "$BENCH/head.lua" "http://127.0.0.1:$P_PS/ping" >/dev/null
probe "http://127.0.0.1:$P_PS" --kinds ws_echo --rate max --connections 16 --duration 4s --warmup 0 >/dev/null

say "HEAD throughput: wrk, 64 kept-alive connections, 10 s"
for s in pingscope:$P_PS nginx:$P_NG; do
  name=${s%%:*}; port=${s##*:}
  taskset -c "$LOAD_CPU" wrk -t1 -c64 -d10s -s "$BENCH/head.lua" "http://127.0.0.1:$port/ping" >"$RESULTS/head-throughput-$name.txt"
  grep -E "Requests/sec" "$RESULTS/head-throughput-$name.txt" >&2
done

for rate in 1000 10000; do
  say "HEAD percentiles, open loop at $rate/s, 16 connections, ${RATE_SECONDS}s"
  probe "http://127.0.0.1:$P_PS" --kinds http_head --rate "$rate" --connections 16 --duration "${RATE_SECONDS}s" --warmup 100 >"$RESULTS/head-$rate-pingscope.json"
  probe "http://127.0.0.1:$P_NG" --kinds http_head --rate "$rate" --connections 16 --duration "${RATE_SECONDS}s" --warmup 100 >"$RESULTS/head-$rate-nginx.json"
  say "echo percentiles, open loop at $rate/s, 16 connections, ${RATE_SECONDS}s"
  probe "http://127.0.0.1:$P_PS" --kinds ws_echo --rate "$rate" --connections 16 --duration "${RATE_SECONDS}s" --warmup 100 >"$RESULTS/echo-$rate-pingscope.json"
  probe "http://127.0.0.1:$P_WS" --kinds ws_echo --rate "$rate" --connections 16 --duration "${RATE_SECONDS}s" --warmup 100 >"$RESULTS/echo-$rate-nodews.json"
done

say "echo throughput: closed loop, 64 connections, 10 s"
probe "http://127.0.0.1:$P_PS" --kinds ws_echo --rate max --connections 64 --duration 10s --warmup 100 >"$RESULTS/echo-throughput-pingscope.json"
probe "http://127.0.0.1:$P_WS" --kinds ws_echo --rate max --connections 64 --duration 10s --warmup 100 >"$RESULTS/echo-throughput-nodews.json"

hold() { # NAME PID PORT HEAPFN PINGFN
  local name=$1 pid=$2 port=$3 heap_fn=$4
  local rss0 heap0 rss1 heap1
  heap0=$($heap_fn "$([ "$name" = pingscope ] && echo "$pid" || echo "$port")")
  rss0=$(rss_kb "$pid")
  NODE_PATH=$WORK/node/node_modules taskset -c "$LOAD_CPU" node "$BENCH/ws-hold-client.js" "ws://127.0.0.1:$port/ws" \
    "$HOLD_CONNECTIONS" "$HOLD_SECONDS" >"$RESULTS/hold-client-$name.json" 2>"$WORK/hold-client-$name.log" &
  local client=$!
  # Memory is read 10 s into the hold, once every connection is open (opening 10,000 can take a minute).
  until grep -q '^held ' "$WORK/hold-client-$name.log" || ! kill -0 "$client" 2>/dev/null; do sleep 1; done
  cat "$WORK/hold-client-$name.log" >&2
  sleep 10
  heap1=$($heap_fn "$([ "$name" = pingscope ] && echo "$pid" || echo "$port")")
  rss1=$(rss_kb "$pid")
  wait "$client"
  printf '{"rss_before_kb":%s,"rss_held_kb":%s,"heap_before_kb":%s,"heap_held_kb":%s}\n' \
    "$rss0" "$rss1" "$heap0" "$heap1" >"$RESULTS/hold-memory-$name.json"
}

say "holding $HOLD_CONNECTIONS WebSocket connections for ${HOLD_SECONDS}s with server PINGs every second: pingscope"
kill "$PS_PID"; sleep 1
P_PS2=$(free_port); start_pingscope "$P_PS2"; PS2_PID=$STARTED; wait_for "http://127.0.0.1:$P_PS2/healthz"
hold pingscope "$PS2_PID" "$P_PS2" java_heap_kb
sleep 2
curl -s "http://127.0.0.1:$P_PS2/api/stats" >"$RESULTS/hold-pings-pingscope.json"
curl -s "http://127.0.0.1:$P_PS2/metrics" | grep -E '^pingscope_probes_lost_total\{kind="ws_ping"' >"$RESULTS/hold-lost-pingscope.txt" || true

# The longest GC pause of the holding server (its log covers its start, the ramp-up and the hold), in ms;
# not the full collections this script asks for to read the heap in use (System.gc()).
grep -v 'System.gc()' "$WORK/gc-$P_PS2.log" | grep -oE 'Pause.* ([0-9.]+)ms$' | grep -oE '[0-9.]+ms$' | tr -d 'ms' | sort -g | tail -1 \
  | awk '{print} END{if (NR==0) print 0}' >"$RESULTS/hold-gc-pingscope.txt"

say "holding $HOLD_CONNECTIONS WebSocket connections for ${HOLD_SECONDS}s: node ws"
curl -s "http://127.0.0.1:$P_WS/pings" >/dev/null   # forget the pings of the earlier loads
hold nodews "$WS_PID" "$P_WS" node_heap_kb
curl -s "http://127.0.0.1:$P_WS/pings" >"$RESULTS/hold-pings-nodews.json"

kill "$PS2_PID" "$WS_PID"; sleep 1
say "what holding $HOLD_CONNECTIONS costs a visitor: server/bench/hold-cost.sh, both servers afresh"
BUILD=0 OUT_DIR=$RESULTS NODE_MODULES=$WORK/node/node_modules SERVER_CPU=$SERVER_CPU LOAD_CPU=$LOAD_CPU \
  HOLD_CONNECTIONS=$HOLD_CONNECTIONS PINGSCOPE_JVM_OPTS=$PINGSCOPE_JVM_OPTS "$BENCH/hold-cost.sh" both >/dev/null

say "writing ${OUT%.md}.md and .svg"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "cores=$(nproc)"
  echo "memory=$(free -g | awk '/Mem:/{print $2" GiB"}')"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "jvm_opts=$(sed -n 's/^PINGSCOPE_JVM_DEFAULTS="\(.*\)"$/\1/p' server/bin/pingscope) $PINGSCOPE_JVM_OPTS (server/bin/pingscope)"
  echo "nginx=$(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "node=$(node -v)"
  echo "ws=$(node -e "console.log(require('$WORK/node/node_modules/ws/package.json').version)")"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1" "$2}')"
  echo "rate_seconds=$RATE_SECONDS"
  echo "hold_connections=$HOLD_CONNECTIONS"
  echo "hold_seconds=$HOLD_SECONDS"
} >"$RESULTS/machine.txt"
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
node "$BENCH/report.js" "$RESULTS" "$OUT" "${OUT%.md}.svg"
