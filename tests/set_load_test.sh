#!/usr/bin/env bash
# Atomicity of sets under load: live frames, each from a random IPv4 source
# (xdpgen --random-source), flow through the real filter while a set is replaced,
# an `apply` switches sets and rules together, and `set` is killed (SIGKILL) in the
# middle. Both contents of the set cover every IPv4 address, with different prefixes
# (256 /8s, or 65,000 /16s with /9s and /25-/26s), and the rules decide every frame
# by its source: so a frame that saw a half-loaded set, or a mix of two, would fall
# through to the policy. The test: drop-policy stays 0 while millions of frames are
# decided by source, and after each SIGKILL the filter runs the old set or the new one.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

TMP=$(mktemp -d)
GEN_PID=
stop_generator() {
	touch "$TMP/stop"
	[ -n "$GEN_PID" ] && wait "$GEN_PID" 2>/dev/null
	GEN_PID=
}
trap 'stop_generator; xp_reset; netns_cleanup; rm -rf "$TMP"' EXIT
XDPGEN=${XDPGEN:-$PWD/$BUILD/tests/tools/xdpgen}

# A: every /8. B: every /16 outside 10/8, and 10/8 as two /9s with /25 and /26s in one /24.
seq 0 255 | sed 's|$|.0.0.0/8|' >"$TMP/a"
{
	for i in $(seq 0 255); do [ "$i" = 10 ] && continue; seq 0 255 | sed "s|^|$i.|; s|$|.0.0/16|"; done
	printf '10.0.0.0/9\n10.128.0.0/9\n10.0.0.0/25\n10.0.0.128/26\n10.0.0.192/26\n'
} >"$TMP/b"
rules() {	# rules FILE: the whole ruleset, with the set inline
	echo "allow 22/tcp"
	echo "policy drop"
	awk 'NR % 8 == 1 { printf "%sset s", (NR > 1 ? "\n" : "") } { printf " %s", $0 } END { print "" }' "$1"
	echo "deny 9/udp from @s"
	echo "allow from 11.0.0.0/17"	# longer than either content: decides
}
rules "$TMP/a" >"$TMP/a.rules"
rules "$TMP/b" >"$TMP/b.rules"

reason() {	# reason NAME: packets counted under it
	xp stats --json | jq -r --arg r "$1" '.reasons[$r].packets'
}

xp_reset
netns_pair 31
check "apply A (set s: 256 /8s)" xp apply "$TMP/a.rules"
check "attach" in_ns xp31b "$XDPPORT" attach xp31b

# The generator: chunks of frames until told to stop.
mac=$(ip -n xp31b -br link show xp31b | awk '{ print $3 }')
(
	while [ ! -e "$TMP/stop" ]; do
		in_ns xp31a "$XDPGEN" --dev xp31a --count 200000 --proto udp --dport 9 \
			--random-source --dst-mac "$mac" >/dev/null || break
	done
) &
GEN_PID=$!
sleep 0.3

fails=0
for i in $(seq 1 10); do
	xp set s "$TMP/b" 2>/dev/null || fails=$((fails + 1))
	xp set s "$TMP/a" 2>/dev/null || fails=$((fails + 1))
done
record $([ $fails -eq 0 ] && echo 1 || echo 0) "20 set replacements under load exited 0" "$fails failed"
for i in $(seq 1 5); do
	xp apply "$TMP/b.rules" 2>/dev/null || fails=$((fails + 1))
	xp apply "$TMP/a.rules" 2>/dev/null || fails=$((fails + 1))
done
record $([ $fails -eq 0 ] && echo 1 || echo 0) "10 applies switching sets and rules exited 0" "$fails failed"

# SIGKILL in the middle of `set`: the filter keeps the old set or has the new one.
for i in $(seq 1 6); do
	"$XDPPORT" set s "$TMP/b" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(xp sets --json | jq -r '.sets[] | select(.name == "s") | .ipv4')
	is_eq "ipv4 prefixes (old, A)" "$n" 256 || is_eq "ipv4 prefixes (new, B)" "$n" 65285
	record_status $? "SIGKILL $i during 'set s': the set is whole, old or new ($n prefixes)"
	xp set s "$TMP/a" 2>/dev/null
done
sleep 0.3
stop_generator

sources=$(( $(reason drop-source) + $(reason pass-source) ))
record $([ "$sources" -ge 1000000 ] && echo 1 || echo 0) \
	"at least a million frames were decided by source while sets changed ($sources)"
record $([ "$(reason pass-source)" -gt 0 ] && echo 1 || echo 0) \
	"allow from 11.0.0.0/17 passed some ($(reason pass-source))"
record $([ "$(reason drop-policy)" = 0 ] && echo 1 || echo 0) \
	"no frame fell through a half-loaded set to the policy (drop-policy $(reason drop-policy))"
record $([ "$(reason pass-rule)$(reason drop-rule)" = 00 ] && echo 1 || echo 0) \
	"no frame was judged by a port rule"
check "the CLI still works after the kills: list" xp list
summary
