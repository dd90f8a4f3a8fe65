#!/usr/bin/env bash
# Capture benchmarks, run by tests/bench/bench.sh inside its sandbox (private mount and
# network namespace, own bpffs): prints a Markdown section for the report.
#  1. per frame: BPF_PROG_TEST_RUN of the attached filter program (bpftool prog run)
#     with its capture hook empty, while `xdpport capture` runs with the default rate
#     cap, with a cap of 1 frame/s (what the hook costs), and with no cap;
#  2. end to end: frames dropped per second during a live-frames flood through veth,
#     with no capture, with a capture at the default cap, and with no cap.
#   tests/bench/bench-capture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SMOKE=${SMOKE:-${BENCH_SMOKE:-}}
ROUNDS=$([ -n "$SMOKE" ] && echo 1 || echo 5)
REPEAT=$([ -n "$SMOKE" ] && echo 200000 || echo 2000000)
FRAMES=$([ -n "$SMOKE" ] && echo 300000 || echo 5000000)
X=$PWD/build/xdpport
XDPGEN=$PWD/build/tests/tools/xdpgen
TMP=$(mktemp -d)

. tests/lib/netns.sh	# netns_pair, in_ns
CAP_PID=
cleanup() {
	[ -n "$CAP_PID" ] && kill -KILL "$CAP_PID" 2>/dev/null
	netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
netns_pair 99
for ns in "$CLIENT" "$SERVER"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
in_rx() { in_ns "$SERVER" "$@"; }
in_rx "$X" --force flush >/dev/null 2>&1 || true
in_rx "$X" --force deny 10000-10255/udp 2>/dev/null	# what the flood hits: dropped by rule
in_rx "$X" attach "$SERVER_IF" >/dev/null
PROG=$(in_rx "$X" status --json | jq '.interfaces[0].program_id')

# A 60-byte IPv4/UDP frame to port 10000, as the flood sends.
printf '\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00\x45\0\0\x2e\0\0\0\0\x40\x11\0\0\xc6\x12\0\x01\xc6\x12\0\x02\x9c\x40\x27\x10\0\x1a\0\0' >"$TMP/frame"
head -c 18 /dev/zero >>"$TMP/frame"

# capture_on ARGS...: a capture into /dev/null, running once it says so.
capture_on() {
	nsenter --net="/run/netns/$SERVER" "$X" capture -w /dev/null "$@" 2>"$TMP/capture.err" &
	CAP_PID=$!
	for _ in $(seq 200); do grep -q 'Ctrl-C ends' "$TMP/capture.err" && return 0; sleep 0.025; done
	echo "bench-capture.sh: the capture did not start: $(cat "$TMP/capture.err")" >&2
	return 1
}

capture_off() {
	kill -INT "$CAP_PID"
	wait "$CAP_PID" || true
	CAP_PID=
	grep -o '[0-9]* captured.*' "$TMP/capture.err" >>"$TMP/summaries"
}

# ns per frame of one test run of the attached filter program.
test_run() {
	bpftool prog run id "$PROG" data_in "$TMP/frame" repeat "$REPEAT" |
		sed -nE 's/.*duration \(average\): ([0-9]+)ns.*/\1/p'
}

drops() { in_rx "$X" stats --json | jq '.reasons["drop-rule"].packets'; }

# Mpps dropped by xdpport during a flood of FRAMES from CPU 0.
flood() {
	local d0 d1 ns
	d0=$(drops)
	ns=$(in_ns "$CLIENT" "$XDPGEN" --dev "$CLIENT_IF" --count "$FRAMES" --cpu-list 0 \
		--proto udp --dport 10000 --span 256 | tr ' ' '\n' | sed -n 's/^ns=//p')
	sleep 0.05
	d1=$(drops)
	awk -v n=$((d1 - d0)) -v ns="$ns" 'BEGIN { printf "%.3f", n * 1e3 / ns }'
}

# measure KIND: one figure of KIND for each of the three states, into $TMP/KIND.STATE
measure() {
	local kind=$1 fn=$2
	$fn >>"$TMP/$kind.off"
	echo >>"$TMP/$kind.off"
	capture_on
	$fn >>"$TMP/$kind.capped"
	echo >>"$TMP/$kind.capped"
	capture_off
	capture_on --rate 1
	$fn >>"$TMP/$kind.cap1"
	echo >>"$TMP/$kind.cap1"
	capture_off
	capture_on --rate 0
	$fn >>"$TMP/$kind.uncapped"
	echo >>"$TMP/$kind.uncapped"
	capture_off
}

median() { sort -g "$1" | sed '/^$/d' | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -g "$1" | sed '/^$/d' | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%g", (hi - lo) / 2 }'; }

in_ns "$CLIENT" "$XDPGEN" --dev "$CLIENT_IF" --count 100000 >/dev/null	# warm up
for ((round = 0; round < ROUNDS; round++)); do
	echo "capture: round $((round + 1)) of $ROUNDS" >&2
	measure cost test_run
	measure flood flood
done

row() {	# row LABEL KIND STATE UNIT
	printf '| %s | %s ±%s %s | %.2f |\n' "$1" "$(median "$TMP/$2.$3")" "$(spread "$TMP/$2.$3")" "$4" \
		"$(awk -v a="$(median "$TMP/$2.$3")" -v b="$(median "$TMP/$2.off")" 'BEGIN { print a / b }')"
}

cat <<'EOF'
The filter program attached by `xdpport attach` to a veth end, with a ruleset that
drops udp/10000-10255; 60-byte UDP frames to those ports. *off*: no capture; the
capture hook (a tail call into an empty program array slot) falls through. *default
rate cap*: `xdpport capture -w /dev/null` with its cap of 10,000 frames a second per
CPU: the first 10,000 frames of each second are copied, the rest counted and left
out; a short run copies a larger share. *--rate 1*: one frame a second, so the figure
is what the hook and the cap cost each frame. *no cap*: `--rate 0`, every frame is
copied into the ring buffer (those it has no room for are counted as lost): what the
cap protects the filter from.
EOF
echo "Medians of $ROUNDS rounds ± half their range."
echo
echo "| per frame (BPF_PROG_TEST_RUN, $REPEAT frames, whole ns) | ns | × off |"
echo "|---|--:|--:|"
row "capture off" cost off ns
row "capturing, default rate cap" cost capped ns
row "capturing, --rate 1 (the hook and the cap alone)" cost cap1 ns
row "capturing, no cap" cost uncapped ns
echo
echo "| end to end (xdpgen flood, $FRAMES frames, 1 core) | dropped | × off |"
echo "|---|--:|--:|"
row "capture off" flood off Mpps
row "capturing, default rate cap" flood capped Mpps
row "capturing, --rate 1 (the hook and the cap alone)" flood cap1 Mpps
row "capturing, no cap" flood uncapped Mpps
echo
echo "What the captures reported (captured, left out by the rate cap, lost):"
echo
sed 's/^/    /' "$TMP/summaries"
