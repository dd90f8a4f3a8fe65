#!/usr/bin/env bash
# End-to-end tests of `xdpport stats`: exact frames (tests/tools/sendframes) go out of
# the client end of a veth pair into the server end, where the real xdpport binary is
# attached; the counters must show exactly those frames, in the right reason, port,
# interface and output format. IPv6 is off on both ends so the kernel sends nothing of
# its own (neighbour discovery): every reason is checked exactly, unfiltered included.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib/report.sh
. tests/lib/netns.sh

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
X=$PWD/$BUILD/xdpport
SENDFRAMES=$PWD/$BUILD/tests/tools/sendframes
PROMCHECK=$PWD/$BUILD/tests/tools/promcheck
TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT

REASONS=(pass-rule pass-policy pass-fragment pass-unfiltered
	 drop-rule drop-policy drop-fragment drop-malformed)
declare -A WANT_PACKETS WANT_BYTES WANT_PORT
reset_expectations() {
	local r
	for r in "${REASONS[@]}"; do WANT_PACKETS[$r]=0 WANT_BYTES[$r]=0; done
	WANT_PORT=()
}

srv() { in_ns "$SERVER" "$X" "$@"; }

# send KIND PORT COUNT REASON [PORTKEY]: sends COUNT frames and records what the
# counters must show for them. PORTKEY: "tcp/22/dropped" style, for TCP/UDP frames.
send() {
	local kind=$1 port=$2 count=$3 reason=$4 key=${5:-} out len
	out=$(in_ns "$CLIENT" "$SENDFRAMES" "$CLIENT_IF" "$count" "$kind" "$port") ||
		{ echo "sendframes $kind failed: $out" >&2; return 1; }
	len=$(awk '{print $5}' <<<"$out")
	WANT_PACKETS[$reason]=$((WANT_PACKETS[$reason] + count))
	WANT_BYTES[$reason]=$((WANT_BYTES[$reason] + count * len))
	[ -n "$key" ] && WANT_PORT[$key]=$((${WANT_PORT[$key]:-0} + count))
	return 0
}

want_total() {
	local r sum=0
	for r in "${REASONS[@]}"; do sum=$((sum + WANT_PACKETS[$r])); done
	echo $sum
}

# The data path counts in NAPI, a moment after sendto() returns: wait until the
# total is what was sent (or give up after 3 s and let the checks say what is wrong).
settle() {
	local want tries=0
	want=$(want_total)
	until [ "$(srv stats --json | jq '.passed.packets + .dropped.packets')" = "$want" ]; do
		tries=$((tries + 1))
		[ $tries -gt 60 ] && return 0
		sleep 0.05
	done
}

check_reasons() {	# check_reasons LABEL
	local json r bad=
	json=$(srv stats --json)
	for r in "${REASONS[@]}"; do
		local got
		got=$(jq -r --arg r "$r" '"\(.reasons[$r].packets) \(.reasons[$r].bytes)"' <<<"$json")
		[ "$got" = "${WANT_PACKETS[$r]} ${WANT_BYTES[$r]}" ] ||
			bad+=" $r: got $got, want ${WANT_PACKETS[$r]} ${WANT_BYTES[$r]};"
	done
	record "$([ -z "$bad" ] && echo 1 || echo 0)" "$1: every reason counts exactly the frames sent (packets, bytes)" "$bad"
}

