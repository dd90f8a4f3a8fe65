#!/usr/bin/env bash
# Replies at their limits, with real traffic between a filtered host and a world of
# real servers (tests/lib/replies.sh) under `allow 22/tcp` + `policy drop`, short
# timeouts and a small flow table: a reply later than its timeout is dropped; a SYN
# flood to an allowed port, answered with SYN-ACKs, records no flow and evicts no
# real one; a full table evicts its oldest flows, counted, and new flows still work;
# detach removes the TC egress program with the XDP one.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
source tests/lib/replies.sh
unset SSH_CONNECTION	# the guard protects tcp/22; these rules never drop it

TABLE=1024
flow_stat() { xp stats --json | jq -r ".flows.$1 | numbers" | grep . || echo -1; }
tcp_out_segs() { in_ns "$HOST" awk '/^Tcp:/ { n++; if (n == 2) print $12 }' /proc/net/snmp; }

xp_reset
replies_world 62 || { record 0 "the world's servers start"; summary; exit 1; }

check "replies table-size $TABLE (nothing attached)" xp replies table-size "$TABLE"
check "replies timeout udp 2" xp replies timeout udp 2
check "replies timeout tcp 2 (established, idle)" xp replies timeout tcp 2
check "allow 22/tcp" xp allow 22/tcp
check "policy drop" xp policy drop
check "attach $HOST_IF" in_ns "$HOST" "$XDPPORT" attach "$HOST_IF"
check "stats --json: the flow table is $TABLE flows big" test "$(flow_stat table_size)" = "$TABLE"

# --- Timeouts.
check "udp timeout 2 s: an answer at once passes" probe_host ask "$WORLD4" 5300 1000
drops=$(counter drop-policy)
probe_host ask "$WORLD4" 5301 4000 >/dev/null
rc=$?
is_eq "ask's exit status" "$rc" 1 && is_num "drop-policy" "$(counter drop-policy)" -gt "$drops"
record_status $? "udp timeout 2 s: an answer 3 s late is dropped"

# Answered, a flow keeps the udp-answered timeout: the world speaks again 3 s later.
check "replies timeout udp-answered 10" xp replies timeout udp-answered 10
probe_host ask --sport 47000 "$WORLD4" 5300 4500 >"$WORLD_TMP/answered" &
asker=$!
sleep 3
probe_world ask --from "$WORLD4" --sport 5300 "$HOST4" 47000 100 >/dev/null
wait "$asker"
record "$([ "$(grep -c "from $WORLD4 5300" "$WORLD_TMP/answered")" -eq 2 ] && echo 1 || echo 0)" \
	"udp-answered timeout 10 s: once answered, the world's datagram 3 s later still passes" \
	"got: $(tr '\n' ' ' <"$WORLD_TMP/answered")"

check "a TCP session to the late echo server opens" session_start "$WORLD4" 8007 5000
line=$(session_say 7)
record "$([ "$line" = silent ] && echo 1 || echo 0)" \
	"tcp timeout 2 s: an echo 3 s after the host last sent is dropped" "got '$line'"
session_end
check "replies timeout tcp 432000 (back to the default)" xp replies timeout tcp 432000

# --- A SYN flood to an allowed port does not evict a real flow.
check "a TCP session to the world's echo server opens" session_start "$WORLD4" 7 2000
check "it echoes" test "$(session_say 3)" = echo
check "flows --json lists it" has_flow tcp "$HOST4" "$WORLD4" 7 established
evictions=$(flow_stat evictions) inserts=$(flow_stat inserts) segs=$(tcp_out_segs)
FLOOD=$((TABLE * 4))
check "a flood of $FLOOD SYNs from $FLOOD ports to allowed tcp/22" \
	probe_world syn-flood "$WORLD4" "$HOST4" 22 "$FLOOD"
sleep 0.5
sent=$(($(tcp_out_segs) - segs))
record "$([ "$sent" -ge "$FLOOD" ] && echo 1 || echo 0)" \
	"the host answered the flood (SYN-ACKs out through the egress program)" \
	"$sent TCP segments sent, want >= $FLOOD"
got=$(flow_stat inserts)
record "$([ $((got - inserts)) -lt 16 ] && echo 1 || echo 0)" \
	"the SYN-ACKs are not recorded as flows" "$((got - inserts)) inserts during the flood"
check "no eviction during the flood" test "$(flow_stat evictions)" = "$evictions"
check "flows --json still lists the session" has_flow tcp "$HOST4" "$WORLD4" 7 established
check "the session still works after the flood" test "$(session_say 3)" = echo

# --- A full table evicts (README: least recently used first), counted; new flows still
# get their answers.
SPRAY=$((TABLE * 2))
check "$SPRAY new UDP flows from the host" probe_host spray "$WORLD4" 5302 "$SPRAY"
entries=$(flow_stat entries)
record "$([ "$entries" -le "$TABLE" ] && echo 1 || echo 0)" \
	"the table never holds more than its $TABLE entries" "entries=$entries"
record "$([ "$(flow_stat evictions)" -gt 0 ] && echo 1 || echo 0)" \
	"a full table evicts (least recently used first), counted under evictions"
count=$(xp flows --json | jq '.count.tcp + .count.udp')
is_num "count" "$count" -le "$TABLE" && is_num "count" "$count" -gt 0
record_status $? "flows --json lists what the table holds"
check "full table: a new DNS query still gets its answer" test "$(dns "$WORLD4" A)" = "$WORLD4"
session_end

# --- Detach removes the TC egress program.
egress_links() {	# ids of the pinned links whose program is a TC (sched_cls) one
	local pin prog
	for pin in /sys/fs/bpf/xdpport/*; do
		bpftool -j link show pinned "$pin" 2>/dev/null
	done | jq -r '"\(.id) \(.prog_id)"' | while read -r id prog; do
		bpftool -j prog show id "$prog" | jq -e '.type == "sched_cls"' >/dev/null && echo "$id"
	done
}
links=$(egress_links)
record "$([ -n "$links" ] && echo 1 || echo 0)" "attached: a TC egress program, linked and pinned next to the XDP link"
check "detach $HOST_IF" in_ns "$HOST" "$XDPPORT" detach "$HOST_IF"
gone=1
for id in $links; do bpftool link show id "$id" >/dev/null 2>&1 && gone=0; done
record "$gone" "detach: the TC egress link is gone" "links before: $links"
check "detach: no XDP program left" test -z "$(xdp_on "$HOST" "$HOST_IF")"

summary
