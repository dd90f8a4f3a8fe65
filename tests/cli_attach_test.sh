#!/usr/bin/env bash
# attach and detach on real veth ends: the three modes, attaching twice, another
# tool's XDP program (refused, then replaced with --replace), status from another
# network namespace, an interface deleted under the filter, and detach --all leaving
# no program anywhere while the rules stay until flush.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

# status_field NS JQ-ish: the JSON status as seen from NS (or "" for this namespace).
status_json() {
	if [ -n "$1" ]; then in_ns "$1" "$XDPPORT" status --json; else xp status --json; fi
}

# Rows in use in the interface table the data path counts into.
iface_rows() {
	bpftool -j map dump pinned /sys/fs/bpf/xdpport/xdpport_ifaces |
		grep -o '"ifindex":[1-9][0-9]*' | wc -l
}

xp_reset
netns_pair 21
netns_pair 22
serve xp21b 80,443

# Modes.
for mode in generic native auto; do
	want=$([ $mode = generic ] && echo xdpgeneric || echo xdp)
	check "attach --mode $mode" in_ns xp21b "$XDPPORT" attach xp21b --mode $mode
	check "--mode $mode: ip(8) shows $want" test "$(xdp_on xp21b xp21b)" = "$want"
	check "--mode $mode: status says $([ $mode = generic ] && echo generic || echo native)" \
		grep -q "\"mode\":\"$([ $mode = generic ] && echo generic || echo native)\"" \
		<<<"$(status_json xp21b)"
	check "--mode $mode: filters" xp deny 80/tcp
	expect_dropped "--mode $mode: tcp/80 dropped" xp21a tcp 80 198.18.21.2 2001:db8:21::2
	check "delete 80" xp delete 80
	check "detach after --mode $mode" in_ns xp21b "$XDPPORT" detach xp21b
	check "detached: no program on xp21b" test -z "$(xdp_on xp21b xp21b)"
done

# Attaching twice is harmless and says so; asking for another mode is not.
in_ns xp21b "$XDPPORT" attach xp21b --mode native >/dev/null
out=$(in_ns xp21b "$XDPPORT" attach xp21b 2>&1)
is_eq "exit status" $? 0 && is_in output "$out" "already attached"
record_status $? "attach twice: exit 0, says it is already attached"
expect_error "attach again in another mode" 1 "already runs xdpport in native mode" \
	in_ns xp21b "$XDPPORT" attach xp21b --mode generic

# auto on an interface without native XDP: generic, with a warning that says why.
out=$(xp attach lo 2>&1)
record $([[ $out == *"native XDP failed"*"generic mode"* ]] && echo 1 || echo 0) \
	"auto on lo: falls back to generic with a warning" "$out"
check "lo runs in generic mode" test "$(ip link show dev lo | head -n 1 | grep -o xdpgeneric)" = xdpgeneric
check "detach lo" xp detach lo

# Status from another network namespace names the interface and its namespace.
json=$(status_json "")
check "status from elsewhere names xp21b and its netns" \
	grep -q '"name":"xp21b@xp21b","ifindex":[0-9]*,"netns":[0-9]*,"netns_name":"xp21b","this_netns":false,"attached":true,"mode":"native"' \
	<<<"$json"

# Another tool's program: refused without --replace, replaced with it.
in_ns xp21b "$XDPPORT" detach xp21b >/dev/null
check "load floor_drop with ip(8)" ip -n xp21b link set dev xp21b xdpdrv \
	object "$BUILD"/tests/bpf/xdp_floor.bpf.o program floor_drop
expect_dropped "floor_drop drops everything" xp21a tcp 443 198.18.21.2
expect_error "attach over another program" 1 "already runs another XDP program \(id [0-9]+\); add --replace" \
	in_ns xp21b "$XDPPORT" attach xp21b
check "the other program is still there" test "$(xdp_on xp21b xp21b)" = xdp
out=$(in_ns xp21b "$XDPPORT" attach xp21b --replace 2>&1)
record "$([[ "$out" == "attached to xp21b in native mode (program id "*"), replacing XDP program "[0-9]*" (floor_drop)" ]] && echo 1 || echo 0)" \
	"attach --replace: names the program it replaced" "$out"
check "xdpport runs now" grep -q "name xdpport" <<<"$(ip -n xp21b -d link show dev xp21b)"
expect_open "replaced: tcp/443 connects" xp21a tcp 443 198.18.21.2 2001:db8:21::2
check "deny 443/tcp" xp deny 443/tcp
expect_dropped "replaced: xdpport drops tcp/443" xp21a tcp 443 198.18.21.2 2001:db8:21::2

# detach of an interface xdpport is not on: harmless.
out=$(in_ns xp22b "$XDPPORT" detach xp22b 2>&1)
is_eq "exit status" $? 0 && is_in output "$out" "not attached"
record_status $? "detach where not attached: exit 0, says so"

# An interface deleted under the filter: status says gone; detach cleans up.
check "attach xp22b" in_ns xp22b "$XDPPORT" attach xp22b
ip netns del xp22a	# takes the veth pair with it, once the kernel's cleanup runs:
for _ in $(seq 100); do	# asynchronous, and slow on a busy machine
	in_ns xp22b ip link show xp22b >/dev/null 2>&1 || break
	sleep 0.1
done
check "status: the deleted interface shows as gone" \
	grep -q '"ifindex":[0-9]*,"netns":[0-9]*,"netns_name":null,"this_netns":false,"attached":false' \
	<<<"$(status_json "")"
# (issue 16: the same error as without a stale pin, status 1, the pin removed on the way)
out=$(in_ns xp22b "$XDPPORT" detach xp22b 2>&1)
is_eq "exit status" $? 1 && is_like output "$out" "*removed 1 pin*no interface named 'xp22b'*"
record_status $? "detach of the deleted interface removes its pin"
check "status lists xp21b only" test "$(status_json "" | grep -o '"ifindex"' | wc -l)" -eq 1
check "the interface table (stats' rows) lists xp21b only" test "$(iface_rows)" -eq 1

# detach --all: no program anywhere, rules kept until flush.
check "attach lo too" xp attach lo --mode generic
prog_ids=$(status_json "" | grep -oE '"program_id":[0-9]+' | cut -d: -f2)
check "detach --all" xp detach --all
check "detach --all: nothing on xp21b" test -z "$(xdp_on xp21b xp21b)"
check "detach --all: nothing on lo" test -z "$(ip link show dev lo | head -n 1 | grep -o xdp)"
# The kernel frees a program once its last link is gone, after an RCU grace period.
programs_freed() {
	local id tries
	for id in $prog_ids; do
		for tries in $(seq 50); do
			bpftool prog show id "$id" >/dev/null 2>&1 || continue 2
			sleep 0.02
		done
		return 1
	done
}
check "detach --all: both programs are gone from the kernel ($(echo $prog_ids))" programs_freed
check "detach --all: the rules stay" grep -q '"first":443' <<<"$(xp list --json)"
check "flush" xp flush
check "flush: no pins left" test ! -e /sys/fs/bpf/xdpport

summary