check_ports() {		# check_ports LABEL: every port counter, exactly, and no other
	local got want
	got=$(srv stats --json --top all |
	      jq -r '[.top_dropped[], .top_passed[]] | unique_by(.protocol, .port) | .[] |
		     (if .dropped > 0 then "\(.protocol)/\(.port)/dropped=\(.dropped)" else empty end),
		     (if .passed > 0 then "\(.protocol)/\(.port)/passed=\(.passed)" else empty end)' | sort)
	want=$(for k in "${!WANT_PORT[@]}"; do echo "$k=${WANT_PORT[$k]}"; done | sort)
	record "$([ "$got" = "$want" ] && echo 1 || echo 0)" "$1: per-port counters are exact, per protocol and verdict" \
		"got [$(echo $got)], want [$(echo $want)]"
}

netns_pair 31
for ns in "$CLIENT" "$SERVER"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

# --- before anything is set up
# (issue 16: zeros and xdpport_up 0, status 0, so a textfile cron job serves no stale file)
out=$(srv stats 2>&1); rc=$?
is_eq "exit status" "$rc" 0 && is_like output "$out" "no filter set up*pass-rule * 0 *"
record_status $? "stats with no filter says so, prints zeros and exits 0" "output: $out"
out=$(srv stats --prometheus 2>&1); rc=$?
is_eq "exit status" "$rc" 0 && holds "xdpport_up 0" grep -qx 'xdpport_up 0' <<<"$out" &&
	holds "valid exposition" "$PROMCHECK" <<<"$out"
record_status $? "stats --prometheus with no filter: xdpport_up 0, valid exposition" "output: $out"
out=$(srv stats --json 2>&1); rc=$?
is_eq "exit status" "$rc" 0 &&
	is_eq "up, passed, dropped, interfaces" \
		"$(jq -c '[.up, .passed.packets, .dropped.packets, (.interfaces | length)]' <<<"$out")" \
		'[false,0,0,0]'
record_status $? "stats --json with no filter: up false, zeros" "output: $out"

# --- usage errors
srv attach "$SERVER_IF" >/dev/null
for bad in "--top x" "--top -1" "--watch 0" "--watch 0.01" "--prometheus --watch" \
	   "--prometheus --json" "--reset --watch" "--reset --top 3" "--watch 1 2"; do
	# shellcheck disable=SC2086
	check_exit 2 "stats $bad is a usage error" srv stats $bad
done

# --- exact counts: every reason, both IP versions, both protocols, several ports
srv deny 22/tcp --force
srv allow 443
srv policy drop udp
reset_expectations
send tcp4 22 11 drop-rule tcp/22/dropped
send tcp6 22 13 drop-rule tcp/22/dropped
send udp4 443 17 pass-rule udp/443/passed
send tcp6 443 19 pass-rule tcp/443/passed
send tcp4 8080 23 pass-policy tcp/8080/passed
send udp6 5353 29 drop-policy udp/5353/dropped
send udp4 9999 31 drop-policy udp/9999/dropped
send frag4 0 37 pass-fragment
send short4 80 41 drop-malformed
send short6 80 43 drop-malformed
send arp 0 47 pass-unfiltered
send icmp4 0 53 pass-unfiltered
srv fragments drop
send frag6 0 59 drop-fragment
settle
check_reasons "exact"
check_ports "exact"

json=$(srv stats --json)
check "the interface's counters equal the totals (one interface)" \
	jq -e --arg i "$SERVER_IF" '.interfaces | length == 1 and .[0].name == $i and .[0].reasons == (input | .reasons)' \
	<(echo "$json") <(echo "$json")
check "passed and dropped add up their reasons" \
	jq -e '.passed.packets == ([.reasons | to_entries[] | select(.key | startswith("pass-")) | .value.packets] | add)
	       and .dropped.bytes == ([.reasons | to_entries[] | select(.key | startswith("drop-")) | .value.bytes] | add)' \
	<(echo "$json")
check "ports_with_traffic counts 3 tcp and 3 udp ports" \
	jq -e '.ports_with_traffic == {"tcp": 3, "udp": 3}' <(echo "$json")
check "--top 2 keeps the two most dropped, most first" \
	jq -e '[.top_dropped[] | "\(.port)/\(.protocol)"] == ["9999/udp", "5353/udp"]' \
	<(srv stats --json --top 2)
check "the JSON keys are the documented ones" \
	jq -e 'keys == (["timestamp_ms","up","reasons","passed","dropped","interfaces","ports_with_traffic","flows","top_dropped","top_passed"] | sort)
	       and (.interfaces[0] | keys) == (["name","ifindex","netns","netns_name","attached","reasons","passed","dropped"] | sort)
	       and (.top_dropped[0] | keys) == (["port","protocol","passed","dropped"] | sort)' <(echo "$json")

text=$(srv stats)
check "text: drop-rule row shows the exact count" grep -Eq '^  drop-rule +24 ' <<<"$text"
check "text: top dropped ports lists 9999/udp first with its count" \
	bash -c 'grep -A1 "^top dropped ports" | grep -Eq "^  9999/udp +31 +0$"' <<<"$text"
check "text: the interface row has its packets" grep -Eq "^$SERVER_IF +196 +227 " <<<"$text"

# --- Prometheus
prom=$(srv stats --prometheus)
check "--prometheus passes the strict format check" "$PROMCHECK" <<<"$prom"
check "--prometheus: xdpport_up 1 with the filter set up" grep -qx "xdpport_up 1" <<<"$prom"
check "--prometheus: packets by interface and reason" \
	grep -qx "xdpport_packets_total{interface=\"$SERVER_IF\",reason=\"drop-rule\"} 24" <<<"$prom"
check "--prometheus: bytes by interface and reason" \
	grep -qx "xdpport_bytes_total{interface=\"$SERVER_IF\",reason=\"drop-fragment\"} ${WANT_BYTES[drop-fragment]}" <<<"$prom"
check "--prometheus: packets by port and verdict" \
	grep -qx 'xdpport_port_packets_total{proto="tcp",port="22",verdict="dropped"} 24' <<<"$prom"
n=$(srv stats --prometheus --top 1 | grep -c '^xdpport_port_packets_total{')
record "$([ "$n" -eq 4 ] && echo 1 || echo 0)" "--prometheus --top 1: the top dropped and top passed ports only (4 series)" "got $n"
srv stats --prometheus --top all >"$TMP/all.prom"
n=$(grep -c '^xdpport_port_packets_total{' "$TMP/all.prom")
record "$([ "$n" -eq 12 ] && echo 1 || echo 0)" "--prometheus --top all: every port with traffic (12 series)" "got $n"
check "--prometheus --top all passes the format check" "$PROMCHECK" <"$TMP/all.prom"
# The checker must be able to fail: the same series twice, a bad escape.
check_exit 1 "the format check rejects a duplicated series" \
	"$PROMCHECK" < <(cat "$TMP/all.prom"; grep -m1 '^xdpport_port' "$TMP/all.prom")
check_exit 1 "the format check rejects a bad label escape" \
	"$PROMCHECK" < <(sed 's/interface="/interface="\\q/' "$TMP/all.prom")

# --- reset
check "--reset exits 0" srv stats --reset
reset_expectations
check_reasons "after --reset"
check_ports "after --reset"
send tcp4 22 5 drop-rule tcp/22/dropped
settle
check_reasons "counting again after --reset"

# --- --watch in a pipe: one line per interval, clean exit on SIGINT and SIGTERM
for sig in INT TERM; do
	timeout --preserve-status -s $sig 1.75 nsenter --net="/run/netns/$SERVER" \
		"$X" stats --watch 0.5 >"$TMP/lines" 2>&1
	rc=$?
	n=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} passed [0-9.]+ [kMG]?pps [0-9.]+ [kMG]?bit/s, dropped .*; top dropped:' "$TMP/lines")
	total=$(wc -l <"$TMP/lines")
	record "$([ $rc -eq 0 ] && echo 1 || echo 0)" "--watch in a pipe exits 0 on SIG$sig" "exit $rc"
	is_num "lines" "$n" -ge 2 && is_num "lines" "$n" -le 4 && is_num "lines" "$n" -eq "$total"
	record_status $? "--watch in a pipe prints one line per 0.5 s interval (SIG$sig after 1.75 s)" \
		"$n matching of $total: $(head -c 300 "$TMP/lines")"
	check "--watch in a pipe writes no terminal control codes" bash -c "! grep -q $'\e' '$TMP/lines'"
