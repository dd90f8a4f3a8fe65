#!/usr/bin/env bash
# Every --json output against its schema in docs/json.md (tests/tools/jsoncheck.py):
# no key missing, none undocumented, every value of its type. Real outputs: the filter
# attached to a veth end in a namespace, frames sent through it, rules files applied.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION
XDPGEN=$PWD/$BUILD/tests/tools/xdpgen
tmp=$(mktemp -d /tmp/xdpport-json.XXXXXX)
trap 'xp_reset; netns_cleanup; rm -rf "$tmp"' EXIT

jsoncheck() { python3 tests/tools/jsoncheck.py docs/json.md "$@"; }

# schema NAME SCHEMA WANT_RC CMD...: CMD exits WANT_RC and its stdout matches SCHEMA.
checked=()
schema() {
	local name=$1 schema=$2 want=$3 rc=0 why
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	checked+=("$schema")
	if [ "$rc" -ne "$want" ]; then
		record 0 "$name" "exited $rc, want $want: $(head -c 300 "$tmp/err")"
	elif ! why=$(jsoncheck "$schema" <"$tmp/out" 2>&1); then
		record 0 "$name" "$why; output: $(head -c 400 "$tmp/out")"
	else
		record 1 "$name"
	fi
}

# --- the checker itself refuses what it should --------------------------------------
bad_checker() {
	local rc=0
	jsoncheck "$1" <<<"$2" >/dev/null 2>&1 || rc=$?
	record "$([ "$rc" -eq 1 ] && echo 1 || echo 0)" "the checker refuses $3" "exit $rc"
}
bad_checker version '{"version":"1","extra":1}' "an undocumented key"
bad_checker version '{}' "a missing key"
bad_checker version '{"version":1}' "a value of another type"
bad_checker list '{"policy":{"tcp":"pass","udp":"maybe"},"fragments":"pass","rules":[]}' \
	"a value outside its enum"
bad_checker stats '{"timestamp_ms":-1}' "a negative uint"
bad_checker detach 'not json' "text that is not JSON"
check "the checker accepts a good document" jsoncheck version <<<'{"version":"0.1.0"}'

# --- nothing set up yet ---------------------------------------------------------------
xp_reset
schema "version --json" version 0 xp version --json
schema "list --json, nothing set up" list 0 xp list --json
schema "status --json, nothing set up" status 0 xp status --json
schema "stats --json, nothing set up" stats 0 xp stats --json

# --- a filter with rules and traffic --------------------------------------------------
netns_pair 71
server=$SERVER server_if=$SERVER_IF
xp allow 80 8000-8100/udp 2>/dev/null
xp deny 23/tcp 2>/dev/null
schema "attach --json" attach 0 in_ns "$SERVER" "$XDPPORT" attach "$SERVER_IF" --json
schema "attach --json, already attached" attach 0 in_ns "$SERVER" "$XDPPORT" --json attach "$SERVER_IF"
for port in 23 53 80 8050; do
	"$XDPGEN" --dev "$CLIENT_IF" --netns "$CLIENT" --count 20 --proto udp --dport "$port" >/dev/null
	"$XDPGEN" --dev "$CLIENT_IF" --netns "$CLIENT" --count 10 --proto tcp --dport "$port" >/dev/null
done
check "stats count the frames sent" test "$(xp stats --json | jq '.passed.packets + .dropped.packets')" -ge 120
check "stats list top ports (their schema is exercised)" \
	test "$(xp stats --json | jq '(.top_dropped | length) * (.top_passed | length)')" -gt 0
schema "list --json" list 0 xp list --json
schema "status --json, attached in another namespace" status 0 xp status --json
schema "status --json, from the interface's namespace" status 0 in_ns "$SERVER" "$XDPPORT" status --json
schema "stats --json" stats 0 xp stats --json
# A flow the host sends out (a datagram under policy drop udp), as flows lists it.
xp policy drop udp 2>/dev/null
in_ns "$SERVER" bash -c "echo x >/dev/udp/$CLIENT4/5353"
schema "flows --json, a udp flow" flows 0 xp flows --json
check "flows --json lists the datagram's flow" test "$(xp flows --json | jq '.count.udp')" -ge 1
# One name for the interface everywhere: status and stats, text, JSON, Prometheus.
st_name=$(xp status --json | jq -r '.interfaces[0].name')
check "status --json names an interface of another namespace NAME@NETNS" test "$st_name" = "$server_if@$server"
check "stats --json names it the same" test "$(xp stats --json | jq -r '.interfaces[0].name')" = "$st_name"
check "stats text names it the same" grep -q "^$st_name " <<<"$(xp stats)"
check "status text names it the same" grep -q "^interfaces   $st_name (native" <<<"$(xp status)"
check "stats --prometheus labels it the same" \
	grep -q "^xdpport_packets_total{interface=\"$st_name\",reason=\"drop-rule\"}" <<<"$(xp stats --prometheus)"
check "status --json in the interface's own, named namespace: netns_name is set" \
	test "$(in_ns "$server" "$XDPPORT" status --json | jq -r '.interfaces[] | select(.this_netns) | .netns_name')" = "$server"
check "stats --json there: name without @, netns_name set" \
	test "$(in_ns "$server" "$XDPPORT" stats --json | jq -r '.interfaces[0] | .name + " " + .netns_name')" = "$server_if $server"
