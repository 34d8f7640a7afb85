#!/usr/bin/env bash
# Soak test: holds CLIENTS probing WebSocket clients on one pingscope instance for DURATION seconds and
# reports, every REPORT seconds, the server's heap (after a full GC) and RSS, open sessions, dropped
# connections and lost probes. Writes its table into docs/benchmarks.md (between the soak markers).
#
# Usage: server/bench/soak.sh     Knobs: CLIENTS=5000 DURATION=600 REPORT=30 SERVER_CPU=0 LOAD_CPU=1
#        PINGSCOPE_JVM_OPTS="-Xmn64m" (added after the launcher's options)  OUT=docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CLIENTS=${CLIENTS:-5000}
DURATION=${DURATION:-600}
REPORT=${REPORT:-30}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PINGSCOPE_JVM_OPTS=${PINGSCOPE_JVM_OPTS:-}   # more JVM options, after the launcher's own (server/bin/pingscope)
OUT=${OUT:-docs/benchmarks.md}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
WORK=$(mktemp -d /tmp/pingscope-soak.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for cmd in java node npm taskset curl jcmd jstat awk; do
  command -v "$cmd" >/dev/null || { echo "soak: '$cmd' is needed" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)"

./mvnw -B -q -Dmaven.test.skip=true package
npm install --silent --no-audit --no-fund --prefix "$WORK/node" ws@8 >/dev/null
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
JAVA_OPTS="$PINGSCOPE_JVM_OPTS" taskset -c "$SERVER_CPU" server/bin/pingscope --host 127.0.0.1 --port "$PORT" \
  --instance soak --ws-max-per-address 100000 --ws-max-connections 100000 >"$WORK/server.log" 2>&1 &
PID=$!; PIDS+=($PID)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done

NODE_PATH=$WORK/node/node_modules taskset -c "$LOAD_CPU" node "$ROOT/server/bench/soak-client.js" \
  "ws://127.0.0.1:$PORT/ws" "$CLIENTS" "$DURATION" "$REPORT" >"$WORK/client.jsonl" &
CLIENT=$!; PIDS+=($CLIENT)

# Heap in use (jstat: survivors + eden + old). A full GC first only when asked: forcing one every report
# would pause the server and show up as ws_ping outliers.
heap_kb() { [ "${1:-}" = gc ] && jcmd "$PID" GC.run >/dev/null; jstat -gc "$PID" | awk 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} NR==2{printf "%.0f", $c["S0U"]+$c["S1U"]+$c["EU"]+$c["OU"]}'; }
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1==m{print $2}'; }
printf '%6s %9s %9s %9s %9s\n' "t(s)" "heap MiB" "RSS MiB" "sessions" "ping lost" | tee "$WORK/server.txt" >&2
START=$(date +%s)
WARM_GC="" LAST_GC="" PAUSES=""
while kill -0 "$CLIENT" 2>/dev/null; do
  sleep "$REPORT"
  kill -0 "$CLIENT" 2>/dev/null || break
  T=$(( $(date +%s) - START ))
  if [ -z "$WARM_GC" ] && [ "$T" -ge 60 ]; then WARM_GC="$T $(heap_kb gc)"; fi            # after warm-up
  if [ $((T + 2 * REPORT)) -ge "$DURATION" ]; then
    # The server's own pauses between the two forced full GCs (theirs are ours, not the server's).
    WARM_T=${WARM_GC%% *}   # empty when the run is shorter than the warm-up: the whole run then
    [ -z "$PAUSES" ] && PAUSES=$(curl -s "http://127.0.0.1:$PORT/api/pauses?seconds=$((T - ${WARM_T:-0} - 2))")
    LAST_GC="$T $(heap_kb gc)"                                                              # near the end
  fi
  printf '%6d %9.1f %9.1f %9s %9s\n' "$T" "$(awk -v k="$(heap_kb)" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$(ps -o rss= -p "$PID")" 'BEGIN{print k/1024}')" "$(metric 'pingscope_websocket_sessions{region="default"}')" \
    "$(metric 'pingscope_probes_lost_total{kind="ws_ping",region="default"}')" | tee -a "$WORK/server.txt" >&2
