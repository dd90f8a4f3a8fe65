#!/usr/bin/env bash
# Parallel invocations lose no update: 8 processes at once, each toggling its own 200
# ports through the real binary (allow a pair of ports, a whole-ruleset switch; then
# deny the second one, a write in place). The final ruleset must hold every one of
# the 1600 rules, exactly as each process left them.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

WORKERS=8
PORTS_EACH=200
BASE=20000

worker() {
	local first=$((BASE + $1 * PORTS_EACH)) p
	for ((p = first; p < first + PORTS_EACH; p += 2)); do
		"$XDPPORT" allow "$p" "$((p + 1))" 2>/dev/null || return 1
		"$XDPPORT" deny "$((p + 1))" 2>/dev/null || return 1
	done
}

expected_list() {
	local p
	printf 'policy     tcp pass, udp pass\nfragments  pass\nreplies    on\nrules      %d\n' \
		$((WORKERS * PORTS_EACH))
	for ((p = BASE; p < BASE + WORKERS * PORTS_EACH; p += 2)); do
		printf '  allow %d\n  deny  %d\n' "$p" $((p + 1))
	done
}

xp_reset
netns_pair 51
check "attach xp51b" in_ns xp51b "$XDPPORT" attach xp51b
pids=()
for ((w = 0; w < WORKERS; w++)); do
	worker "$w" &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
check "$WORKERS workers, every command exited 0" test "$failed" -eq 0
diffs=$(diff <(expected_list) <(xp list) | grep -c '^[<>]')
record $([ "$diffs" -eq 0 ] && echo 1 || echo 0) \
	"all $((WORKERS * PORTS_EACH)) rules are there, nothing else" "$diffs lines differ"

summary
