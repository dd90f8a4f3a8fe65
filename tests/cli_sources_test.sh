#!/usr/bin/env bash
# End to end, source addresses: the real xdpport binary on a veth end, real TCP/UDP
# connects and pings from a client namespace with two addresses on each family
# (198.18.21.1 and .200, 2001:db8:21::1 and ::200), each probe sent from one of them.
# Port rules from a prefix, `deny from` (ICMP too), `allow from` under policy drop,
# delete, sets replaced with and without an address, save | apply, the lockout guard
# on the SSH client's address, bad input, and a real country list from libloc.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

TMP=$(mktemp -d)
trap 'xp_reset; netns_cleanup; rm -rf "$TMP"' EXIT

IN4=198.18.21.1 OUT4=198.18.21.200 IN6=2001:db8:21::1 OUT6=2001:db8:21::200
SRV4=198.18.21.2 SRV6=2001:db8:21::2

# from_probe open|dropped NAME PROTO PORT DST SRC
from_probe() {
	local how=$1 name=$2 proto=$3 port=$4 dst=$5 src=$6 ms rc=0 want
	if [ "$how" = open ]; then ms=$PROBE_OPEN_MS want=0; else ms=$PROBE_DROP_MS want=1; fi
	in_ns xp21a "$NETPROBE" "$proto" "$dst" "$port" "$ms" "$src" || rc=$?
	record $([ "$rc" -eq "$want" ] && echo 1 || echo 0) "$name" "netprobe exited $rc, want $want"
}

# ping_from yes|no NAME DST SRC: an ICMP echo from SRC is answered, or not.
ping_from() {
	local want=$1 name=$2 dst=$3 src=$4 got=no
	in_ns xp21a busybox ping -c 1 -W 1 -I "$src" "$dst" >/dev/null 2>&1 && got=yes
	record $([ "$got" = "$want" ] && echo 1 || echo 0) "$name" "answered: $got, want $want"
}

xp_reset
netns_pair 21
ip -n xp21a addr add "$OUT4/24" dev xp21a
ip -n xp21a addr add "$OUT6/64" dev xp21a nodad
serve xp21b 22,443,8080
check "attach" in_ns xp21b "$XDPPORT" attach xp21b

check "allow 22 (before policy drop, for the guard)" xp allow 22
check "allow 8080/tcp from 198.18.21.0/25 2001:db8:21::/121" \
	xp allow 8080/tcp from 198.18.21.0/25 2001:db8:21::/121
check "policy drop" xp policy drop
from_probe open "port from a /25: connects from inside (.1)" tcp 8080 $SRV4 $IN4
from_probe dropped "port from a /25: not from outside (.200)" tcp 8080 $SRV4 $OUT4
from_probe open "port from a /121: connects from inside (::1)" tcp 8080 $SRV6 $IN6
from_probe dropped "port from a /121: not from outside (::200)" tcp 8080 $SRV6 $OUT6
from_probe dropped "the rule is tcp only: udp/8080 from inside follows the policy" udp 8080 $SRV4 $IN4
from_probe open "other ports unaffected: tcp/22 from outside" tcp 22 $SRV4 $OUT4

check "deny from 198.18.21.200 2001:db8:21::200" xp deny from $OUT4 $OUT6
ping_from no "deny from: ICMP echo from .200 dropped" $SRV4 $OUT4
ping_from yes "deny from: ICMP echo from .1 answered" $SRV4 $IN4
ping_from no "deny from: ICMPv6 echo from ::200 dropped" $SRV6 $OUT6
from_probe dropped "deny from: tcp/22 from .200 dropped" tcp 22 $SRV4 $OUT4
from_probe open "deny from: tcp/22 from .1 connects" tcp 22 $SRV4 $IN4

check "delete from 198.18.21.200" xp delete from $OUT4
check "allow from 198.18.21.200" xp allow from $OUT4
from_probe open "allow from under policy drop: tcp/443 (no rule) from .200" tcp 443 $SRV4 $OUT4
from_probe open "allow from: udp/443 from .200" udp 443 $SRV4 $OUT4
from_probe dropped "allow from: tcp/443 from .1 follows the policy" tcp 443 $SRV4 $IN4
from_probe open "allow from beats the port's source rule: tcp/8080 from .200" tcp 8080 $SRV4 $OUT4

check "delete 8080/tcp from 198.18.21.0/25" xp delete 8080/tcp from 198.18.21.0/25
from_probe dropped "after delete: tcp/8080 from .1 follows the policy" tcp 8080 $SRV4 $IN4
expect_error "delete of a rule that is not there" 2 "no such source rule" \
	xp delete 8080/tcp from 198.18.21.0/25

