#!/usr/bin/env bash
# Flood-limit benchmarks, run by tests/bench/bench.sh inside its sandbox (or on their own
# with tests/sandbox.sh tests/bench/bench-limits.sh WORKDIR): prints a Markdown section.
#  - build/tests/bench/limit_bench: ns per frame, accuracy of the shared bucket
#    against per-CPU buckets on one and two CPUs, per source under a spoofed flood;
#  - end to end: a UDP flood over the limit from one CPU through veth, Mpps with
#    xdpport's limit (the real CLI), next to the same port without a limit, the empty
#    XDP_DROP floor, nftables `limit rate` and an nftables meter in netdev ingress.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$1
SMOKE=${SMOKE:-${BENCH_SMOKE:-}}
FRAMES=$([ -n "$SMOKE" ] && echo 500000 || echo 5000000)
ROUNDS=$([ -n "$SMOKE" ] && echo 1 || echo 5)
X=$PWD/build/xdpport
XDPGEN=$PWD/build/tests/tools/xdpgen
RXPROG=$PWD/build/tests/bench/rxprog
RATE=50000 BURST=10000

build/tests/bench/limit_bench --rounds "$ROUNDS" --frames "$FRAMES" \
	--repeat "$([ -n "$SMOKE" ] && echo 300000 || echo 5000000)"

TX=xlim-$$-tx RX=xlim-$$-rx
cleanup() { ip netns del "$TX" 2>/dev/null || true; ip netns del "$RX" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$TX"
ip netns add "$RX"
ip -n "$TX" link add lt$$ type veth peer name lr$$ netns "$RX"
for ns in "$TX" "$RX"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$TX" link set lt$$ address 02:00:00:00:00:01 up
ip -n "$RX" link set lr$$ address 02:00:00:00:00:02 up
in_rx() { nsenter --net="/run/netns/$RX" "$@"; }

nft_up() {	# nft_up RULE: an XDP_PASS floor, then RULE in netdev ingress
	in_rx "$RXPROG" attach lr$$ floor_pass
	ip netns exec "$RX" nft -f - <<-EOF
	table netdev limbench {
		chain ingress {
			type filter hook ingress device "lr$$" priority 0;
			$1
		}
	}
	EOF
}

receiver_up() {
	case $1 in
	floor) in_rx "$RXPROG" attach lr$$ floor_drop ;;
	xdpport-deny) in_rx "$X" --force flush >/dev/null; in_rx "$X" attach lr$$ >/dev/null
		in_rx "$X" deny 9/udp 2>/dev/null ;;
	xdpport-limit) in_rx "$X" --force flush >/dev/null; in_rx "$X" attach lr$$ >/dev/null
		in_rx "$X" limit 9/udp $RATE/s burst $BURST ;;
	xdpport-source) in_rx "$X" --force flush >/dev/null; in_rx "$X" attach lr$$ >/dev/null
		in_rx "$X" limit 9/udp $RATE/s burst $BURST per-source ;;
	nft-limit) nft_up "udp dport 9 limit rate over $RATE/second burst $BURST packets counter drop" ;;
	nft-meter) nft_up "udp dport 9 meter perip size 65536 { ip saddr limit rate over $RATE/second burst $BURST packets } counter drop" ;;
	esac
}

receiver_down() {
	case $1 in
	xdpport-*) in_rx "$X" detach --all >/dev/null ;;
	nft-*) ip netns exec "$RX" nft delete table netdev limbench; in_rx "$RXPROG" detach lr$$ ;;
	*) in_rx "$RXPROG" detach lr$$ ;;
	esac
}

# Mpps the generator reached (one CPU sends and, in its softirq, receives).
send() {
	nsenter --net="/run/netns/$TX" "$XDPGEN" --dev lt$$ --count "$FRAMES" --cpu-list 0 \
		--proto udp --dport 9 | tr ' ' '\n' | sed -n 's/^mpps=//p'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A LABEL=(
	[floor]="empty XDP_DROP (floor)"
	[xdpport-deny]="xdpport, the port denied (no limit)"
	[xdpport-limit]="xdpport limit $RATE/s burst $BURST"
	[xdpport-source]="xdpport limit ... per-source (one source)"
	[nft-limit]="nftables netdev ingress \`limit rate over\` + XDP_PASS floor"
	[nft-meter]="nftables netdev ingress meter per ip saddr + XDP_PASS floor"
)
echo "### End to end: a flood over the limit (live frames through veth, one CPU)"
echo
echo "64-byte UDP frames to udp/9 from one generator thread on CPU 0, $FRAMES a run,"
echo "$ROUNDS runs, median; the limit is $RATE/s burst $BURST, so almost every frame is"
echo "over it. ns per frame = 1000 / Mpps: the sender's and the receiver's work on"
echo "that one CPU, the same for every receiver."
echo
echo "| receiver | Mpps | ns per frame | vs xdpport limit | runs |"
echo "|---|--:|--:|--:|---|"
declare -A MPPS RUNS
for rx in floor xdpport-deny xdpport-limit xdpport-source nft-limit nft-meter; do
	if [[ $rx == nft-* ]] && ! command -v nft >/dev/null; then
		continue
	fi
	if ! receiver_up "$rx" >/dev/null 2>"$WORK/limits-$rx.err"; then
		echo "| ${LABEL[$rx]} | could not set up: $(head -c 200 "$WORK/limits-$rx.err") | | | |"
		receiver_down "$rx" >/dev/null 2>&1 || true
		continue
	fi
	send >/dev/null	# warm up
	runs=()
	for ((r = 0; r < ROUNDS; r++)); do runs+=("$(send)"); done
	MPPS[$rx]=$(median "${runs[@]}")
	RUNS[$rx]="${runs[*]}"
	receiver_down "$rx" >/dev/null 2>&1
done
for rx in floor xdpport-deny xdpport-limit xdpport-source nft-limit nft-meter; do
	[ -n "${MPPS[$rx]:-}" ] || continue
	awk -v l="${LABEL[$rx]}" -v m="${MPPS[$rx]}" -v x="${MPPS[xdpport-limit]:-0}" -v r="${RUNS[$rx]}" \
		'BEGIN { v = x > 0 ? sprintf("%.2f", m / x) : "-"
			 printf "| %s | %.2f | %.0f | %s | %s |\n", l, m, 1000 / m, v, r }'
done
