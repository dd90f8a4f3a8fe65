#!/usr/bin/env bash
# Replies benchmark (#11), end to end through a veth pair, in its own sandbox (as
# tests/bench/bench.sh does): a "host" namespace filtered by the real xdpport CLI under
# `allow 22/tcp` + `policy drop`, a "world" namespace that sends floods (live frames,
# tests/tools/xdpgen) and runs an iperf3 server. Prints, from one run:
#  1. floods the host has no flow for, dropped per second (of the sender's CPU time and
#     of wall time): a SYN flood to tcp/80, a UDP flood over 256 ports, a TCP ACK flood
#     (tests/bench/ackflood: ACKs look like replies), with replies on, replies off
#     (what the previous build did: drop without looking),
#     an empty XDP_DROP program (the floor) and nftables doing the same job (an inet
#     input chain: policy drop, ct state established,related accept, tcp dport 22
#     accept; behind an XDP_PASS program, which live frames need on the receiving end);
#  2. the host's outbound TCP throughput (iperf3, host -> world) with nothing attached,
#     with xdpport's XDP program alone (rxprog: no egress program), with `xdpport
#     attach` (XDP + the TC egress program) under policy pass and under policy drop
#     (every inbound ACK then passes as a reply), and with the nftables ruleset.
# Every figure is the median of its rounds; ratios compare figures of this run. It
# asserts nothing (targets: floods within 10% of replies off; egress >= 95%).
#
# Environment: BENCH_ROUNDS (default 3), BENCH_FRAMES frames per flood (2000000),
#   BENCH_CPU the CPU the generator runs on (0), BENCH_IPERF_S seconds per iperf3 run (3)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Everything happens in the tests' sandbox (tests/sandbox.sh: private mount and network
# namespaces, bpffs and /run/netns): no interface ever exists in the host's namespace.
[ -n "${XDPPORT_TEST_SANDBOX:-}" ] || exec tests/sandbox.sh "$(realpath "$0")" "$@"
unset SSH_CONNECTION	# the lockout guard: these rules allow tcp/22 anyway

ROUNDS=${BENCH_ROUNDS:-3}
FRAMES=${BENCH_FRAMES:-2000000}
CPU=${BENCH_CPU:-0}
IPERF_S=${BENCH_IPERF_S:-3}
XDPPORT=build/xdpport XDPGEN=build/tests/tools/xdpgen RXPROG=build/tests/bench/rxprog
ACKFLOOD=build/tests/bench/ackflood
for tool in "$XDPPORT" "$XDPGEN" "$RXPROG" "$ACKFLOOD"; do
	[ -x "$tool" ] || { echo "bench-replies.sh: $tool missing: run make all benches" >&2; exit 1; }
done
command -v iperf3 >/dev/null || { echo "bench-replies.sh: iperf3 missing (scripts/deps.sh bench)" >&2; exit 1; }
HAVE_NFT=
if command -v nft >/dev/null; then HAVE_NFT=1; fi

