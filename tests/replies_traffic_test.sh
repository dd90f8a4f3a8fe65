#!/usr/bin/env bash
# Replies end to end: a host filtered by xdpport under `allow 22/tcp` + `policy drop`
# keeps its own connections to a world of real servers (HTTP over IPv4 and IPv6,
# dnsmasq's DNS over UDP and TCP, a TCP session opened before attach, DHCPv4 and
# DHCPv6 leases from dnsmasq), while what it did not ask for is still dropped: a SYN to
# a listening port, a datagram from port 53 or 123, a TCP ACK with no flow behind it,
# the right ports from the wrong address. Every case is first shown to get through
# with no filter, so a filter that drops nothing cannot pass.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
source tests/lib/replies.sh
unset SSH_CONNECTION	# the guard protects tcp/22; these rules never drop it

# passes NAME REASON CMD...: CMD succeeds and REASON's counter grew.
passes() {
	local name=$1 reason=$2 before out rc=0
	shift 2
	before=$(counter "$reason")
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		record 0 "$name" "'$*' exited $rc: $out"
	elif [ "$(counter "$reason")" -le "$before" ]; then
		record 0 "$name" "nothing counted under $reason"
	else
		record 1 "$name"
	fi
}

# dropped NAME CMD...: CMD sees nothing (exits 1), the drop is counted under
# drop-policy and nothing under pass-reply.
dropped() {
	local name=$1 drops replies out rc=0
	shift
	drops=$(counter drop-policy)
	replies=$(counter pass-reply)
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne 1 ]; then
		record 0 "$name" "'$*' exited $rc, want 1 (nothing arrives): $out"
	elif [ "$(counter drop-policy)" -le "$drops" ]; then
		record 0 "$name" "nothing counted under drop-policy"
	elif [ "$(counter pass-reply)" -ne "$replies" ]; then
		record 0 "$name" "counted under pass-reply"
	else
		record 1 "$name"
	fi
}

xp_reset
replies_world 61 || { record 0 "the world's servers start"; summary; exit 1; }

# A session opened before anything is attached; it answers after attach below.
check "a TCP session to the world's echo server opens" session_start "$WORLD4" 7 2000

# --- No filter: everything gets through (so each drop below is the filter's doing).
check "no filter: HTTP GET over IPv4" http "$WORLD4"
check "no filter: HTTP GET over IPv6" http "$WORLD6"
check "no filter: DNS over UDP answers" test -n "$(dns "$WORLD4" A)"
check "no filter: an unsolicited SYN to listening tcp/8080 connects" \
	in_ns "$WORLD" "$NETPROBE" tcp "$HOST4" 8080 1000
check "no filter: a datagram from port 53 reaches udp/8080" \
	probe_world ask --from "$WORLD4" --sport 53 "$HOST4" 8080 1000
check "no filter: a TCP ACK with no connection gets a RST" \
	probe_world tcp-ack "$WORLD4" 40001 "$HOST4" 8080 1000
out=$(probe_host ask "$WORLD4" 5300 1000)
check "no filter: answers from the right and the wrong address both arrive" \
	grep -q "from $OTHER4 5300" <<<"$out"

check "allow 22/tcp" xp allow 22/tcp
check "policy drop" xp policy drop
check "attach $HOST_IF" in_ns "$HOST" "$XDPPORT" attach "$HOST_IF"

# --- What the host asked for comes back.
passes "HTTP GET over IPv4 under policy drop" pass-reply http "$WORLD4"
passes "HTTP GET over IPv6 under policy drop" pass-reply http "$WORLD6"
# answers SERVER TYPE WANT [+tcp]: dig gets exactly WANT for www.example.test.
answers() { [ "$(dns "$1" "$2" "${4:-}")" = "$3" ]; }
passes "DNS over UDP (IPv4) answers" pass-reply answers "$WORLD4" A "$WORLD4"
passes "DNS over UDP (IPv6) answers" pass-reply answers "$WORLD6" AAAA "$WORLD6"
passes "DNS over TCP (IPv4) answers" pass-reply answers "$WORLD4" A "$WORLD4" +tcp
passes "DNS over TCP (IPv6) answers" pass-reply answers "$WORLD6" AAAA "$WORLD6" +tcp

before=$(counter pass-reply)
line=$(session_say 3)
is_eq "the answer" "$line" echo && is_num "pass-reply" "$(counter pass-reply)" -gt "$before"
record_status $? "a TCP session opened before attach answers once the host sends on it"
check "flows --json lists that session, established" has_flow tcp "$HOST4" "$WORLD4" 7 established

# got_lease PREFIX [-6]: dhclient is given an address that starts with PREFIX.
got_lease() { [[ $(dhcp_lease "${2:-}") == "$1"* ]]; }
passes "dhclient takes a DHCPv4 lease from dnsmasq under policy drop" pass-reply \
	got_lease 198.18.61.
passes "dhclient -6 takes a DHCPv6 lease from dnsmasq under policy drop" pass-reply \
	got_lease 2001:db8:61:: -6

# --- What it did not ask for is dropped.
dropped "an unsolicited SYN to listening tcp/8080 is dropped" \
	in_ns "$WORLD" "$NETPROBE" tcp "$HOST4" 8080 "$PROBE_DROP_MS"
dropped "an unsolicited SYN over IPv6 is dropped" \
	in_ns "$WORLD" "$NETPROBE" tcp "$HOST6" 8080 "$PROBE_DROP_MS"
dropped "an unsolicited datagram from port 53 to listening udp/8080 is dropped" \
	probe_world ask --from "$WORLD4" --sport 53 "$HOST4" 8080 "$PROBE_DROP_MS"
dropped "an unsolicited datagram from port 123 over IPv6 is dropped" \
	probe_world ask --from "$WORLD6" --sport 123 "$HOST6" 8080 "$PROBE_DROP_MS"
dropped "a TCP ACK with no flow behind it is dropped (no RST comes back)" \
	probe_world tcp-ack "$WORLD4" 40001 "$HOST4" 8080 "$PROBE_DROP_MS"
dropped "a TCP ACK over IPv6 with no flow behind it is dropped" \
	probe_world tcp-ack "$WORLD6" 40002 "$HOST6" 8080 "$PROBE_DROP_MS"
# The DNS flow above is host:port -> world:53; the same ports from .3 are no reply.
dropped "a DNS-shaped datagram from world:53 to a port the host never used is dropped" \
	probe_world ask --from "$OTHER4" --sport 53 "$HOST4" 8080 "$PROBE_DROP_MS"
for fam in 4 6; do
	world=WORLD$fam other=OTHER$fam
	drops=$(counter drop-policy)
	out=$(probe_host ask "${!world}" 5300 1000)
	holds "the right address answers" grep -q "from ${!world} 5300" <<<"$out" &&
		holds_not "no answer from the other" grep -q "from ${!other} " <<<"$out" &&
		is_num "drop-policy" "$(counter drop-policy)" -gt "$drops"
	record_status $? \
		"IPv$fam: the answer from the right address passes, the same ports from another address are dropped" \
		"got: $out"
done

# --- replies off: the host is cut off again; on: back.
check "replies off" xp replies off
check "replies off: HTTP GET fails" test -z "$(http "$WORLD4")"
check "replies off: DNS over UDP fails" test -z "$(dns "$WORLD4" A)"
check "replies on" xp replies on
check "replies on: DNS over UDP answers again" answers "$WORLD4" A "$WORLD4"

session_end
summary
