#!/usr/bin/env bash
# Control-plane speed: wall time of single xdpport commands on a running filter, and
# single-port updates per second through the library calls a command makes. Prints
# figures; asserts nothing. Runs in a private mount and network namespace with its
# own bpffs (like tests/run.sh), the filter attached to a veth end there.
#   tests/bench/bench-cli.sh [RUNS]      (as root, after `make tests`; default 200 runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-200}

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-cli: it loads BPF programs and creates namespaces: run as root" >&2
	exit 1
fi
for f in build/xdpport build/tests/tools/clibench; do
	[ -x "$f" ] || { echo "bench-cli: $f is missing: run 'make tests'" >&2; exit 1; }
done
source tests/lib/sandbox.sh
sandbox_enter XDPPORT_BENCH_SANDBOX tool "$0" "$@"
unset SSH_CONNECTION

X=$PWD/build/xdpport
B=$PWD/build/tests/tools/clibench
trap 'ip netns del benchcli-a 2>/dev/null; ip netns del benchcli-b 2>/dev/null' EXIT
ip netns add benchcli-a
ip netns add benchcli-b
ip link add benchcli-a netns benchcli-a type veth peer name benchcli-b netns benchcli-b
ip -n benchcli-b link set benchcli-b up
nsenter --net=/run/netns/benchcli-b "$X" attach benchcli-b >/dev/null

echo "xdpport control plane, $(uname -r), $(nproc) CPUs, $RUNS runs each (alternating pairs)"
echo "process start-up on this machine, for scale:"
"$B" spawn "$RUNS" "/bin/true" "$X version"
echo "one port (written in place):"
"$B" spawn "$RUNS" "$X allow 443" "$X delete 443"
echo "a whole protocol (switches the ruleset):"
"$B" spawn "$((RUNS / 4 > 10 ? RUNS / 4 : 10))" "$X allow 1-65535/udp" "$X delete 1-65535/udp"
echo "reading:"
"$B" spawn "$RUNS" "$X list" "$X status"
echo "single-port updates through the library calls, no exec:"
"$B" updates 2