# Sets replaced, with and without the address.
printf '# block list\n198.51.100.0/24 ; SBL1\r\n%s\n\n' $IN4 >"$TMP/with"
printf '198.51.100.0/24\n' >"$TMP/without"
check "set blk (with .1)" xp set blk "$TMP/with"
check "deny 22 from @blk" xp deny 22 from @blk
from_probe dropped "set with the address: tcp/22 from .1 dropped" tcp 22 $SRV4 $IN4
check "set blk replaced (without .1)" xp set blk "$TMP/without"
from_probe open "set without the address: tcp/22 from .1 connects" tcp 22 $SRV4 $IN4
check "set blk from stdin (with .1 again)" bash -c "'$XDPPORT' set blk - <'$TMP/with'"
from_probe dropped "set from stdin: tcp/22 from .1 dropped" tcp 22 $SRV4 $IN4
record $(xp sets | awk '$1 == "blk" && $5 >= 1 {ok = 1} END {print ok + 0}') \
	"sets shows blk with its hits" "$(xp sets)"
record $(xp stats --prometheus | awk '$1 == "xdpport_set_hits_total{set=\"blk\"}" && $2 >= 1 \
	{ok = 1} END {print ok + 0}') "stats --prometheus: xdpport_set_hits_total of blk" \
	"$(xp stats --prometheus | grep set_)"
expect_error "a set in use is not deleted" 1 "rules use @blk" xp set blk --delete
check "delete 22 from @blk" xp delete 22 from @blk
check "set blk --delete" xp set blk --delete
record $(xp sets | grep -q blk && echo 0 || echo 1) "blk is gone" "$(xp sets)"

# save | apply is the identity, sets included.
check "set keep" bash -c "printf '203.0.113.0/24\n2001:db8:ff::/48\n' | '$XDPPORT' set keep -"
check "deny 443 from @keep" xp deny 443 from @keep
xp save | tail -n +3 >"$TMP/saved"
check "apply the saved file" xp apply "$TMP/saved"
xp save | tail -n +3 >"$TMP/saved2"
check "save | apply | save gives the same file" cmp "$TMP/saved" "$TMP/saved2"
check "the saved file has the set and its rule" \
	grep -qx 'set keep 203.0.113.0/24 2001:db8:ff::/48' "$TMP/saved"
from_probe open "after apply: allow from .200 still holds" tcp 443 $SRV4 $OUT4

# Bad input: one clear error, nothing changes.
expect_error "300.1.1.1" 2 "not an IPv4 or IPv6 address" xp allow 22 from 300.1.1.1
expect_error "/33" 2 "at most /32" xp deny from 198.18.0.0/33
expect_error "/129" 2 "at most /128" xp deny from 2001:db8::/129
expect_error "host bits" 2 "host bits set" xp deny from 198.18.21.1/24
expect_error "from with nothing after it" 2 "needs at least one SOURCE" xp deny 22 from
expect_error "@nosuchset" 2 "no set called 'nosuchset'" xp allow from @nosuchset
expect_error "bad set name" 2 "a set name is" xp set 'a/b' "$TMP/with"
seq 0 999999 | awk '{ printf "10.%d.%d.0/24\n", int($1 / 256) % 256, $1 % 256 }' \
	| awk 'NR == 500000 { print "10.1.2.3/33"; next } { print }' >"$TMP/million"
expect_error "a set file with one bad line among a million" 2 "million:500000: .*at most /32" \
	xp set huge "$TMP/million"
expect_error "a missing set file" 2 "No such file" xp set huge "$TMP/nothing"

# The lockout guard knows sources: not the SSH client's address on its port.
expect_error "guard: deny from the SSH client's prefix" 1 "refusing to drop 198.18.21.1 on tcp/22" \
	env SSH_CONNECTION="$IN4 40000 $SRV4 22" "$XDPPORT" deny from 198.18.21.0/24
expect_error "guard: a set holding the SSH client" 1 "refusing to drop" \
	env SSH_CONNECTION="$IN4 40000 $SRV4 22" "$XDPPORT" deny 22 from @keep $IN4
check "guard: --force does it" env SSH_CONNECTION="$IN4 40000 $SRV4 22" \
	"$XDPPORT" deny 22 from $IN4 --force
from_probe dropped "forced: tcp/22 from .1 dropped" tcp 22 $SRV4 $IN4
check "delete 22 from .1" xp delete 22 from $IN4

# A real country list (libloc's database): every network loads and is counted.
if command -v location >/dev/null && location list-networks-by-cc DE >"$TMP/de" 2>/dev/null &&
   [ -s "$TMP/de" ]; then
	v4=$(grep -vc : "$TMP/de") v6=$(grep -c : "$TMP/de")
	check "set de from 'location list-networks-by-cc DE'" xp set de "$TMP/de"
	check "deny from @de" xp deny from @de
	record $(xp sets --json | jq -e --argjson a "$v4" --argjson b "$v6" \
		'.sets[] | select(.name == "de") | .ipv4 == $a and .ipv6 == $b' >/dev/null && echo 1 || echo 0) \
		"libloc DE: $v4 IPv4 and $v6 IPv6 networks in the set" "$(xp sets)"
	from_probe open "libloc DE denied: test addresses still connect" tcp 22 $SRV4 $IN4
else
	record 0 "libloc DE list" "location list-networks-by-cc DE gave nothing (scripts/deps.sh installs libloc-database)"
fi

check "flush" xp flush
check "after flush: no source rules are listed" bash -c "! '$XDPPORT' list | grep -q sources"
from_probe open "after flush: tcp/8080 from .200" tcp 8080 $SRV4 $OUT4

summary
