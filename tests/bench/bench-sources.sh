#!/usr/bin/env bash
# Source-address benchmarks (run by `make bench` through tests/bench/bench.sh, or alone, as
# root). One run, side by side:
#  1. per frame with BPF_PROG_TEST_RUN (build/tests/bench/source_cost): a blocklist
#     missed and hit, longer prefixes, a port's source rules, IPv6;
#  2. end to end through veth: a flood of 64-byte udp/9 frames, each from a random
#     IPv4 source (xdpgen --random-source), into
#       xdpport with `deny 9/udp` and no source rules,
#       xdpport with the same and `deny from @big` (the whole list),
#       nftables netdev ingress with an interval set of the list (XDP_PASS floor),
#       ipset hash:net of the list + iptables raw PREROUTING (XDP_PASS floor);
#     every frame is dropped by each (by the list, or by the port rule), so the rates
#     compare only what the list costs;
#  3. load times: `xdpport set`, `nft -f`, `ipset restore` of the same list.
# The list: Debian's libloc database (`location export`: every country, IPv4 and
# IPv6), or BENCH_SET / BENCH_SET6 files. Writes BENCH-SOURCES.md to BENCH_OUT.
#
# Environment: BENCH_ROUNDS (default 5), BENCH_FRAMES (default 5000000), BENCH_SMOKE=1,
# BENCH_CPUS (the CPU to send and receive on: first of "0 1"), BENCH_OUT (default docs,
# build/bench for a smoke run), BENCH_SET, BENCH_SET6.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Root, the sandbox (no interface ever exists in the host's namespace) and the
# settings: tests/bench/settings.sh.
source tests/bench/settings.sh
bench_start bench-sources.sh "$0" "$@"
read -r CPU0 _ <<<"${BENCH_CPUS:-0 1}"
WORK=build/bench/sources
mkdir -p "$WORK" "$OUT"

XDPPORT=$PWD/build/xdpport
XDPGEN=build/tests/tools/xdpgen
RXPROG=build/tests/bench/rxprog
COST=build/tests/bench/source_cost
for tool in "$XDPPORT" "$XDPGEN" "$RXPROG" "$COST"; do
	[ -x "$tool" ] || { echo "bench-sources.sh: $tool missing: run make benches" >&2; exit 1; }
done