done

# --watch --json: rates times intervals add up to exactly the frames sent meanwhile.
watch_json() {	# watch_json FILE CMD...: runs CMD while a 0.3 s JSON watch records
	local file=$1 pid
	shift
	nsenter --net="/run/netns/$SERVER" "$X" stats --watch 0.3 --json --top all >"$file" &
	pid=$!
	sleep 0.5
	"$@"
	sleep 0.9
	kill -INT $pid
	wait $pid
}
sum_port_rate() {	# sum_port_rate FILE PROTO PORT VERDICT: packets over all intervals
	jq -s --arg p "$2" --argjson port "$3" --arg v "$4" \
		'map(.interval_s as $i | [.top_dropped[], .top_passed[]] | unique_by(.protocol, .port)
		     | map(select(.protocol == $p and .port == $port) | .["\($v)_pps"] * $i) | add // 0)
		 | add | . + 0.5 | floor' "$1"
}
watch_json "$TMP/rates" send tcp4 22 1000 drop-rule tcp/22/dropped
record "$([ $? -eq 0 ] && echo 1 || echo 0)" "--watch --json exits 0 on SIGINT"
check "--watch --json: every line is one JSON object with interval_s, pps and bps" \
	jq -e -s 'length >= 3 and all(.[]; .interval_s > 0.25 and .interval_s < 0.6
		  and (.reasons["drop-rule"] | has("pps") and has("bps")) and has("ports_active"))' "$TMP/rates"