WORLD=xrbench-$$-w HOST=xrbench-$$-h WDEV=xrb$$w HDEV=xrb$$h
WORK=$(mktemp -d /tmp/xdpport-bench-replies.XXXXXX)
cleanup() {
	ip netns pids "$WORLD" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$WORLD" 2>/dev/null || true
	ip netns del "$HOST" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_host() { nsenter --net="/run/netns/$HOST" "$@"; }
in_world() { nsenter --net="/run/netns/$WORLD" "$@"; }
xp() { in_host "$XDPPORT" "$@" >/dev/null; }

# The MACs and addresses of tests/lib/packet's frames: world 198.18.0.1, host .2.
ip netns add "$WORLD"
ip netns add "$HOST"
ip -n "$WORLD" link add "$WDEV" numtxqueues 2 numrxqueues 2 type veth \
	peer name "$HDEV" numtxqueues 2 numrxqueues 2 netns "$HOST"
for ns in "$WORLD" "$HOST"; do
	ip -n "$ns" link set lo up
	nsenter --net="/run/netns/$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$WORLD" link set "$WDEV" address 02:00:00:00:00:01 up
ip -n "$HOST" link set "$HDEV" address 02:00:00:00:00:02 up
ip -n "$WORLD" addr add 198.18.0.1/24 dev "$WDEV"
ip -n "$HOST" addr add 198.18.0.2/24 dev "$HDEV"
until ip -n "$HOST" -br link show "$HDEV" | grep -q ' UP '; do sleep 0.05; done
in_world iperf3 -s -B 198.18.0.1 >/dev/null 2>&1 &

# --- Setups of the host ---------------------------------------------------------------
nft_ruleset() {
	in_host nft -f - <<-EOF
	table inet xrbench {
		chain input {
			type filter hook input priority 0; policy drop;
			ct state established,related accept
			iif lo accept
			tcp dport 22 accept
			counter drop
		}
	}
	EOF
}

setup_up() {
	case $1 in
	floor) in_host "$RXPROG" attach "$HDEV" floor_drop ;;
	none) ;;
	xdp-only) in_host "$RXPROG" attach "$HDEV" xdpport --policy pass --pin /sys/fs/bpf/rxprog ;;
	on | off | pass | drop)
		xp flush
		xp attach "$HDEV"	# then the rules, live (no "not attached yet" warnings)
		xp allow 22/tcp
		case $1 in
		on | drop) xp policy drop; xp replies on ;;
		off) xp policy drop; xp replies off ;;
		pass) xp policy pass; xp replies on ;;
		esac
		;;
	nft) in_host "$RXPROG" attach "$HDEV" floor_pass; nft_ruleset ;;
	nft-only) nft_ruleset ;;
	esac
}

setup_down() {
	case $1 in
	none) ;;
	on | off | pass | drop) xp detach "$HDEV"; xp flush ;;
	nft) in_host nft delete table inet xrbench; in_host "$RXPROG" detach "$HDEV" ;;
	nft-only) in_host nft delete table inet xrbench ;;
	*) in_host "$RXPROG" detach "$HDEV" ;;
	esac
}

kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# Frames dropped so far by the host's setup: the driver's XDP drops, or nftables' counter.
drops() {
	if [[ $1 == nft ]]; then
		in_host nft list table inet xrbench |
			awk '{ for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }'
	else
		kv xdp_drops "$(in_host "$RXPROG" devstats "$HDEV")"
	fi
}

generate() {	# generate FLOOD: FRAMES frames of that flood out of the world's end
	case $1 in
	syn) in_world "$XDPGEN" --dev "$WDEV" --count "$FRAMES" --cpu-list "$CPU" --proto tcp --dport 80 ;;
	udp) in_world "$XDPGEN" --dev "$WDEV" --count "$FRAMES" --cpu-list "$CPU" --proto udp \
		--dport 10000 --span 256 ;;
	ack) in_world "$ACKFLOOD" "$WDEV" "$FRAMES" "$CPU" 80 ;;
	esac
}

# One flood: appends "setup flood Mpps-dropped" to $WORK/floods (per second of the
# sender's CPU time, which includes the receiver's XDP work run in its softirq: what
# the rate would be with the CPU to ourselves) and to $WORK/floods-wall (wall time).
flood() {
	local setup=$1 kind=$2 d0 d1 gen
	d0=$(drops "$setup")
	gen=$(generate "$kind")
	sleep 0.05
	d1=$(drops "$setup")
	rate() { awk -v d=$((d1 - d0)) -v ns="$1" 'BEGIN { printf "%.3f", d * 1e3 / ns }'; }
	echo "$setup $kind $(rate "$(kv cpu_max_ns "$gen")")" >>"$WORK/floods"
	echo "$setup $kind $(rate "$(kv ns "$gen")")" >>"$WORK/floods-wall"
}

# One iperf3 run host -> world: appends "setup Gbit/s" to $WORK/tcp.
throughput() {
	local bps
	bps=$(in_host iperf3 -c 198.18.0.1 -t "$IPERF_S" -J 2>/dev/null |
		awk -F'[:,]' '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ { print $2; exit }')
	echo "$1 $(awk -v b="${bps:-0}" 'BEGIN { printf "%.3f", b / 1e9 }')" >>"$WORK/tcp"
}

