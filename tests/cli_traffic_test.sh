#!/usr/bin/env bash
# End to end: the real xdpport binary attached to veth ends in namespaces this test
# creates; real TCP connects and UDP datagrams from the peer namespace, IPv4 and
# IPv6. Allowed ports get through, denied ones are dropped, every change holds for
# the very next connection, and detach gives full connectivity back.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION	# the guard protects tcp/22; these rules never drop it

PORTS=22,53,80,443,8000-8003,8080

# expect_ports open|dropped NAME PAIR PROTO PORT: both address families of pair N.
expect_ports() {
	local how=$1 name=$2 n=$3 proto=$4 port=$5
	"expect_$how" "$name" "xp${n}a" "$proto" "$port" "198.18.$n.2" "2001:db8:$n::2"
}

xp_reset
netns_pair 11
netns_pair 12
serve xp11b "$PORTS"
serve xp12b "$PORTS"

expect_ports open "no filter: tcp/8080 connects" 11 tcp 8080

# Rules are editable before attach: they are kept, with a warning.
warning=$(xp deny 8080 2>&1 >/dev/null)
record $([[ $warning == *"not attached"* ]] && echo 1 || echo 0) \
	"deny before attach warns that nothing is filtered yet" "$warning"
expect_ports open "not attached yet: tcp/8080 still connects" 11 tcp 8080
check "attach xp11b" in_ns xp11b "$XDPPORT" attach xp11b
expect_ports dropped "deny 8080 (set before attach): tcp/8080 dropped" 11 tcp 8080
expect_ports dropped "deny 8080: udp/8080 dropped" 11 udp 8080
expect_ports open "no rule, policy pass: tcp/443 connects" 11 tcp 443
expect_ports open "no rule, policy pass: udp/443 echoes" 11 udp 443

check "allow 8080/tcp" xp allow 8080/tcp
expect_ports open "allow 8080/tcp: the next connect gets through" 11 tcp 8080
expect_ports dropped "allow 8080/tcp: udp/8080 still dropped" 11 udp 8080
check "delete 8080" xp delete 8080
expect_ports open "delete 8080: udp/8080 follows policy pass" 11 udp 8080

# Policy switch, service names.
check "allow ssh https (service names)" xp allow ssh https
check "policy drop" xp policy drop
expect_ports dropped "policy drop: tcp/80 dropped" 11 tcp 80
expect_ports dropped "policy drop: udp/53 dropped" 11 udp 53
expect_ports open "policy drop: allowed https tcp/443 connects" 11 tcp 443
expect_ports open "policy drop: allowed https udp/443 echoes" 11 udp 443
expect_ports open "policy drop: allowed ssh tcp/22 connects" 11 tcp 22
check "allow domain" xp allow domain
expect_ports open "allow domain: udp/53 echoes" 11 udp 53
expect_ports open "allow domain: tcp/53 connects" 11 tcp 53
check "policy pass udp" xp policy pass udp
expect_ports open "policy pass udp: udp/80 echoes" 11 udp 80
expect_ports dropped "policy pass udp: tcp/80 still dropped" 11 tcp 80

# Ranges.
check "allow 8000-8003/udp" xp allow 8000-8003/udp
check "policy drop udp" xp policy drop udp
expect_ports open "range allowed: udp/8000 echoes" 11 udp 8000
expect_ports open "range allowed: udp/8003 echoes" 11 udp 8003
expect_ports dropped "range for udp only: tcp/8001 dropped" 11 tcp 8001
check "deny 8001-8002" xp deny 8001-8002
expect_ports dropped "deny 8001-8002: udp/8002 dropped" 11 udp 8002
expect_ports open "deny 8001-8002: udp/8003 still echoes" 11 udp 8003
check "policy pass" xp policy pass
expect_ports open "policy pass: tcp/80 connects" 11 tcp 80

# Two interfaces, one ruleset.
check "attach xp12b" in_ns xp12b "$XDPPORT" attach xp12b
check "deny 80/tcp" xp deny 80/tcp
expect_ports dropped "shared ruleset: tcp/80 dropped on xp11b" 11 tcp 80
expect_ports dropped "shared ruleset: tcp/80 dropped on xp12b" 12 tcp 80
check "allow 80/tcp" xp allow 80/tcp
expect_ports open "shared ruleset: tcp/80 connects on xp11b" 11 tcp 80
expect_ports open "shared ruleset: tcp/80 connects on xp12b" 12 tcp 80

# Detach gives everything back; the rules stay until flush.
check "deny 443" xp deny 443
check "detach xp11b" in_ns xp11b "$XDPPORT" detach xp11b
expect_ports open "detached: tcp/443 connects on xp11b" 11 tcp 443
expect_ports open "detached: udp/8002 echoes on xp11b" 11 udp 8002
expect_ports dropped "still attached: tcp/443 dropped on xp12b" 12 tcp 443
check "detach xp12b (the last one)" in_ns xp12b "$XDPPORT" detach xp12b
expect_ports open "all detached: tcp/443 connects on xp12b" 12 tcp 443
check "no XDP program left on xp11b, xp12b" \
	test -z "$(xdp_on xp11b xp11b)$(xdp_on xp12b xp12b)"
check "rules stay pinned after the last detach" bash -c \
	"$XDPPORT list --json | grep -q '\"first\":443'"
check "flush" xp flush
check "flush with nothing attached removes every pin" test ! -e /sys/fs/bpf/xdpport

summary
