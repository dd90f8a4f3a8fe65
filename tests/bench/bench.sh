#!/usr/bin/env bash
# Data-path benchmarks for xdpport (run by `make bench`, as root):
#  1. per-packet cost with BPF_PROG_TEST_RUN for each frame class and verdict path,
#     next to the floor (an empty program) and xdp-filter's all-features program;
#  2. end to end through the veth driver: live frames from one namespace, counted
#     where they arrive in the other, for xdpport and every alternative, on 1 and 2 cores;
#  3. (tests/bench/bench-control.sh) the control plane; 4. (tests/bench/bench-limits.sh) flood
#     limits: cost, accuracy, spoofed floods, against nftables limit rate and a meter.
#  5. the same filter with and without `xdpport capture` running (bench-capture.sh);
#  6. (tests/bench/bench-replies.sh) replies: floods with no flow, outbound TCP throughput
#     with the egress program, against nftables ct state.
# Writes BENCHMARKS.md (Markdown tables, every figure a median ± half the range of its
# rounds) and bench.png (gnuplot) to docs/, or to build/bench/ for a smoke run.
#
# Environment:
#   BENCH_ROUNDS     rounds per figure (default 5; 1 is a smoke run)
#   BENCH_SMOKE=1    small counts, report in build/bench/ (what `make bench-smoke` does)
#   BENCH_FRAMES     frames per end-to-end measurement (default 5000000)
#   BENCH_REPEAT     frames per BPF_PROG_TEST_RUN measurement (default 5000000)
#   BENCH_CPUS       the two CPUs to run on (default "0 1")
#   BENCH_RECEIVERS  receivers to measure end to end (default: all, see RECEIVERS)
#   BENCH_OUT        directory for BENCHMARKS.md and bench.png
#   BENCH_NOTE       a line of text for the report (e.g. "quiet machine, turbo off")
#   BENCH_SOURCES=0  leave out tests/bench/bench-sources.sh (source addresses, blocklists)
#   BENCH_REPORT_ONLY=1  measure nothing: rebuild the report and chart from the last
#                    run's data in build/bench/work-full (with BENCH_SMOKE=1:
#                    work-smoke), e.g. after editing the report
set -euo pipefail
cd "$(dirname "$0")/../.."

# Root, the sandbox (no interface ever exists in the host's namespace) and the
# settings: tests/bench/settings.sh.
source tests/bench/settings.sh
bench_start bench.sh "$0" "$@"
read -r CPU0 CPU1 <<<"${BENCH_CPUS:-0 1}"
# Raw data, kept apart for smoke and full runs so a smoke run never clobbers the other.
WORK=build/bench/work-${SMOKE:+smoke}
[ -n "$SMOKE" ] || WORK+=full
if [ -n "${BENCH_REPORT_ONLY:-}" ]; then
	[ -r "$WORK/settings" ] || { echo "bench.sh: no previous run in $WORK" >&2; exit 1; }
	# shellcheck source=/dev/null # written below by the run that measured
	. "$WORK/settings"
