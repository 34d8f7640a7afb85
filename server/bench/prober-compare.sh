#!/usr/bin/env bash
# Compares the old raw-socket prober (commit 35f816d) with the current one on java.net.http, in one run,
# against the same fixed targets, so that any difference is the client's own noise:
#   http_head : nginx answering HEAD /ping with 204 (server/bench/nginx.conf), over plain HTTP/1.1
#   ws_echo   : node's `ws` echo server (server/bench/ws-echo-server.js)
# Old and new alternate (ROUNDS times each) at the same rate; then the new prober alone over
# https (nginx with a self-signed certificate), by h2 and by --http1.1. Servers run pinned to SERVER_CPU,
# probers to LOAD_CPU. Prints a markdown table (corrected and raw percentiles in ms). About 6 minutes.
#
# Usage: server/bench/prober-compare.sh   (needs java, git, node/npm, nginx, openssl, taskset, curl)
# Knobs: RATE=200 MEASURE_SECONDS=30 WARMUP_SECONDS=5 CONNECTIONS=1 ROUNDS=2 SERVER_CPU=0 LOAD_CPU=1
#        OLD_COMMIT=35f816d  OLD_JAR=… / NEW_JAR=… (skip building them)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/server/bench
RATE=${RATE:-200}
SECONDS_MEASURED=${MEASURE_SECONDS:-30}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-1}
ROUNDS=${ROUNDS:-2}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OLD_COMMIT=${OLD_COMMIT:-35f816d}
WORK=$(mktemp -d /tmp/pingscope-prober-compare.XXXXXX)
PIDS=()
OLD_TREE=

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$OLD_TREE" ]; then git -C "$ROOT" worktree remove --force "$OLD_TREE" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*" >&2; }
for cmd in java git node npm nginx openssl taskset curl; do
  command -v "$cmd" >/dev/null || { echo "prober-compare: '$cmd' is needed (apt-get install nginx-light nodejs npm openssl)" >&2; exit 2; }
done

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { for _ in $(seq 1 200); do curl -sk -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$1 did not come up" >&2; exit 1; }

if [ -z "${NEW_JAR:-}" ]; then
  say "building the current prober"
  ./mvnw -B -q -Dmaven.test.skip=true package
  cp server/target/pingscope.jar "$WORK/new.jar"; NEW_JAR=$WORK/new.jar
fi
if [ -z "${OLD_JAR:-}" ]; then
  say "building the old prober from $OLD_COMMIT"
  OLD_TREE=$WORK/old-tree
  git worktree add --detach "$OLD_TREE" "$OLD_COMMIT" >/dev/null 2>&1
  (cd "$OLD_TREE" && ./mvnw -B -q -Dmaven.test.skip=true package)
  cp "$OLD_TREE/server/target/pingscope.jar" "$WORK/old.jar"; OLD_JAR=$WORK/old.jar
  git worktree remove --force "$OLD_TREE"; OLD_TREE=
fi

say "starting nginx (http and https/h2) and the node ws echo server"
npm install --silent --no-audit --no-fund --prefix "$WORK/node" ws@8 >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
P_HTTP=$(free_port); P_TLS=$(free_port); P_WS=$(free_port)
mkdir -p "$WORK/nginx/tmp"
# the bench's nginx.conf, plus a TLS server with HTTP/2 answering the same /ping
sed -e "s#__PREFIX__#$WORK/nginx#g" -e "s#__PORT__#$P_HTTP#g" "$BENCH/nginx.conf" \
  | sed -e '$d' >"$WORK/nginx/nginx.conf"
cat >>"$WORK/nginx/nginx.conf" <<CONF
  server {
    listen 127.0.0.1:$P_TLS ssl http2;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    location = /ping { return 204; }
  }
}
CONF
taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS+=($!)
NODE_PATH=$WORK/node/node_modules taskset -c "$SERVER_CPU" node "$BENCH/ws-echo-server.js" "$P_WS" >"$WORK/node.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$P_HTTP/ping"; wait_for "https://127.0.0.1:$P_TLS/ping"; wait_for "http://127.0.0.1:$P_WS/pings"

WARMUP=$((RATE * WARMUP_SECONDS / CONNECTIONS))
DURATION=$((SECONDS_MEASURED + WARMUP_SECONDS))s
RESULTS=$WORK/results; mkdir -p "$RESULTS"
probe() { # NAME JAR KIND URL [options…]
  local name=$1 jar=$2 kind=$3 url=$4; shift 4
  say "$name: $kind $url $* at $RATE/s, $CONNECTIONS connection(s), ${SECONDS_MEASURED}s after ${WARMUP_SECONDS}s warm-up"
  taskset -c "$LOAD_CPU" java -XX:+UseSerialGC -jar "$jar" probe "$url" --kinds "$kind" --rate "$RATE" \
    --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$@" >"$RESULTS/$name.json"
}
for round in $(seq 1 "$ROUNDS"); do
  probe "http_head nginx|old|$round" "$OLD_JAR" http_head "http://127.0.0.1:$P_HTTP"
  probe "http_head nginx|new|$round" "$NEW_JAR" http_head "http://127.0.0.1:$P_HTTP"
  probe "ws_echo node ws|old|$round" "$OLD_JAR" ws_echo "http://127.0.0.1:$P_WS"
  probe "ws_echo node ws|new|$round" "$NEW_JAR" ws_echo "http://127.0.0.1:$P_WS"
done
probe "http_head nginx https|new|1" "$NEW_JAR" http_head "https://127.0.0.1:$P_TLS" --cacert "$WORK/cert.pem"
probe "http_head nginx https --http1.1|new|1" "$NEW_JAR" http_head "https://127.0.0.1:$P_TLS" --cacert "$WORK/cert.pem" --http1.1

say "results"
echo "Run on $(date -u +%Y-%m-%dT%H:%MZ): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"); $(java -version 2>&1 | head -1); $(nginx -v 2>&1 | sed 's/^nginx version: //'); node $(node -v)."
echo "$RATE probes/s on $CONNECTIONS connection(s), ${SECONDS_MEASURED} s measured after ${WARMUP_SECONDS} s of warm-up; servers on CPU $SERVER_CPU, probers on CPU $LOAD_CPU."
echo
node - "$RESULTS" <<'JS'
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const f = (v) => (v == null ? '' : v.toFixed(3));
console.log('| target | prober | round | protocol | answered | lost | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | raw p50 ms | raw p99 ms | sent late |');
console.log('|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const file of fs.readdirSync(dir).sort((a, b) => a.split('|')[2].localeCompare(b.split('|')[2]) || a.localeCompare(b))) {
  const [target, prober, round] = file.replace(/\.json$/, '').split('|');
  const kinds = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).kinds;
  const [kind] = Object.keys(kinds), k = kinds[kind], c = k.corrected, r = k.raw;
  const protocol = k.protocols ? k.protocols.join(', ') : (kind === 'http_head' ? 'http/1.1' : 'ws');
  console.log(`| ${target} | ${prober} | ${round} | ${protocol} | ${k.answered} | ${k.lost} | ${f(c.p50_ms)} | ${f(c.p90_ms)} | ${f(c.p99_ms)} | ${f(c.p99_9_ms)} | ${f(c.max_ms)} | ${f(r.p50_ms)} | ${f(r.p99_ms)} | ${k.sent_late} |`);
}
JS
