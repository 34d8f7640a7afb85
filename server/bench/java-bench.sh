#!/usr/bin/env bash
# Runs a benchmark's main class from the server's test sources (dev.pingscope.load.*Bench) on the test classpath,
# after compiling them: the one way the bench scripts start a Java bench.
#
# Usage: server/bench/java-bench.sh CLASS [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
class=$1
shift
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -B -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" -Dpingscope.installTestPackages=false
java --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "server/target/test-classes:server/target/classes:web/target/classes:$(cat "$cp")" "$class" "$@"