else
	mkdir -p "$WORK"
	rm -f "$WORK"/*
	declare -p SMOKE ROUNDS FRAMES REPEAT OUT CPU0 CPU1 >"$WORK/settings"
fi
mkdir -p "$OUT"

XDPGEN=build/tests/tools/xdpgen
RXPROG=build/tests/bench/rxprog
for tool in "$XDPGEN" "$RXPROG" build/tests/bench/xdp_cost build/tests/bench/e2e_report \
	build/tests/bench/limit_bench; do
	[ -x "$tool" ] || { echo "bench.sh: $tool missing: run make benches" >&2; exit 1; }
done

# --- The veth pair ------------------------------------------------------------------
# Two queues on each end so two generators, one per CPU, each feed their own queue.
TXNS=xbench-$$-tx RXNS=xbench-$$-rx TXDEV=xb$$t RXDEV=xb$$r

cleanup() {
	ip netns del "$TXNS" 2>/dev/null || true
	ip netns del "$RXNS" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_rx() { nsenter --net="/run/netns/$RXNS" "$@"; }
in_tx() { nsenter --net="/run/netns/$TXNS" "$@"; }

make_pair() {
	ip netns add "$TXNS"
	ip netns add "$RXNS"
	ip -n "$TXNS" link add "$TXDEV" numtxqueues 2 numrxqueues 2 type veth \
		peer name "$RXDEV" numtxqueues 2 numrxqueues 2 netns "$RXNS"
	# No IPv6, no address on the sender: the kernel sends nothing of its own.
	ip netns exec "$TXNS" sysctl -qw "net.ipv6.conf.$TXDEV.disable_ipv6=1"
	ip netns exec "$RXNS" sysctl -qw "net.ipv6.conf.$RXDEV.disable_ipv6=1"
	# The MACs tests/lib/packet puts in its frames; the receiver owns the destination
	# address, so frames that pass reach its UDP/TCP stack (closed ports).
	ip -n "$TXNS" link set "$TXDEV" address 02:00:00:00:00:01 up
	ip -n "$RXNS" link set "$RXDEV" address 02:00:00:00:00:02 up
	ip -n "$RXNS" link set lo up
	ip -n "$RXNS" addr add 198.18.0.2/24 dev "$RXDEV"
}

# --- Receivers ----------------------------------------------------------------------
# Each drops the same traffic: udp/9, tcp/9 and udp/10000-10255 (except xdpport-pass,
# which passes it to closed ports through the stack).
RECEIVERS=(floor-drop xdpport-rule xdpport-policy xdpport-pass xdp-filter iptables nftables)
declare -A LABEL=(
	[floor-drop]="empty XDP_DROP (floor)"
	[xdpport-rule]="xdpport, drop by rule"
	[xdpport-policy]="xdpport, drop by policy"
	[xdpport-pass]="xdpport, pass to closed port (skb path)"
	[xdp-filter]="xdp-filter load + port (all features)"
	[iptables]="iptables raw PREROUTING DROP + XDP_PASS floor"
	[nftables]="nftables netdev ingress drop + XDP_PASS floor"
)
declare -A NEEDS=([xdp-filter]=xdp-filter [iptables]=iptables [nftables]=nft)
RULES=(udp/9 tcp/9 udp/10000-10255)

# Hook for the CLI: once build/xdpport exists, the xdpport receivers can be set up with
# `xdpport attach` and its rules instead of rxprog (same program, same maps).
xdpport_up() {
	local policy=$1 verdict=$2 args=()

	if [ "$verdict" != none ]; then
		for r in "${RULES[@]}"; do args+=("--$verdict" "$r"); done
	fi
	in_rx "$RXPROG" attach "$RXDEV" xdpport --policy "$policy" "${args[@]}" \
		--pin "/sys/fs/bpf/rxprog-$$"
}

receiver_up() {
	case $1 in
	floor-drop) in_rx "$RXPROG" attach "$RXDEV" floor_drop ;;
	xdpport-rule) xdpport_up pass drop ;;
	xdpport-policy) xdpport_up drop none ;;
	xdpport-pass) xdpport_up pass pass ;;
	xdp-filter)
		in_rx xdp-filter load "$RXDEV" >/dev/null
		in_rx xdp-filter port 9 >/dev/null	# tcp and udp
		for port in $(seq 10000 10255); do
			in_rx xdp-filter port "$port" --proto udp >/dev/null
		done
		;;
	iptables)
		in_rx "$RXPROG" attach "$RXDEV" floor_pass
		ip netns exec "$RXNS" iptables -t raw -A PREROUTING -p udp --dport 9 -j DROP
		ip netns exec "$RXNS" iptables -t raw -A PREROUTING -p tcp --dport 9 -j DROP
		ip netns exec "$RXNS" iptables -t raw -A PREROUTING -p udp --dport 10000:10255 -j DROP
		;;
	nftables)
		in_rx "$RXPROG" attach "$RXDEV" floor_pass
		ip netns exec "$RXNS" nft -f - <<-EOF
		table netdev xdpbench {
			chain ingress {
				type filter hook ingress device "$RXDEV" priority 0;
				udp dport { 9, 10000-10255 } counter drop
				tcp dport 9 counter drop
			}
		}
		EOF
		;;
	esac
}

receiver_down() {
	case $1 in
	xdp-filter) in_rx xdp-filter unload --all >/dev/null ;;
	iptables)
		ip netns exec "$RXNS" iptables -t raw -F PREROUTING
		in_rx "$RXPROG" detach "$RXDEV"
		;;
	nftables)
		ip netns exec "$RXNS" nft delete table netdev xdpbench
		in_rx "$RXPROG" detach "$RXDEV"
		;;
	*) in_rx "$RXPROG" detach "$RXDEV" ;;
	esac
}

kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# Frames the receiving driver ran XDP on, and frames it dropped there.
received() { kv xdp_packets "$(in_rx "$RXPROG" devstats "$RXDEV")"; }
xdp_dropped() { kv xdp_drops "$(in_rx "$RXPROG" devstats "$RXDEV")"; }

# Frames the receiver's own mechanism dropped, from its own counters.
dropped() {
	case $1 in
	iptables)
		ip netns exec "$RXNS" iptables -t raw -L PREROUTING -v -x -n |
			awk 'NR > 2 { s += $1 } END { print s + 0 }'
		;;
	nftables)
		ip netns exec "$RXNS" nft list table netdev xdpbench |
			awk '{ for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) }
			     END { print s + 0 }'
		;;
	*) xdp_dropped ;;
	esac
}

# xdpport's own count of what it dropped must match the driver's.
xdpport_drops() {
	local t

	t=$("$RXPROG" totals --pin "/sys/fs/bpf/rxprog-$$")
	echo $(($(kv drop_rule "$t") + $(kv drop_policy "$t")))
}

TRAFFIC=(udp1 udp256 tcp1)
traffic_args() {
	case $1 in
	udp1) echo --proto udp --dport 9 ;;
	udp256) echo --proto udp --dport 10000 --span 256 ;;
	tcp1) echo --proto tcp --dport 9 ;;
	esac
}
declare -A TRAFFIC_LABEL=(
	[udp1]="64-byte UDP frames to one port"
	[udp256]="64-byte UDP frames spread over 256 ports"
	[tcp1]="64-byte TCP SYN frames to one port"
)

# One measurement: a line of raw.tsv (see tests/bench/e2e_report.c).
measure() {
	local round=$1 traffic=$2 rx=$3 cores=$4 cpus=$CPU0 gen r0 r1 d0 d1 x0=0 x1=0

	[ "$cores" = 2 ] && cpus=$CPU0,$CPU1
	r0=$(received)
	d0=$(dropped "$rx")
	[[ $rx == xdpport-* ]] && x0=$(xdpport_drops)
	# shellcheck disable=SC2046 # word splitting of the traffic options is wanted
	gen=$(in_tx "$XDPGEN" --dev "$TXDEV" --count "$FRAMES" --cpu-list "$cpus" \
		$(traffic_args "$traffic"))
	sleep 0.05	# a poll deferred to ksoftirqd
	r1=$(received)
	d1=$(dropped "$rx")
	[[ $rx == xdpport-* ]] && x1=$(xdpport_drops)
	if [[ $rx == xdpport-* ]] && [ $((x1 - x0)) -ne $((d1 - d0)) ]; then
		echo "bench.sh: $rx $traffic: xdpport counted $((x1 - x0)) drops, the driver $((d1 - d0))" |
			tee -a "$WORK/warnings" >&2
	fi
	printf '%d\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%s\n' "$round" "$traffic" "$rx" "$cores" \
		"$(kv sent "$gen")" "$(kv ns "$gen")" "$(kv cpu_max_ns "$gen")" \
		$((r1 - r0)) $((d1 - d0)) "${LABEL[$rx]}" >>"$WORK/raw.tsv"
	printf '  %-15s %-7s %d core(s): %6.2f Mpps received\n' "$rx" "$traffic" "$cores" \
		"$(echo "$((r1 - r0)) $(kv ns "$gen")" | awk '{ print $1 * 1e3 / $2 }')"
}

end_to_end() {
	local wanted=() active=()
	read -r -a wanted <<<"${BENCH_RECEIVERS:-${RECEIVERS[*]}}"

	for rx in "${wanted[@]}"; do
		if [ -n "${NEEDS[$rx]:-}" ] && ! command -v "${NEEDS[$rx]}" >/dev/null; then
			echo "bench.sh: ${NEEDS[$rx]} not installed: $rx left out (scripts/deps.sh bench)" |
				tee -a "$WORK/warnings" >&2
			continue
		fi
		active+=("$rx")
	done
	make_pair
	# Rounds outermost, so every receiver is measured in every round, minutes apart
	# at most, and per-round ratios compare like with like.
	for ((round = 0; round < ROUNDS; round++)); do
		echo "end to end: round $((round + 1)) of $ROUNDS"
		for rx in "${active[@]}"; do
			receiver_up "$rx"
			in_tx "$XDPGEN" --dev "$TXDEV" --count 100000 >/dev/null	# warm up
			for cores in 1 2; do
				for traffic in "${TRAFFIC[@]}"; do
					measure "$round" "$traffic" "$rx" "$cores"
				done
			done
			receiver_down "$rx"
		done
	done
	cleanup
}

# --- Control plane (hook) -----------------------------------------------------------
# The control plane (tests/bench/bench-control.sh): apply and allow/deny timings, a
# ruleset swap under live load. It gets the work directory; we already are sandboxed.
control_plane() {
	tests/bench/bench-control.sh "$WORK"
}

# --- Report ---------------------------------------------------------------------------
# With IRQ time accounting, softirq time is not charged to the task it interrupts.
irq_time_accounted() {
	local config

	config=/boot/config-$(uname -r)

	if [ -r /proc/config.gz ]; then
		zgrep -q '^CONFIG_IRQ_TIME_ACCOUNTING=y' /proc/config.gz
	elif [ -r "$config" ]; then
		grep -q '^CONFIG_IRQ_TIME_ACCOUNTING=y' "$config"
	else
		return 1
	fi
}

version() { "$@" 2>/dev/null | head -n 1 || echo "not installed"; }

machine() {
	local model cores mem

	model=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
	cores=$(nproc)
	mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	cat <<-EOF
	| | |
	|---|---|
	| CPU | ${model:-unknown}, $cores online CPUs (benchmarks use CPUs $CPU0 and $CPU1) |
	| Memory | $mem |
	| Kernel | $(uname -r) ($(uname -v)) |
	| Date | $(date -u '+%Y-%m-%d %H:%M UTC') |
	| Load average at start / end | $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg) |
	| Rounds | $ROUNDS per figure; $REPEAT frames per TEST_RUN, $FRAMES frames per end-to-end measurement |
	| clang | $(version clang --version) |
	| libbpf | $(pkg-config --modversion libbpf 2>/dev/null || echo unknown) |
	| xdp-tools | $(dpkg-query -W -f='${Version}' xdp-tools 2>/dev/null || echo "not installed") |
	| nftables | $(version nft --version) |
	| iptables | $(version iptables --version) |
	EOF
}

chart() {
	command -v gnuplot >/dev/null || { echo "bench.sh: gnuplot not installed: no chart" >&2; return; }
	# TEST_RUN: the rule-drop path of every class (ICMP: its only path).
	awk -F'\t' '!/^#/ && ($2 == "rule drop" || $2 == "unfiltered pass")' "$WORK/cost.tsv" \
		>"$WORK/cost.plot"
	# End to end, one port of UDP: one line per receiver, 1 and 2 cores side by side.
	awk -F'\t' '!/^#/ && $1 == "udp1" { m[$2, $3] = $4; s[$2, $3] = $5; l[$2] = $2
		if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
		END { for (i = 0; i < n; i++) { r = order[i]
			printf "%s\t%s\t%s\t%s\t%s\n", l[r], m[r, 1], s[r, 1], m[r, 2], s[r, 2] } }' \
		"$WORK/e2e-wall.dat" >"$WORK/e2e.plot"
	gnuplot <<-EOF
	set terminal pngcairo size 1400,1000 font ",10" noenhanced
	set output "$OUT/bench.png"
	set datafile separator "\t"
	set multiplot layout 2,1 title "xdpport benchmarks, $(uname -r), $(date -u +%Y-%m-%d)"
	set style data histogram
	set style histogram errorbars gap 2 lw 1
	set style fill solid 0.7 border -1
	set grid ytics
	set key top left
	set title "BPF_PROG_TEST_RUN cost per frame, rule drop path (lower is better)"
	set ylabel "ns per frame"
	set yrange [0:*]
	plot "$WORK/cost.plot" using 3:4:xtic(1) title "floor (empty program)", \
	     "" using 5:6 title "xdpport", \
	     "" using 7:8 title "xdp-filter all features"
	set title "End to end through veth, 64-byte UDP to one port, wall clock (higher is better)"
	set ylabel "Mpps received"
	set xtics rotate by -15 left
	plot "$WORK/e2e.plot" using 2:3:xtic(1) title "1 core", "" using 4:5 title "2 cores"
	unset multiplot
	EOF
}

report() {
	{
		echo "# xdpport benchmarks"
		echo
		echo "Generated by \`make bench\` (tests/bench/bench.sh). Re-run it rather than edit this file."
		[ -n "$SMOKE" ] && echo && echo "**Smoke run** ($ROUNDS round, small counts): checks the benchmarks work; the figures mean little."
		[ -n "${BENCH_NOTE:-}" ] && echo && echo "Note: $BENCH_NOTE"
		echo
		echo "## Machine"
		echo
		cat "$WORK/machine.md"
		if awk -v l="$LOAD_START" 'BEGIN { exit !(l > 0.5) }'; then
			echo
			echo "> The machine was not idle (load average $LOAD_START when the run began):"
			echo "> absolute figures are noisy. Ratios compare measurements taken moments apart"
			echo "> in the same round and hold up better; re-run on a quiet machine for the record."
		fi
		echo
		echo "## Targets"
		echo
		echo "Per-packet cost (section 1):"
		echo
		grep -h '^- ' "$WORK/cost.md" || true
		echo
		echo "End to end (section 2; ✓ met, ✗ missed):"
		echo
		cat "$WORK/targets-wall.md"
		echo
		cat "$WORK/targets-cpu.md"
		echo
		echo "## 1. Per-packet cost (BPF_PROG_TEST_RUN)"
		echo
		echo "Each program runs one 60-byte frame (74 for IPv6/TCP, 78 with the extension"
		echo "header) \`repeat\` times in the kernel; the three programs are measured back to back"
		echo "in every round. *floor* is an empty program that returns the same verdict"
		echo "(tests/bpf/xdp_floor.bpf.c), so floor ns is the cost of running any XDP program at all."
		echo "xdp-filter is Debian's all-features program (policy allow for the drop-by-rule and"
		echo "pass-by-policy paths, policy deny for the other two), its port map set the way"
		echo "\`xdp-filter port\` sets it. ns are medians ± half the range; ratios are medians of"
		echo "per-round ratios."
		echo
		cat "$WORK/cost.md"
		echo
		echo "## 2. End to end through veth"
		echo
		echo "The live-frames generator (tests/lib/livegen, build/tests/tools/xdpgen) sends"
		echo "$FRAMES frames per measurement from one namespace; they are counted where they"
		echo "arrive, by the receiving veth's XDP counters (received, and dropped for XDP"
		echo "receivers) or the filter's own counters (nftables, iptables). Mpps = frames"
		echo "received ÷ the generator's wall time. Every receiver drops udp/9, tcp/9 and"
		echo "udp/10000-10255, except *pass to closed port*, which passes them to the stack."
		echo
		echo "*1 core*: one generator thread pinned to CPU $CPU0. veth processes what it receives"
		echo "in the same CPU's softirq at the end of every generator batch, so one core does both"
		echo "the sending and the receiving; the generator's share is the same for every"
		echo "receiver, which makes ratios between receivers smaller than the receivers' own"
		echo "cost ratios. *2 cores*: two generator threads on CPUs $CPU0 and $CPU1, each feeding"
		echo "its own queue of a two-queue veth pair. The *dropped* column is the lowest share of"
		echo "received frames the receiver dropped in any round (100% for every drop receiver"
		echo "means nothing slipped through)."
		echo
		echo "### 2a. By wall clock"
		echo
		echo "Frames received ÷ the generator's elapsed time: the figure the targets are set in."
		cat "$WORK/e2e-wall.md"
		echo
		echo "### 2b. By CPU time"
		echo
		echo "Frames received ÷ the CPU time of the busiest sending thread. The receiving"
		echo "veth's work runs in that thread's softirq and is charged to it, while time that"
		echo "other tasks took the CPU is not: this is what the wall clock would show with the"
		echo "CPUs to ourselves. It corrects for preemption by other tenants, not for what they"
		echo "do to shared caches. On a quiet machine 2a and 2b agree."
		if irq_time_accounted; then
			echo
			echo "> This kernel has CONFIG_IRQ_TIME_ACCOUNTING: softirq time is not charged to"
			echo "> the sending thread, so these figures leave the receive work out and overstate"
			echo "> every rate. Use 2a."
		fi
		cat "$WORK/e2e-cpu.md"
		if [ -s "$WORK/warnings" ]; then
			echo
			echo "### Warnings"
			echo
			sed 's/^/- /' "$WORK/warnings"
		fi
		echo
		echo "## Chart"
		echo
		echo "![benchmarks](bench.png)"
		echo
		echo "## 3. Control plane"
		echo
		control_plane
		echo
		echo "## 4. Flood limits"
		echo
		cat "$WORK/limits.md"
		echo
		echo "## 5. Capture (\`xdpport capture\`)"
		echo
		cat "$WORK/capture.md" 2>/dev/null || echo "Not measured in this run."
		echo
		echo "## 6. Replies"
		echo
		sed 's/^#/###/' "$WORK/replies.md" 2>/dev/null || echo "Not measured in this run."
		echo
		echo "## Reproduce"
		echo
		echo '```'
		echo "make bench                   # as root; installs xdp-tools, nftables, iptables, gnuplot"
		echo "BENCH_ROUNDS=1 make bench    # or make bench-smoke: quick check, report in build/bench/"
		echo '```'
	} >"$OUT/BENCHMARKS.md"
}

if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
	LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
	declare -p LOAD_START >>"$WORK/settings"
	echo "per-packet cost: $ROUNDS rounds of $REPEAT frames"
	build/tests/bench/xdp_cost --rounds "$ROUNDS" --repeat "$REPEAT" --cpu "$CPU0" \
		--data "$WORK/cost.tsv" >"$WORK/cost.md"
	cat "$WORK/cost.md"
	touch "$WORK/raw.tsv"
	end_to_end
	echo "flood limits (tests/bench/bench-limits.sh)"
	tests/bench/bench-limits.sh "$WORK" >"$WORK/limits.md"
	echo "capture: the filter with and without a capture running"
	tests/bench/bench-capture.sh >"$WORK/capture.md"
	echo "replies: floods with no flow, outbound TCP with the egress program"
	BENCH_ROUNDS=$ROUNDS tests/bench/bench-replies.sh >"$WORK/replies.md"
	machine >"$WORK/machine.md"
fi
for clock in wall cpu; do
	build/tests/bench/e2e_report --floor floor-drop --subject xdpport-rule \
		--versus nftables,iptables --clock "$clock" --targets "$WORK/targets-$clock.md" \
		--data "$WORK/e2e-$clock.dat" <"$WORK/raw.tsv" >"$WORK/e2e-$clock.md"
	for t in "${TRAFFIC[@]}"; do
		sed -i "s|^#### Traffic: $t\$|#### $t: ${TRAFFIC_LABEL[$t]}|" "$WORK/e2e-$clock.md"
	done
done
cat "$WORK/e2e-wall.md" "$WORK/targets-wall.md" "$WORK/e2e-cpu.md" "$WORK/targets-cpu.md"
chart
report
# Source addresses (blocklists, sets): their own report, BENCH-SOURCES.md, same settings.
if [ -z "${BENCH_REPORT_ONLY:-}" ] && [ "${BENCH_SOURCES:-1}" != 0 ]; then
	BENCH_ROUNDS=$ROUNDS BENCH_SMOKE=$SMOKE BENCH_OUT=$OUT BENCH_CPUS="$CPU0 $CPU1" \
		tests/bench/bench-sources.sh
fi
echo "bench.sh: wrote $OUT/BENCHMARKS.md and $OUT/bench.png (raw data in $WORK)"
