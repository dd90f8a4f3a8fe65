#!/usr/bin/env bash
# The replies commands and what carries them, on the real binary: replies on|off and
# timeouts in list, save and apply (save | apply - is the identity); every bad
# argument a usage error that changes nothing; table-size refused while attached and
# a resized table kept by attach; the egress program installed and removed with the
# XDP program, through TCX and through the netlink fallback, and put back when it
# went missing; flows written into the pinned table listed by `flows` like conntrack
# -L; the flow counters in stats. Real traffic is in the other replies tests.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION XDPPORT_TC_NETLINK

PIN=/sys/fs/bpf/xdpport
xp_reset
netns_pair 61
NS=xp61b IF=xp61b

# Defaults, as list shows them.
check "allow 22/tcp" xp allow 22/tcp
record "$(xp list | grep -cx 'replies    on')" "list: replies on by default"
json=$(xp list --json)
record "$(jq -e '.replies == {"enabled": true, "timeouts": {"tcp-syn": 120, "tcp": 432000,
	"tcp-closing": 120, "udp": 30, "udp-answered": 120}}' <<<"$json" >/dev/null && echo 1 || echo 0)" \
	"list --json: replies enabled with nf_conntrack's default timeouts" "$json"
record "$(xp save | grep -c '^replies' | grep -cx 0)" "save: nothing about replies while all is default"

# Changes, and save | apply - as the identity.
check "replies off" xp replies off
check "replies timeout udp 45" xp replies timeout udp 45
check "replies timeout tcp-closing 10" xp replies timeout tcp-closing 10
record "$(xp list | grep -cx -e 'replies    off' -e 'timeouts   tcp-closing 10s, udp 45s' | grep -cx 2)" \
	"list: replies off, and the two timeouts that are not the default" "$(xp list)"
saved=$(xp save | grep -v '^#')
record "$(grep -c -e '^replies off$' -e '^replies timeout udp 45$' -e '^replies timeout tcp-closing 10$' <<<"$saved" | grep -cx 3)" \
	"save: replies off and one line per timeout that is not the default" "$saved"
before=$(xp list --json)
check "save | apply -" bash -c "'$XDPPORT' save | '$XDPPORT' apply -"
is_eq "list --json" "$(xp list --json)" "$before" && is_eq "save" "$(xp save | grep -v '^#')" "$saved"
record_status $? "save | apply - changes nothing"
check "replies on" xp replies on
record "$(xp list --json | jq -e '.replies.enabled and .replies.timeouts.udp == 45' >/dev/null && echo 1 || echo 0)" \
	"replies on keeps the timeouts"
RULES=$(mktemp)
printf 'policy drop\nallow 22/tcp\nreplies off\nreplies timeout udp-answered 600\n' >"$RULES"
check "apply a file with replies lines" xp apply "$RULES"
record "$(xp list --json | jq -e '(.replies.enabled | not) and .replies.timeouts["udp-answered"] == 600 and
	.replies.timeouts.udp == 30' >/dev/null && echo 1 || echo 0)" \
	"apply: the file's replies settings, the rest back to the defaults"
printf 'policy drop\nallow 22/tcp\n' >"$RULES"
check "apply a file without replies lines: back to the defaults" xp apply "$RULES"
before=$(xp list --json)
for bad in "replies maybe" "replies on off" "replies" "replies timeout" "replies timeout udp" \
	"replies timeout nosuch 5" "replies timeout udp 0" "replies timeout udp -1" \
	"replies timeout udp 1.5" "replies timeout udp 2147483648" "replies timeout udp 0x10" \
	"replies table-size 4096"; do
	printf 'policy drop\nreplies off\n%s\n' "$bad" >"$RULES"
	rc=0
	err=$(xp apply "$RULES" 2>&1 >/dev/null) || rc=$?
	is_eq "exit status" "$rc" 2 && is_like "first line" "$(head -n 1 <<<"$err")" "xdpport: $RULES:3: *" &&
		is_like "last line" "$(tail -n 1 <<<"$err")" "*1 error, nothing applied" &&
		is_eq "list --json" "$(xp list --json)" "$before"
	record_status $? "apply refuses '$bad' on its line, and changes nothing" "stderr: $err"
done
rm -f "$RULES"