n=$(sum_port_rate "$TMP/rates" tcp 22 dropped)
record "$([ "$n" = 1000 ] && echo 1 || echo 0)" "--watch: port rates x intervals = the 1000 frames sent" "got $n"
len=$(in_ns "$CLIENT" "$SENDFRAMES" "$CLIENT_IF" 0 tcp4 22 | awk '{print $5}')
n=$(jq -s 'map(.reasons["drop-rule"].bps * .interval_s / 8) | add | . + 0.5 | floor' "$TMP/rates")
record "$([ "$n" = $((1000 * len)) ] && echo 1 || echo 0)" "--watch: bits/s x intervals = the bytes sent" "got $n, want $((1000 * len))"

# A per-CPU port count 5 short of 2^32 on every CPU: the frames wrap it, rates stay exact.
bpftool map update pinned /sys/fs/bpf/xdpport/xdpport_ports key 88 27 0 0 \
	value 0xfb 0xff 0xff 0xff 0 0 0 0	# tcp/7000 passed = 2^32 - 5
watch_json "$TMP/wrap" send tcp4 7000 20 pass-policy tcp/7000/passed
n=$(sum_port_rate "$TMP/wrap" tcp 7000 passed)
record "$([ "$n" = 20 ] && echo 1 || echo 0)" "--watch: rates stay exact across a 32-bit per-CPU wrap" "got $n"

# A reset during a watch: the fall is a reset, not a 2^32 wrap (no absurd spike).
bpftool map update pinned /sys/fs/bpf/xdpport/xdpport_ports key 40 35 1 0 \
	value 0 0 0 0 0 0 0 0x80	# udp/9000 dropped = 2^31
reset_then_send() { srv stats --reset && send udp4 9000 10 drop-policy; }
watch_json "$TMP/reset" reset_then_send
n=$(sum_port_rate "$TMP/reset" udp 9000 dropped)
record "$([ "$n" = 10 ] && echo 1 || echo 0)" "--watch: a --reset meanwhile reads as a reset, not a wrap" "got $n"
n=$(jq -s 'map(.reasons["drop-policy"].pps * .interval_s) | add | . + 0.5 | floor' "$TMP/reset")
record "$([ "$n" = 10 ] && echo 1 || echo 0)" "--watch: reason rates through a reset count only new frames" "got $n"

# --- --watch on a terminal: redraws in place, Ctrl-C ends it with status 0 and the
# terminal is given back (main screen, cursor, echo).
(sleep 1.5; printf '\003'; sleep 1) |
	TERM=xterm script -qefc "exec nsenter --net=/run/netns/$SERVER $X stats --watch 0.4" /dev/null >"$TMP/screen"
rc=$?
record "$([ $rc -eq 0 ] && echo 1 || echo 0)" "--watch on a terminal exits 0 on Ctrl-C" "exit $rc"
check "--watch on a terminal switches to the alternate screen and hides the cursor" \
	grep -q $'\e\\[?1049h\e\\[?25l' "$TMP/screen"
n=$(grep -o $'\e\\[H' "$TMP/screen" | wc -l)
frames=$(grep -c 'top dropped ports' "$TMP/screen")
is_num "homes" "$n" -ge 3 && is_num "frames" "$frames" -ge 2
record_status $? "--watch on a terminal redraws from the top left each interval"
check "--watch on a terminal restores the main screen and cursor at the end" \
	bash -c "tail -c 20 '$TMP/screen' | grep -q $'\e\\\\[?25h\e\\\\[?1049l'"

TERM=xterm script -qefc "nsenter --net=/run/netns/$SERVER $X stats --watch 0.3; echo rc=\$?; stty -a" \
	/dev/null </dev/null >"$TMP/screen2" &
spid=$!
sleep 1
for shell in $(pgrep -P $spid); do kill -TERM $(pgrep -P "$shell") 2>/dev/null; done
wait $spid
check "--watch on a terminal exits 0 on SIGTERM" grep -q 'rc=0' "$TMP/screen2"
check "--watch gives terminal echo back" grep -Eq '(^| )echo( |$)' "$TMP/screen2"

summary
