#!/usr/bin/env bash
# The saved results' benchmark: saves per second and save latency on SQLite and on PostgreSQL 15, and
# HEAD /ping latency alone and while saves run (server/src/test/java/dev/pingscope/results/ResultsBench.java).
# Writes its block into docs/benchmarks.md between <!-- results-bench:start --> and <!-- results-bench:end -->
# (server/bench/report.js keeps that block when run.sh rewrites the page). Needs a JDK and Debian's
# postgresql (run as root: the throwaway cluster runs as the postgres user). About a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
cp=$(mktemp)
trap 'rm -f "$out" "$cp"' EXIT
./mvnw -B -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" -Dpingscope.installTestPackages=false
java -cp "server/target/test-classes:server/target/classes:web/target/classes:$(cat "$cp")" \
  dev.pingscope.results.ResultsBench "$out"
node -e '
const fs = require("fs");
const [page, block] = [process.argv[1], fs.readFileSync(process.argv[2], "utf8").trim()];
const md = fs.readFileSync(page, "utf8");
const re = /<!-- results-bench:start[\s\S]*<!-- results-bench:end -->/;
fs.writeFileSync(page, re.test(md) ? md.replace(re, block) : md.trimEnd() + "\n\n" + block + "\n");
' docs/benchmarks.md "$out"
echo "docs/benchmarks.md: results-bench block written"
