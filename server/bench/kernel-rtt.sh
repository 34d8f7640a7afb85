#!/usr/bin/env bash
# What the kernel's RTT figures (srtt, rttvar, min_rtt) of pingscope's probe connections mean, beside a reference
# echo over an idle veth path between two network namespaces: the measurement behind docs/protocol.md,
# "The kernel's RTT as a reference" (server/src/test/java/dev/pingscope/load/KernelRttMeaningBench.java).
# Prints its figures phase by phase. Needs root (namespaces), iproute2 and Debian's chromium. About 2.5 minutes.
#
# Usage: server/bench/kernel-rtt.sh
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "kernel-rtt.sh: needs root (it makes network namespaces)" >&2; exit 2; }
exec "$(dirname "$0")/java-bench.sh" dev.pingscope.load.KernelRttMeaningBench