# Usage errors change nothing.
expect_error "replies: no argument" 2 "missing" xp replies
expect_error "replies maybe" 2 "expected on, off, timeout KIND SECS or table-size N, not 'maybe'" xp replies maybe
expect_error "replies on extra" 2 "unexpected argument" xp replies on extra
expect_error "timeout: unknown kind" 2 "'tcp-fin' is not a timeout" xp replies timeout tcp-fin 5
expect_error "timeout: 0 s" 2 "whole seconds, 1 to 2147483647, not '0'" xp replies timeout udp 0
expect_error "timeout: 2^31 s" 2 "not '2147483648'" xp replies timeout udp 2147483648
expect_error "timeout: negative" 2 "not '-5'" xp replies timeout udp -5
expect_error "timeout: fraction" 2 "not '1.5'" xp replies timeout udp 1.5
expect_error "timeout: missing seconds" 2 "replies timeout" xp replies timeout udp
expect_error "table-size under 1024" 2 "1024 to 16777216, not '100'" xp replies table-size 100
expect_error "table-size over 2^24" 2 "not '16777217'" xp replies table-size 16777217
expect_error "table-size not a number" 2 "not 'lots'" xp replies table-size lots
check "timeout at its maximum" xp replies timeout tcp 2147483647
check "back to the default" xp replies timeout tcp 432000

# Attach: the egress program comes with the XDP program, through TCX.
check "attach" in_ns $NS "$XDPPORT" attach $IF
status=$(in_ns $NS "$XDPPORT" status --json)
record "$(jq -e '.interfaces[0].egress == "tcx" and .interfaces[0].egress_program_id > 0' <<<"$status" >/dev/null && echo 1 || echo 0)" \
	"status --json: the interface's egress program, through tcx" "$status"
tclink=$(ls $PIN | grep '^tclink-')
holds "a tclink- pin" [ -n "$tclink" ] && holds "a link" bpftool link show pinned "$PIN/$tclink"
record_status $? "a TCX link pinned next to the XDP link ($tclink)"
expect_error "table-size while attached" 1 "cannot change size while attached: 'xdpport detach --all' first" \
	xp replies table-size 4096
# Someone removes our egress program: attach puts it back.
bpftool link detach pinned "$PIN/$tclink" 2>/dev/null
rm -f "$PIN/$tclink"
check "attach again" in_ns $NS "$XDPPORT" attach $IF
record "$(in_ns $NS "$XDPPORT" status --json | jq -e '.interfaces[0].egress == "tcx"' >/dev/null && echo 1 || echo 0)" \
	"attach again puts a missing egress program back"
check "detach" in_ns $NS "$XDPPORT" detach $IF
record "$(ls $PIN | grep -c -e '^tclink-' -e '^link-' | grep -cx 0)" "detach removes both pins"
record "$(bpftool link list 2>/dev/null | grep -c xdpport | grep -cx 0)" "detach: no xdpport link left" "$(bpftool link list)"

# The netlink fallback, as kernels before 6.6 get it.
check "attach through netlink (XDPPORT_TC_NETLINK=1)" in_ns $NS env XDPPORT_TC_NETLINK=1 "$XDPPORT" attach $IF
record "$(in_ns $NS tc filter show dev $IF egress | grep -c xdpport_egress | grep -cx 1)" \
	"a tc clsact egress filter runs xdpport_egress" "$(in_ns $NS tc filter show dev $IF egress)"
record "$(in_ns $NS "$XDPPORT" status --json | jq -e '.interfaces[0].egress == "tc"' >/dev/null && echo 1 || echo 0)" \
	"status: egress through tc"
check "detach" in_ns $NS "$XDPPORT" detach $IF
record "$(in_ns $NS tc filter show dev $IF egress | grep -c xdpport_egress | grep -cx 0)" \
	"detach removes the tc filter"
record "$(ls $PIN | grep -c '^tcprog-' | grep -cx 0)" "and its program's pin"

# The table's size: only with nothing attached; attach keeps it.
out=$(xp replies table-size 4096)
record "$([[ $out == "flow table: 4096 flows, "*" MiB of kernel memory" ]] && echo 1 || echo 0)" \
	"table-size 4096 with nothing attached, and its memory" "$out"
check "attach with the resized table" in_ns $NS "$XDPPORT" attach $IF
record "$(bpftool map show pinned $PIN/xdpport_flows | grep -c 'max_entries 4096')" "the pinned table has 4096 entries"
record "$(in_ns $NS "$XDPPORT" flows --json | jq -e '.table_size == 4096 and .flows == []' >/dev/null && echo 1 || echo 0)" \
	"flows --json: the table's size, no flow yet"

