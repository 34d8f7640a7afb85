#!/usr/bin/env bash
# The accuracy table of docs/accuracy.md: Chromium, Firefox ESR and WebKitGTK, on pingscope's own page over https
# (cross-origin isolated) and over plain http, and embedded in a page of another origin, against an independent
# reference echo across two network namespaces, idle and under a download load
# (server/src/test/java/dev/pingscope/load/AccuracyBench.java).
# Writes its block into docs/accuracy.md between <!-- accuracy:start and <!-- accuracy:end -->.
# Needs root (namespaces), iproute2, and the browsers the test command installs (chromium, firefox-esr,
# webkit2gtk-driver, xvfb). About 1.5 minutes per run per browser.
#
# Usage: server/bench/accuracy.sh [RUNS per cell, default 2] [BROWSERS, e.g. chromium,webkit; default all three]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-2}
browsers=${2:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "accuracy.sh: needs root (it makes network namespaces)" >&2; exit 2; }
server/bench/java-bench.sh dev.pingscope.load.AccuracyBench "$out" "$runs" "$browsers"
node -e '
const fs = require("fs");
const [page, block] = [process.argv[1], fs.readFileSync(process.argv[2], "utf8").trim()];
const md = fs.readFileSync(page, "utf8");
const re = /<!-- accuracy:start[\s\S]*<!-- accuracy:end -->/;
fs.writeFileSync(page, re.test(md) ? md.replace(re, block) : md.trimEnd() + "\n\n" + block + "\n");
' docs/accuracy.md "$out"
echo "docs/accuracy.md: accuracy block written"
