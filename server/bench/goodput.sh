#!/usr/bin/env bash
# Goodput of the load endpoints (docs/load.md) on loopback, against nginx doing the same job:
#   download: GET /load/download?bytes=N   vs nginx serving an N-byte file (sendfile on)
#   upload:   POST /load/upload (discarded) vs nginx reading and discarding the body (return 204)
# One stream and four parallel streams, each the median of REPEATS runs after an untimed warm-up round,
# with curl as the client. Each
# server is pinned to one core (SERVER_CPU), curl to the other (LOAD_CPU). Writes the figures into
# docs/benchmarks.md between <!-- goodput:start --> and <!-- goodput:end -->. Takes about a minute.
#
# Usage: server/bench/goodput.sh        (from anywhere; needs java, nginx, curl, taskset, python3)
# Knobs (environment): SERVER_CPU=0 LOAD_CPU=1 BYTES=1073741824 REPEATS=3 OUT=docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
BYTES=${BYTES:-1073741824}
REPEATS=${REPEATS:-3}
OUT=${OUT:-docs/benchmarks.md}
PINGSCOPE_JVM_OPTS=${PINGSCOPE_JVM_OPTS:-}   # more JVM options, after the launcher's own (server/bin/pingscope)
WORK=$(mktemp -d /tmp/pingscope-goodput.XXXXXX)
chmod 755 "$WORK"   # nginx workers run as an unprivileged user and must read the file they serve
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for cmd in java nginx curl taskset python3; do
  command -v "$cmd" >/dev/null || { echo "goodput: '$cmd' is needed" >&2; exit 2; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "goodput: $1 did not come up" >&2; exit 1; }

[ -f server/target/pingscope.jar ] || ./mvnw -B -q -Dmaven.test.skip=true package
# The same number of random bytes for nginx to serve and for both to swallow (1 GiB: a few seconds each).
head -c "$BYTES" /dev/urandom >"$WORK/blob"

P_PS=$(free_port)
JAVA_OPTS="$PINGSCOPE_JVM_OPTS" taskset -c "$SERVER_CPU" server/bin/pingscope --host 127.0.0.1 --port "$P_PS" \
  --instance bench --load-max-bytes "$BYTES" >"$WORK/pingscope.log" 2>&1 &
PIDS+=($!)
P_NG=$(free_port)
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;                       # nginx at its best: the kernel copies the file
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$P_NG;
    location = /part { alias $WORK/part; default_type application/octet-stream; }
    # return 204 makes nginx read the whole body and throw it away (ngx_http_discard_request_body)
    location = /upload { client_max_body_size 0; return 204; }
  }
}
CONF
taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS+=($!)
wait_for "http://127.0.0.1:$P_PS/healthz"
wait_for "http://127.0.0.1:$P_NG/upload"

# STREAMS URL [upload]: prints the aggregate goodput in Mbit/s of STREAMS parallel curls, each moving
# BYTES/STREAMS bytes, the size of $WORK/part (checked: a short transfer is an error, not a fast one).
run() {
  local streams=$1 url=$2 mode=${3:-download} per=$((BYTES / $1)) i pids=()
  : >"$WORK/out"
  for i in $(seq 1 "$streams"); do
    if [ "$mode" = upload ]; then
      taskset -c "$LOAD_CPU" curl -sS -o "$WORK/body" -X POST -H 'Content-Type: application/octet-stream' \
        -H 'Expect:' -T "$WORK/part" -w '%{size_upload} %{time_total}\n' "$url" >>"$WORK/out" &
    else
      taskset -c "$LOAD_CPU" curl -sS -o /dev/null -w '%{size_download} %{time_total}\n' "$url" >>"$WORK/out" &
    fi
    pids+=($!)
  done
  wait "${pids[@]}"
  [ -n "${GOODPUT_DEBUG:-}" ] && cat "$WORK/out" >&2
  python3 - "$WORK/out" "$per" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
per = int(sys.argv[2])
for size, _ in rows:
    if int(float(size)) != per:
        sys.exit(f"goodput: a transfer moved {size} bytes, not {per}")
print(sum(int(float(s)) for s, _ in rows) * 8 / max(float(t) for _, t in rows) / 1e6)
PY
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # STREAMS URL [upload]
  for _ in $(seq 1 "$REPEATS"); do run "$@"; done | median
}

