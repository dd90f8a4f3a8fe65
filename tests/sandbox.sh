#!/usr/bin/env bash
# Runs one command in the sandbox tests/run.sh gives every test: its own mount, network
# and PID namespaces, a private bpffs, /proc and /run, loopback up. For fuzzers and
# for replaying a single test case by hand:
#   tests/sandbox.sh build/tests/differential_test --seed 0x1 --only 42
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "tests/sandbox.sh: tests load BPF programs and create namespaces: run as root" >&2
	exit 1
fi
[ $# -gt 0 ] || { echo "usage: tests/sandbox.sh COMMAND [ARG...]" >&2; exit 2; }

# Already inside (tests/run.sh, or an outer tests/sandbox.sh): just run it.
if [ -n "${XDPPORT_TEST_SANDBOX:-}" ]; then
	exec "$@"
fi
export XDPPORT_TEST_SANDBOX=1
source tests/lib/sandbox.sh
sandbox_run test "$@"