schema "stats --json --top all" stats 0 xp stats --json --top all
schema "stats --watch --json, two intervals" stats_watch 0 \
	bash -c "'$XDPPORT' stats --watch 0.2 --json | head -2"

# --- apply -----------------------------------------------------------------------------
printf 'policy drop\nallow 22/tcp 80 443\n' >"$tmp/ok.rules"
printf 'allow 7o\npolicy drop icmp\n' >"$tmp/bad.rules"
schema "apply --check --json, a valid file" apply_check 0 xp apply --check --json "$tmp/ok.rules"
schema "apply --check --json, errors" apply_check 2 xp apply --check --json "$tmp/bad.rules"
schema "apply --check --json, unreadable" apply_check 2 xp apply --check --json "$tmp/none"
schema "apply --json, applied" apply 0 xp apply --json "$tmp/ok.rules"
schema "apply --json, errors" apply 2 xp apply --json "$tmp/bad.rules"
schema "apply --json, unreadable" apply 2 xp apply --json "$tmp/none"
printf 'policy drop\n' >"$tmp/lockout.rules"
schema "apply --json, refused by the guard" apply 1 xp apply --json "$tmp/lockout.rules"
schema "apply --check --json, refused by the guard" apply_check 1 \
	xp apply --check --json "$tmp/lockout.rules"

# --- source rules and sets: list, sets, status, apply --check --------------------------
printf '198.18.9.0/24\n2001:db8:9::/48\n' >"$tmp/set9"
xp set s9 "$tmp/set9" 2>/dev/null
xp allow 8022/tcp from 198.18.0.0/25 2>/dev/null
xp deny from @s9 2>/dev/null
schema "list --json, source rules and sets" list 0 xp list --json
check "list --json: the source rules" test "$(jq -c '[.sources[].from]' "$tmp/out")" = \
	'["198.18.0.0/25","@s9"]'
schema "sets --json" sets 0 xp sets --json
check "sets --json: the set's prefixes" test "$(jq -c '.sets[0] | [.name, .ipv4, .ipv6, .rules]' \
	"$tmp/out")" = '["s9",1,1,1]'
schema "status --json, source rules and a set" status 0 xp status --json
xp save >"$tmp/sources.rules"
schema "apply --check --json, sets and source rules" apply_check 0 \
	xp apply --check --json "$tmp/sources.rules"
check "apply --check --json counts them" test "$(jq -c '[.source_rules, .sets]' "$tmp/out")" = '[2,1]'
xp delete from @s9 2>/dev/null
xp delete 8022/tcp from 198.18.0.0/25 2>/dev/null
xp set s9 --delete 2>/dev/null

# --- a change on trial: status shows it; confirm and rollback end it --------------------
xp deny 9100 --try 60 >/dev/null
schema "status --json, a change on trial" status 0 xp status --json
check "status --json: the trial's command" test "$(jq -r .try.what "$tmp/out")" = "deny 9100"
schema "confirm --json" confirm 0 xp confirm --json
xp deny 9101 --try 60 >/dev/null
schema "rollback --json" rollback 0 xp rollback --json
rc=0
out=$(xp confirm --json 2>/dev/null) || rc=$?
is_eq "exit status" "$rc" 1 && is_eq stdout "$out" ""
record_status $? "confirm --json, nothing on trial: status 1, no output"

# --- attach --replace: what it replaced -------------------------------------------------
netns_pair 73
ip -n xp73b link set dev xp73b xdpdrv object "$BUILD"/tests/bpf/xdp_floor.bpf.o program floor_drop
schema "attach --replace --json" attach 0 in_ns xp73b "$XDPPORT" attach xp73b --replace --json
check "attach --replace --json names the program it replaced" \
	test "$(jq -r .replaced.program_name "$tmp/out")" = floor_drop
in_ns xp73b "$XDPPORT" detach xp73b >/dev/null

# --- an interface deleted under the filter, then detach --------------------------------
netns_pair 72
in_ns xp72b "$XDPPORT" attach xp72b >/dev/null
ip netns del xp72a	# takes the veth pair with it
for _ in $(seq 50); do
	[ "$(xp status --json | jq '[.interfaces[] | select(.attached | not)] | length')" = 1 ] && break
	sleep 0.1
done
schema "status --json with a deleted interface" status 0 xp status --json
schema "stats --json with a deleted interface" stats 0 xp stats --json
check "stats: the deleted interface's row says gone" grep -q "(gone)" <<<"$(xp stats)"
check "stats --json: the deleted interface is attached: false" \
	test "$(xp stats --json | jq '[.interfaces[] | select(.attached | not)] | length')" = 1
schema "detach --json, not attached there" detach 0 xp detach lo --json
schema "detach --json" detach 0 in_ns "$server" "$XDPPORT" detach "$server_if" --json
schema "detach --all --json" detach 0 xp detach --all --json

# --- every top-level schema was used ----------------------------------------------------
for top in version list status stats stats_watch flows attach detach apply apply_check \
	confirm rollback; do
	used=
	for s in "${checked[@]}"; do [ "$s" = "$top" ] && used=1; done
	record "${used:-0}" "the $top schema was checked against real output"
done
summary