FLOOD_SETUPS=(floor off on)
[ -n "$HAVE_NFT" ] && FLOOD_SETUPS+=(nft)
FLOODS=(syn udp ack)
TCP_SETUPS=(none xdp-only pass drop)
[ -n "$HAVE_NFT" ] && TCP_SETUPS+=(nft-only)

for ((round = 1; round <= ROUNDS; round++)); do
	echo "round $round of $ROUNDS" >&2
	for setup in "${FLOOD_SETUPS[@]}"; do
		setup_up "$setup"
		in_world "$XDPGEN" --dev "$WDEV" --count 100000 --cpu-list "$CPU" >/dev/null	# warm up
		for kind in "${FLOODS[@]}"; do flood "$setup" "$kind"; done
		setup_down "$setup"
	done
	for setup in "${TCP_SETUPS[@]}"; do
		setup_up "$setup"
		throughput "$setup"
		setup_down "$setup"
	done
done

# --- Report -------------------------------------------------------------------------
median() {	# median FILE KEY...: the median of the last field of lines starting with KEY
	local file=$1
	shift
	awk -v k="$*" '{ v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == k) print v }' "$file" |
		sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); else print 0 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

declare -A LABEL=([floor]="empty XDP_DROP (floor)" [off]="xdpport, replies off"
	[on]="xdpport, replies on" [nft]="nftables ct (XDP_PASS in front)"
	[none]="nothing attached" [xdp-only]="xdpport XDP only, no egress program (policy pass)"
	[pass]="xdpport attach, policy pass (XDP + egress)"
	[drop]="xdpport attach, policy drop + replies (ACKs pass as replies)"
	[nft-only]="nftables ct ruleset, no XDP")
echo
echo "# Replies benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "$ROUNDS rounds, medians; $FRAMES 64-byte frames per flood from CPU $CPU; iperf3 ${IPERF_S} s per run"
[ -n "$HAVE_NFT" ] || echo "nftables left out: nft is not installed (scripts/deps.sh bench)"
echo
for clock in "" -wall; do
	echo "## Floods with no flow behind them: Mpps dropped, per second of" \
		"$([ -z "$clock" ] && echo "the sender's CPU time" || echo "wall time")"
	echo "| setup |$(printf ' %s |' "${FLOODS[@]}")"
	printf '|---|%s\n' "$(printf -- '---|%.0s' "${FLOODS[@]}")"
	for setup in "${FLOOD_SETUPS[@]}"; do
		row="| ${LABEL[$setup]} |"
		for kind in "${FLOODS[@]}"; do
			row+=" $(median "$WORK/floods$clock" "$setup" "$kind") |"
		done
		echo "$row"
	done
	echo
done
echo "Ratios, CPU time:"
echo "| ratio |$(printf ' %s |' "${FLOODS[@]}")"
printf '|---|%s\n' "$(printf -- '---|%.0s' "${FLOODS[@]}")"
for pair in "on off" "on floor" ${HAVE_NFT:+"on nft"}; do
	read -r a b <<<"$pair"
	row="| $a / $b |"
	for kind in "${FLOODS[@]}"; do
		row+=" $(ratio "$(median "$WORK/floods" "$a" "$kind")" "$(median "$WORK/floods" "$b" "$kind")") |"
	done
	echo "$row"
done
echo
echo "## The host's outbound TCP throughput (iperf3): Gbit/s"
echo "| setup | Gbit/s |"
echo "|---|---|"
for setup in "${TCP_SETUPS[@]}"; do echo "| ${LABEL[$setup]} | $(median "$WORK/tcp" "$setup") |"; done
echo
echo "| ratio | value |"
echo "|---|---|"
for pair in "pass xdp-only" "drop xdp-only" "drop none" ${HAVE_NFT:+"drop nft-only"}; do
	read -r a b <<<"$pair"
	echo "| $a / $b | $(ratio "$(median "$WORK/tcp" "$a")" "$(median "$WORK/tcp" "$b")") |"
done