# --- The list ---------------------------------------------------------------------
SET=${BENCH_SET:-} SET6=${BENCH_SET6:-}
if [ -z "$SET" ]; then
	command -v location >/dev/null ||
		{ echo "bench-sources.sh: no 'location' (scripts/deps.sh bench): set BENCH_SET" >&2; exit 1; }
	# Exported once (it takes minutes); countries overlap (EU and its members...):
	# one copy of each network.
	if [ ! -s "$WORK/set4" ] || [ ! -s "$WORK/set6" ]; then
		rm -rf "$WORK/loc4" "$WORK/loc6"
		mkdir -p "$WORK/loc4" "$WORK/loc6"
		location export --format list --family ipv4 --directory "$WORK/loc4"
		location export --format list --family ipv6 --directory "$WORK/loc6"
		cat "$WORK"/loc4/* | sort -u >"$WORK/set4"
		cat "$WORK"/loc6/* | sort -u >"$WORK/set6"
	fi
	SET=$WORK/set4 SET6=$WORK/set6
	SOURCE="Debian libloc-database $(dpkg-query -W -f='${Version}' libloc-database 2>/dev/null), every country (location export)"
else
	SOURCE="$SET${SET6:+ and $SET6}"
fi
N4=$(grep -c . "$SET")
N6=$( [ -n "$SET6" ] && grep -c . "$SET6" || echo 0)

# --- 1. Per frame -------------------------------------------------------------------
echo "per frame: $ROUNDS rounds"
taskset -c "$CPU0" "$COST" --set "$SET" ${SET6:+--set6 "$SET6"} --rounds "$((ROUNDS * 2 + 1))" \
	>"$WORK/cost.md"
cat "$WORK/cost.md"

# --- 2. End to end ------------------------------------------------------------------
TXNS=xsrc-$$-tx RXNS=xsrc-$$-rx TXDEV=xs$$t RXDEV=xs$$r
cleanup() {
	ip netns del "$TXNS" 2>/dev/null || true
	ip netns del "$RXNS" 2>/dev/null || true
}
trap cleanup EXIT
in_rx() { nsenter --net="/run/netns/$RXNS" "$@"; }
in_tx() { nsenter --net="/run/netns/$TXNS" "$@"; }

ip netns add "$TXNS"
ip netns add "$RXNS"
ip -n "$TXNS" link add "$TXDEV" type veth peer name "$RXDEV" netns "$RXNS"
ip netns exec "$TXNS" sysctl -qw "net.ipv6.conf.$TXDEV.disable_ipv6=1"
ip netns exec "$RXNS" sysctl -qw "net.ipv6.conf.$RXDEV.disable_ipv6=1"
ip -n "$TXNS" link set "$TXDEV" address 02:00:00:00:00:01 up
ip -n "$RXNS" link set "$RXDEV" address 02:00:00:00:00:02 up
ip -n "$RXNS" addr add 198.18.0.2/24 dev "$RXDEV"

# Seconds a command takes.
timed() {
	local start end
	start=$(date +%s.%N)
	# A load that fails would measure the receiver without the list: stop instead.
	"$@" >/dev/null || { echo "bench-sources.sh: failed: $*" >&2; exit 1; }
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }'
}

declare -A LOAD
RECEIVERS=(xdpport-none xdpport-list nftables ipset)
declare -A LABEL=(
	[xdpport-none]="xdpport, deny 9/udp, no source rules"
	[xdpport-list]="xdpport, deny 9/udp + deny from @big"
	[nftables]="nftables netdev ingress, interval set + udp dport 9 drop"
	[ipset]="ipset hash:net + iptables raw PREROUTING, + udp dport 9 drop"
)
NEEDS_nftables=nft NEEDS_ipset=ipset

receiver_up() {
	case $1 in
	xdpport-none)
		in_rx "$XDPPORT" attach "$RXDEV" >/dev/null 2>&1
		in_rx "$XDPPORT" deny 9/udp 2>/dev/null
		;;
	xdpport-list)
		in_rx "$XDPPORT" attach "$RXDEV" >/dev/null 2>&1
		in_rx "$XDPPORT" deny 9/udp 2>/dev/null
		# The load: reading the list, then building its tables (the rule).
		LOAD[xdpport-list]=$(timed in_rx bash -c \
			"'$XDPPORT' set big '$SET' && '$XDPPORT' deny from @big" 2>/dev/null)
		;;
	nftables)
		in_rx "$RXPROG" attach "$RXDEV" floor_pass
		{
			echo "table netdev xsrc { set big { type ipv4_addr; flags interval; auto-merge; elements = {"
			sed 's/$/,/' "$SET"
			echo "} }"
			echo "chain ingress { type filter hook ingress device \"$RXDEV\" priority 0;"
			echo "ip saddr @big counter drop"
			echo "udp dport 9 counter drop"
			echo "}"	# nft wants the chain's and the table's braces on lines of their own
			echo "}"
		} >"$WORK/nft"
		LOAD[nftables]=$(timed ip netns exec "$RXNS" nft -f "$WORK/nft")
		;;
	ipset)
		in_rx "$RXPROG" attach "$RXDEV" floor_pass
		{
			echo "create big hash:net family inet maxelem $((N4 * 2 + 1024))"
			sed 's/^/add big /' "$SET"
		} >"$WORK/ipset"
		LOAD[ipset]=$(timed ip netns exec "$RXNS" ipset restore -file "$WORK/ipset")
		ip netns exec "$RXNS" iptables -t raw -A PREROUTING -m set --match-set big src -j DROP
		ip netns exec "$RXNS" iptables -t raw -A PREROUTING -p udp --dport 9 -j DROP
		;;
	esac
}

receiver_down() {
	case $1 in
	xdpport-*)
		in_rx "$XDPPORT" detach --all >/dev/null 2>&1
		in_rx "$XDPPORT" flush >/dev/null 2>&1
		;;
	nftables)
		ip netns exec "$RXNS" nft delete table netdev xsrc || true
		in_rx "$RXPROG" detach "$RXDEV"
		;;
	ipset)
		ip netns exec "$RXNS" iptables -t raw -F PREROUTING
		ip netns exec "$RXNS" ipset destroy big || true
		in_rx "$RXPROG" detach "$RXDEV"
		;;
	esac
}

kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

: >"$WORK/e2e.tsv"
active=()
for rx in "${RECEIVERS[@]}"; do
	need=NEEDS_${rx//-/_}
	if [ -n "${!need:-}" ] && ! command -v "${!need}" >/dev/null; then
		echo "bench-sources.sh: ${!need} not installed: $rx left out" >&2
		continue
	fi
	active+=("$rx")
done
for ((round = 0; round < ROUNDS; round++)); do
	echo "end to end: round $((round + 1)) of $ROUNDS"
	for rx in "${active[@]}"; do
		receiver_up "$rx"
		in_tx "$XDPGEN" --dev "$TXDEV" --count 100000 --random-source >/dev/null
		gen=$(in_tx "$XDPGEN" --dev "$TXDEV" --count "$FRAMES" --cpu-list "$CPU0" \
			--proto udp --dport 9 --random-source)
		mpps=$(echo "$(kv sent "$gen") $(kv ns "$gen")" | awk '{ printf "%.3f", $1 * 1e3 / $2 }')
		cpu=$(echo "$(kv sent "$gen") $(kv cpu_max_ns "$gen")" | awk '{ printf "%.3f", $1 * 1e3 / $2 }')
		printf '%d\t%s\t%s\t%s\t%s\n' "$round" "$rx" "$mpps" "$cpu" "${LOAD[$rx]:-}" >>"$WORK/e2e.tsv"
		printf '  %-13s %6s Mpps (wall), %6s Mpps (CPU time)%s\n' "$rx" "$mpps" "$cpu" \
			"${LOAD[$rx]:+, list loaded in ${LOAD[$rx]} s}"
		receiver_down "$rx"
	done
done

# --- Report ---------------------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "" }'; }
col() { awk -F'\t' -v rx="$1" -v c="$2" '$2 == rx && $c != "" { print $c }' "$WORK/e2e.tsv" | median; }
base_wall=$(col xdpport-none 3) base_cpu=$(col xdpport-none 4)
{
	echo "## Source addresses: a blocklist under a random-source flood"
	echo
	echo "List: $SOURCE: $N4 IPv4 and $N6 IPv6 lines. Load average at the start:" \
	     "$(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds, medians."
	echo
	echo "### Per frame (BPF_PROG_TEST_RUN, one frame repeated: tables in cache)"
	echo
	cat "$WORK/cost.md"
	echo
	echo "### End to end: $FRAMES 64-byte udp/9 frames, a random IPv4 source each, 1 core"
	echo
	echo "Every receiver drops every frame (by the list or by its udp/9 rule). Mpps from"
	echo "the wall clock and from the sending thread's CPU time (see BENCHMARKS.md);"
	echo "the ratio is to xdpport without source rules (target: the list within 20%, ratio >= 0.8)."
	echo
	echo "| receiver | Mpps (wall) | ratio | Mpps (CPU) | ratio | list load (s) |"
	echo "|---|---:|---:|---:|---:|---:|"
	for rx in "${active[@]}"; do
		w=$(col "$rx" 3) c=$(col "$rx" 4) l=$(col "$rx" 5)
		echo "| ${LABEL[$rx]} | $w | $(awk -v a="$w" -v b="$base_wall" 'BEGIN { printf "%.2f", a / b }') |" \
		     "$c | $(awk -v a="$c" -v b="$base_cpu" 'BEGIN { printf "%.2f", a / b }') | ${l:--} |"
	done
} >"$OUT/BENCH-SOURCES.md"
cat "$OUT/BENCH-SOURCES.md"
echo "bench-sources.sh: wrote $OUT/BENCH-SOURCES.md (raw data in $WORK)"