declare -A R
# One untimed round first: the JVM compiles its hot paths, nginx and the page cache warm up alike.
head -c $((BYTES / 4)) "$WORK/blob" >"$WORK/part"
chmod 644 "$WORK/part"
REPEATS=1 measure 4 "http://127.0.0.1:$P_PS/load/download?bytes=$((BYTES / 4))" >/dev/null
REPEATS=1 measure 4 "http://127.0.0.1:$P_NG/part" >/dev/null
REPEATS=1 measure 4 "http://127.0.0.1:$P_PS/load/upload" upload >/dev/null
REPEATS=1 measure 4 "http://127.0.0.1:$P_NG/upload" upload >/dev/null
for streams in 1 4; do
  head -c $((BYTES / streams)) "$WORK/blob" >"$WORK/part"
  chmod 644 "$WORK/part"
  R[ps_down_$streams]=$(measure "$streams" "http://127.0.0.1:$P_PS/load/download?bytes=$((BYTES / streams))")
  R[ng_down_$streams]=$(measure "$streams" "http://127.0.0.1:$P_NG/part")
  R[ps_up_$streams]=$(measure "$streams" "http://127.0.0.1:$P_PS/load/upload" upload)
  R[ng_up_$streams]=$(measure "$streams" "http://127.0.0.1:$P_NG/upload" upload)
done
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*nginx\///')

BLOCK=$(python3 - "$BYTES" "$REPEATS" "$NGINX_VERSION" \
  "${R[ps_down_1]}" "${R[ng_down_1]}" "${R[ps_up_1]}" "${R[ng_up_1]}" \
  "${R[ps_down_4]}" "${R[ng_down_4]}" "${R[ps_up_4]}" "${R[ng_up_4]}" <<'PY'
import sys, datetime
b, reps, ngv = int(sys.argv[1]), sys.argv[2], sys.argv[3]
v = [float(x) for x in sys.argv[4:]]
rows = [("download, 1 stream", v[0], v[1]), ("upload, 1 stream", v[2], v[3]),
        ("download, 4 streams", v[4], v[5]), ("upload, 4 streams", v[6], v[7])]
out = ["<!-- goodput:start -->", "## Load endpoints: goodput against nginx", "",
       f"Measured {datetime.date.today()} by `server/bench/goodput.sh` on loopback: {b / 2**30:g} GiB per run",
       f"(split over the streams), curl as the client, each server on one core and curl on the other; median of {reps} runs.",
       "pingscope streams `GET /load/download?bytes=N` from one pre-filled random buffer with asynchronous writes and",
       f"discards `POST /load/upload`; nginx {ngv} (one worker) serves the same bytes from a file with `sendfile on` and",
       "reads and discards the upload with `return 204`.", "",
       "| transfer | pingscope Mbit/s | nginx Mbit/s | pingscope / nginx |", "|---|---:|---:|---:|"]
for name, ps, ng in rows:
    out.append(f"| {name} | {ps:,.0f} | {ng:,.0f} | {ps / ng:.2f}x |")
out += ["", "Loopback figures are CPU figures: both sides share two cores, so they say how much a server spends per",
        "byte, not what a network would carry. A real load test runs at the client's line rate, far below these.",
        "<!-- goodput:end -->"]
print("\n".join(out))
PY
)
echo "$BLOCK"
python3 - "$OUT" "$BLOCK" <<'PY'
import re, sys
path, block = sys.argv[1], sys.argv[2]
text = open(path).read()
if "<!-- goodput:start -->" in text:
    text = re.sub(r"<!-- goodput:start -->[\s\S]*<!-- goodput:end -->", lambda m: block, text)
elif "<!-- soak:start -->" in text:
    text = text.replace("<!-- soak:start -->", block + "\n\n<!-- soak:start -->", 1)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
