#!/usr/bin/env bash
# Times `xdpport apply` of a rules file that sets every one of the 65,536 ports for
# both protocols, one line per (port, protocol), alternating verdicts so that nothing
# merges into ranges: 131,073 lines, the biggest ruleset there is. Prints the median,
# fastest and slowest wall-clock time and the median CPU time of RUNS applies
# (default 51), then the same for `apply --check` and `save`. Runs in a private
# mount namespace with its own bpffs: never touches the host's filter. Root. Not a
# test: nothing here fails on a number.
#   tests/bench/time-apply.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-51}
bin=$PWD/build/xdpport

if [ -z "${XDPPORT_TIMING_SANDBOX:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "time-apply.sh: run as root" >&2; exit 1; }
	[ -x "$bin" ] || { echo "time-apply.sh: build first (make)" >&2; exit 1; }
fi
source tests/lib/sandbox.sh
sandbox_enter XDPPORT_TIMING_SANDBOX tool "$0" "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

awk 'BEGIN {
	print "policy drop"
	for (p = 0; p < 65536; p++) {
		printf "%s %d/tcp\n", (p % 2 ? "allow" : "deny"), p
		printf "%s %d/udp\n", (p % 2 ? "deny" : "allow"), p
	}
}' >"$tmp/all.conf"

# Runs a command RUNS times; prints the median, fastest and slowest wall-clock time,
# and the median CPU time (user + system): on a machine shared with other work the
# wall clock also measures the waiting, CPU time much less so.
measure() {
	local i TIMEFORMAT='%R %U %S'
	for ((i = 0; i < runs; i++)); do
		{ time "$@" >/dev/null 2>&1; } 2>>"$tmp/times"
	done
	awk '{ print $1 * 1000 }' "$tmp/times" | sort -n >"$tmp/wall"
	awk '{ print ($2 + $3) * 1000 }' "$tmp/times" | sort -n >"$tmp/cpu"
	rm -f "$tmp/times"
	printf "median %.1f ms, fastest %.1f ms, slowest %.1f ms; CPU median %.1f ms\n" \
		"$(sed -n "$(((runs + 1) / 2))p" "$tmp/wall")" "$(head -n 1 "$tmp/wall")" \
		"$(tail -n 1 "$tmp/wall")" "$(sed -n "$(((runs + 1) / 2))p" "$tmp/cpu")"
}

"$bin" --force apply "$tmp/all.conf" 2>/dev/null	# maps created once, as on a live system
echo "rules file: $(wc -l <"$tmp/all.conf") lines, $(wc -c <"$tmp/all.conf") bytes; $runs runs each"
echo "apply:         $(measure "$bin" --force apply "$tmp/all.conf")"
echo "apply --check: $(measure "$bin" apply --check "$tmp/all.conf")"
echo "save:          $(measure "$bin" save)"
"$bin" save >"$tmp/saved.conf"
echo "save output:   $(wc -l <"$tmp/saved.conf") lines; identical ruleset after re-apply: $(
	"$bin" --force apply "$tmp/saved.conf" 2>/dev/null && "$bin" save | grep -v '^#' |
		cmp -s - <(grep -v '^#' "$tmp/saved.conf") && echo yes || echo NO)"