# Flows written into the pinned table as the egress program would: the key's bytes
# (local, remote: 16 bytes each, IPv4 in the first 4; ports in network order; proto,
# family, 2 reserved) and the value's (seen_ns, CLOCK_MONOTONIC as /proc/timer_list
# tells it; state; 7 reserved).
now=$(awk '/^now at/ { print $3; exit }' /proc/timer_list)
le64() { local i; for ((i = 0; i < 8; i++)); do printf '%02x ' $((($1 >> (8 * i)) & 255)); done; }
ZERO12="00 00 00 00 00 00 00 00 00 00 00 00"
V4_HOST="c6 12 3d 02 $ZERO12" V4_PEER="c6 12 3d 01 $ZERO12"	# 198.18.61.2, .1
V6_HOST="20 01 0d b8 00 61 00 00 00 00 00 00 00 00 00 02"	# 2001:db8:61::2
V6_PEER="20 01 0d b8 00 61 00 00 00 00 00 00 00 00 00 01"
put_flow() {	# KEY-HEX STATE AGE_S
	# shellcheck disable=SC2086
	bpftool map update pinned $PIN/xdpport_flows key hex $1 \
		value hex $(le64 $((now - $3 * 1000000000))) "$(printf %02x "$2")" 00 00 00 00 00 00 00
}
check "write an established tcp flow" \
	put_flow "$V4_HOST $V4_PEER a8 ca 00 50 00 04 00 00" 1 1	# 43210 -> 80
check "write an answered udp flow over ipv6" \
	put_flow "$V6_HOST $V6_PEER 9c 40 00 35 01 06 00 00" 4 2	# 40000 -> 53
check "write a udp flow 100 s old (expired)" \
	put_flow "$V4_HOST $V4_PEER 9c 41 00 35 01 04 00 00" 3 100	# 40001 -> 53
out=$(xp flows)
record "$(grep -cE '^tcp 198\.18\.61\.2:43210 -> 198\.18\.61\.1:80 established expires 43199[89]s$' <<<"$out")" \
	"flows: tcp LOCAL:PORT -> REMOTE:PORT established expires Ns" "$out"
record "$(grep -cE '^udp \[2001:db8:61::2\]:40000 -> \[2001:db8:61::1\]:53 udp-answered expires 11[78]s$' <<<"$out")" \
	"flows: ipv6 as [addr]:port, udp-answered" "$out"
record "$(grep -c ':40001 ' <<<"$out" | grep -cx 0)" "flows: an expired flow is not listed"
json=$(xp flows --json)
record "$(jq -e '.count == {"tcp": 1, "udp": 1} and .table_size == 4096 and
	(.flows[0] | .protocol == "tcp" and .local == "198.18.61.2" and .local_port == 43210 and
	 .remote == "198.18.61.1" and .remote_port == 80 and .state == "established" and
	 .expires_s > 431990)' <<<"$json" >/dev/null && echo 1 || echo 0)" "flows --json" "$json"
status=$(xp status)
record "$(grep -cE '^flows +1 tcp, 1 udp; table 3 of 4096 entries \(0\.1%\)$' <<<"$status")" \
	"status: flows per protocol and the table's fill" "$status"
record "$(grep -cE '^replies +on$' <<<"$status")" "status: replies on"
json=$(xp stats --json)
record "$(jq -e '.flows == {"inserts": 0, "insert_failures": 0, "evictions": 0, "entries": 3, "table_size": 4096}' \
	<<<"$json" >/dev/null && echo 1 || echo 0)" "stats --json: the flow table's counters" "$(jq -c .flows <<<"$json")"
prom=$(xp stats --prometheus)
record "$(grep -cE '^xdpport_flow_(inserts_total|insert_failures_total|evictions_total|entries|table_size) [0-9]+$' <<<"$prom" | grep -cx 5)" \
	"stats --prometheus: the xdpport_flow_* families"
check "detach" in_ns $NS "$XDPPORT" detach $IF
check "flush with nothing attached" xp flush
check "allow 22/tcp" xp allow 22/tcp
record "$(bpftool map show pinned $PIN/xdpport_flows | grep -c 'max_entries 262144')" \
	"after flush the table has the default size again"

summary