done
wait "$CLIENT" || true
tail -1 "$WORK/client.jsonl" >&2
curl -s "http://127.0.0.1:$PORT/api/stats" >"$WORK/stats.json"
echo "${WARM_GC:-0 0}" >"$WORK/warm-gc.txt"
echo "${LAST_GC:-0 0}" >"$WORK/last-gc.txt"
echo "${PAUSES:-null}" >"$WORK/pauses.json"

JVM="$(sed -n 's/^PINGSCOPE_JVM_DEFAULTS="\(.*\)"$/\1/p' server/bin/pingscope) $PINGSCOPE_JVM_OPTS (server/bin/pingscope)"
node - "$WORK" "$OUT" "$CLIENTS" "$DURATION" "$JVM" <<'NODE'
const fs = require('fs');
const [dir, out, clients, duration, jvm] = process.argv.slice(2);
const server = fs.readFileSync(`${dir}/server.txt`, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/).map(Number));
const client = fs.readFileSync(`${dir}/client.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const last = client[client.length - 1];
const stats = JSON.parse(fs.readFileSync(`${dir}/stats.json`, 'utf8'));
const ping = stats.series.find((s) => s.kind === 'ws_ping' && s.source === 'server').total;
const [warmT, warmKb] = fs.readFileSync(`${dir}/warm-gc.txt`, 'utf8').trim().split(' ').map(Number);
const [lastT, lastKb] = fs.readFileSync(`${dir}/last-gc.txt`, 'utf8').trim().split(' ').map(Number);
const pauses = JSON.parse(fs.readFileSync(`${dir}/pauses.json`, 'utf8'));
const warm = server.find((r) => r[0] >= 60) || server[0];
const end = server[server.length - 1];
const rows = server.map((r) => `| ${r[0]} | ${r[1].toFixed(1)} | ${r[2].toFixed(1)} | ${r[3]} | ${r[4]} |`);
const section = `<!-- soak:start -->
## Soak: ${clients} probing clients for ${Math.round(duration / 60)} minutes

\`server/bench/soak.sh\` (run ${new Date().toISOString().slice(0, 16)}Z, pingscope with \`${jvm}\`, pinned to one core, the node
clients on the other): ${clients} WebSocket clients, each sending an echo probe every second and answering
the server's PING every second.

| result | figure |
|---|---|
| connections opened / dropped / failed | ${last.open} / ${last.dropped} / ${last.failed} |
| echo probes sent / answered / lost (no echo within 5 s) | ${last.sent} / ${last.echoed} / ${last.lost} |
| server PINGs answered (ws_ping) / p50 / p99 / max | ${ping.count} / ${ping.p50_ms} ms / ${ping.p99_ms} ms / ${ping.max_ms} ms |
| heap after a full GC at ${warmT} s (after warm-up) / at ${lastT} s | ${(warmKb / 1024).toFixed(1)} MiB / ${(lastKb / 1024).toFixed(1)} MiB |
| RSS at ${warm[0]} s / at the end | ${warm[2].toFixed(1)} MiB / ${end[2].toFixed(1)} MiB |
| the server's longest pause (hiccup recorder) over the ${pauses ? pauses.seconds : '?'} s between the forced full GCs / seconds with one over 10 ms | ${pauses ? pauses.maxMs + ' ms / ' + pauses.over10ms : 'n/a'} |

Heap in use below is sampled without forcing a collection (it saws up and down with young GCs); the two
forced full GCs above, after warm-up and near the end, give the live heap.

| t (s) | heap in use (MiB) | RSS (MiB) | open sessions | ws_ping lost (total) |
|---:|---:|---:|---:|---:|
${rows.join('\n')}
<!-- soak:end -->`;
let md = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '# Benchmarks\n';
md = /<!-- soak:start -->[\s\S]*<!-- soak:end -->/.test(md)
  ? md.replace(/<!-- soak:start -->[\s\S]*<!-- soak:end -->/, section)
  : md.trimEnd() + '\n\n' + section + '\n';
fs.writeFileSync(out, md);
console.log(section);
NODE
