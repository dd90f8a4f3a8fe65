#!/usr/bin/env bash
# Control-plane benchmarks, run by tests/bench/bench.sh inside its sandbox (private mount
# and network namespace, own bpffs): prints a Markdown section for the report.
#  - wall time of single commands and single-port updates per second (bench-cli.sh);
#  - apply of the biggest ruleset, 65,536 ports x 2 protocols (time-apply.sh);
#  - rule churn under load: frames received per second at an xdpport-filtered veth
#    end while another CPU opens and closes ports continuously, next to the same
#    traffic with no churn.
#   tests/bench/bench-control.sh WORKDIR
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$1
SMOKE=${SMOKE:-${BENCH_SMOKE:-}}
RUNS=$([ -n "$SMOKE" ] && echo 20 || echo 200)
FRAMES=$([ -n "$SMOKE" ] && echo 300000 || echo 5000000)
ROUNDS=$([ -n "$SMOKE" ] && echo 1 || echo 5)
X=$PWD/build/xdpport
XDPGEN=$PWD/build/tests/tools/xdpgen

echo "### Commands"
echo
echo '```'
tests/bench/bench-cli.sh "$RUNS" 2>&1
echo '```'
echo
echo "### apply of every port for both protocols"
echo
echo '```'
tests/bench/time-apply.sh "$([ -n "$SMOKE" ] && echo 5 || echo 51)" 2>&1
echo '```'
echo

# --- Rule churn under load -------------------------------------------------------
TX=xchurn-$$-tx RX=xchurn-$$-rx
cleanup() { ip netns del "$TX" 2>/dev/null || true; ip netns del "$RX" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$TX"
ip netns add "$RX"
ip -n "$TX" link add ct$$ type veth peer name cr$$ netns "$RX"
for ns in "$TX" "$RX"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$TX" link set ct$$ address 02:00:00:00:00:01 up
ip -n "$RX" link set cr$$ address 02:00:00:00:00:02 up
in_rx() { nsenter --net="/run/netns/$RX" "$@"; }
in_rx "$X" --force flush >/dev/null 2>&1 || true
in_rx "$X" attach cr$$ >/dev/null
in_rx "$X" --force deny 10000-10255/udp	# what the traffic hits: dropped by rule

rx_packets() { in_rx cat /sys/class/net/cr$$/statistics/rx_packets 2>/dev/null || echo 0; }
drops() { in_rx "$X" stats --json | jq '.reasons["drop-rule"].packets + .reasons["drop-policy"].packets'; }

# Sends FRAMES over 256 ports from CPU 0; prints Mpps dropped by xdpport.
send() {
	local d0 d1 ns
	d0=$(drops)
	ns=$(nsenter --net="/run/netns/$TX" "$XDPGEN" --dev ct$$ --count "$FRAMES" --cpu-list 0 \
		--proto udp --dport 10000 --span 256 | tr ' ' '\n' | sed -n 's/^ns=//p')
	d1=$(drops)
	awk -v n=$((d1 - d0)) -v ns="$ns" 'BEGIN { printf "%.2f", n * 1e3 / ns }'
}

# Opens and closes ports on CPU 1 until $WORK/churn.stop appears: single ports (in place) and the whole
# range (a ruleset switch), both through the real CLI.
churn() {
	local n=0
	while [ ! -e "$WORK/churn.stop" ]; do
		taskset -c 1 "$X" --force allow $((20000 + n % 1000))/udp
		taskset -c 1 "$X" --force delete $((20000 + n % 1000))/udp
		taskset -c 1 "$X" --force deny 10000-10255/udp 30000-30100/tcp
		n=$((n + 1))
		echo $n >"$WORK/churn.count"
	done
}

echo "### Rule churn under load"
echo
echo "UDP frames spread over 256 ports that a deny rule drops, from one generator on"
echo "CPU 0 ($FRAMES frames a run, $ROUNDS runs, median). During the churn runs CPU 1"
echo "loops \`allow P/udp; delete P/udp; deny 10000-10255/udp 30000-30100/tcp\` through"
echo "the real CLI (single-port writes in place and whole-ruleset switches); the"
echo "control keeps that CPU as busy with processes that do not touch the filter."
echo
# The control: the same CPU just as busy starting processes, none touching the filter.
# On a VM whose vCPUs share a physical core, that alone slows the other CPU.
idle_loop() { while :; do taskset -c 1 /bin/true; done; }

quiet=() busy=() control=() cycles=()
for ((r = 0; r < ROUNDS; r++)); do
	quiet+=("$(send)")
	idle_loop >/dev/null 2>&1 &
	pid=$!
	sleep 0.2
	control+=("$(send)")
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	echo 0 >"$WORK/churn.count"
	rm -f "$WORK/churn.stop"
	in_rx bash -c "$(declare -f churn); X=$X WORK=$WORK churn" >/dev/null 2>&1 &
	pid=$!
	sleep 0.2
	busy+=("$(send)")
	touch "$WORK/churn.stop"
	wait "$pid" 2>/dev/null || true
	cycles+=("$(cat "$WORK/churn.count")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mq=$(median "${quiet[@]}") mb=$(median "${busy[@]}") mc=$(median "${control[@]}")
echo "| | Mpps dropped (median) | runs |"
echo "|---|--:|---|"
echo "| other CPU idle | $mq | ${quiet[*]} |"
echo "| other CPU starting /bin/true in a loop (control) | $mc | ${control[*]} |"
echo "| other CPU churning rules through the CLI | $mb | ${busy[*]} |"
echo
awk -v q="$mq" -v b="$mb" -v c="$mc" 'BEGIN { printf "Under churn: %.2f of the idle rate, %.2f of the control'"'"'s.", b / q, b / c }'
echo " Churn cycles (3 commands each) completed during the runs: ${cycles[*]}."
in_rx "$X" stats --json | jq -r '"Frames passed during all runs: \(.passed.packets) (every frame sent hits a deny rule in every ruleset the churn switches between, so anything but 0 would be a frame that slipped through a switch); dropped by rule: \(.reasons["drop-rule"].packets)."'
