#!/usr/bin/env bash
# `xdpport limit` through the real binary: a limit on a veth end under a flood
# (xdpgen) drops what is over it as drop-limit, counted for its port; `off` lifts
# it; rule and policy changes keep limits; list, status, save and apply carry them
# (save | apply - is the identity); a limit on a denied port is kept but inert;
# --table sizes the per-source table of a new filter; bad input is one error line
# and changes nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION
XDPGEN=$PWD/$BUILD/tests/tools/xdpgen

xp_reset
netns_pair 61
check "attach xp61b" in_ns xp61b "$XDPPORT" attach xp61b
check "limit 5353/udp 1000/s burst 200" xp limit 5353/udp 1000/s burst 200
check "list --json shows it" test "$(xp list --json | jq -c '.limits')" = \
	'[{"first":5353,"last":5353,"protocols":["udp"],"rate":1000,"per":"second","burst":200,"per_source":false}]'
check "status --json counts it" test "$(xp status --json | jq -c '.limits')" = '{"tcp":0,"udp":1}'

flood() {	# flood PORT COUNT [xdpgen options]: frames from the client end
	local port=$1 count=$2
	shift 2
	"$XDPGEN" --dev xp61a --netns xp61a --count "$count" --dport "$port" "$@" >/dev/null
}
reason() { xp stats --json | jq ".reasons[\"$1\"].packets"; }
port_dropped() { xp stats --json --top all | jq "[.top_dropped[] | select(.port == $1 and .protocol == \"$2\") | .dropped] | add // 0"; }

xp stats --reset
flood 5353 200000
limited=$(reason drop-limit)
passed=$(reason pass-policy)
check "a flood of 200000 over the limit: most are drop-limit ($limited)" test "$limited" -gt 150000
check "passed + drop-limit = sent ($passed + $limited)" test $((passed + limited)) -eq 200000
check "at least the burst passed ($passed)" test "$passed" -ge 200
check "drop-limit counts as dropped for the port" test "$(port_dropped 5353 udp)" -eq "$limited"

check "deny 5353/udp" xp deny 5353/udp
check "allow 5353/udp" xp allow 5353/udp
check "policy drop (rules and policy keep the limit)" xp policy drop --force
check "the limit is still there" test "$(xp list --json | jq '.limits | length')" -eq 1
check "limit 5353/udp off" xp limit 5353/udp off
xp stats --reset
flood 5353 20000
check "off: a flood passes whole" test "$(reason pass-rule)" -eq 20000 -a "$(reason drop-limit)" -eq 0
check "off: no limits listed" test "$(xp list --json | jq '.limits | length')" -eq 0

# A denied port keeps its limit, inert until it passes.
out=$(xp limit 23 5/s 2>&1)
check "limit on a denied port is accepted" test $? -eq 0
check "with a warning that it does nothing yet" grep -q "does nothing until the port passes" <<<"$out"
check "list marks it inert" grep -q "limit 23 5/s burst 5 (inert: the port is dropped)" <<<"$(xp list)"

# save | apply - is the identity, limits included.
check "limits of every kind" xp limit 8000-8100/tcp 20000/s
check "limit ssh 10/min burst 3 per-source" xp limit ssh 10/min burst 3 per-source
check "limit 53 20000/s burst 100" xp limit 53 20000/s burst 100
before_save=$(xp save | grep -v '^#')
before_list=$(xp list --json)
check "save | apply -" bash -c "'$XDPPORT' save | '$XDPPORT' apply -"
check "save after apply: the same file" test "$(xp save | grep -v '^#')" = "$before_save"
check "list after apply: the same" test "$(xp list --json)" = "$before_list"
check "save writes limit lines" grep -qx "limit 22/tcp 10/min burst 3 per-source" <<<"$before_save"
check "apply --check counts limits" grep -q "ports with limits" <<<"$(xp save | xp apply --check -)"
check "an apply without limit lines removes them" bash -c "printf 'policy drop\nallow 22\n' | '$XDPPORT' apply -"
check "none left" test "$(xp list --json | jq '.limits | length')" -eq 0
check "apply a file with limits" bash -c "printf '%s\n' \"\$1\" | '$XDPPORT' apply --force -" _ "$before_save"
check "back as saved" test "$(xp save | grep -v '^#')" = "$before_save"

# Bad input: one error line, nothing changed.
expect_error "negative rate" 2 "limit 53 -5/s: rate must be a whole number" xp limit 53 -5/s
expect_error "unknown unit" 2 "unknown unit 'fortnight'" xp limit 53 10/fortnight
expect_error "missing rate" 2 "limit: missing PORTSPEC RATE" xp limit 53
expect_error "zero rate" 2 "a rate of 0 passes nothing" xp limit 53 0/s
expect_error "bad PORTSPEC" 2 "limit 70-60: range is backwards" xp limit 70-60 5/s
expect_error "unknown service" 2 "unknown service name" xp limit nosuchservice 5/s
expect_error "huge rate" 2 "rate is too high" xp limit 53 99999999999999999999/s
expect_error "rate over the maximum" 2 "rate is too high" xp limit 53 10000001/s
expect_error "rate without unit" 2 "rate must be N/s or N/min" xp limit 53 100
expect_error "burst 0" 2 "burst must be a number of packets, 1 to 65535" xp limit 53 5/s burst 0
expect_error "huge burst" 2 "burst must be" xp limit 53 5/s burst 65536
expect_error "burst without a number" 2 "burst needs a number" xp limit 53 5/s burst
expect_error "unknown word" 2 "unexpected 'fast'" xp limit 53 5/s fast
expect_error "per-source twice" 2 "unexpected 'per-source'" xp limit 53 5/s per-source per-source
expect_error "off with more words" 2 "off stands alone" xp limit 53 5/s off
expect_error "bad --table" 2 "--table takes a number of sources" xp limit 53 5/s --table 0
expect_error "--table on a running filter" 1 "fixed when the filter is created" \
	xp limit 53 5/s --table 1000
before_list=$(xp list --json)
out=$(printf 'limit 53 5/fortnight\nallow 80\n' | xp apply - 2>&1)
check_exit 2 "apply: a bad limit line is a usage error" \
	bash -c "printf 'limit 53 5/fortnight\nallow 80\n' | '$XDPPORT' apply -"
check "apply names the line and applies nothing" grep -q "stdin:1: limit 53: unknown unit" <<<"$out"
check "apply: nothing changed" test "$(xp list --json)" = "$before_list"

# --try: a trial that drops a limit puts it back when it reverts.
check "limit 5353/udp 300/s burst 30" xp limit 5353/udp 300/s burst 30
with_limit=$(xp list --json | jq -c '.limits')
check "apply --try 1 a file without the limit" \
	bash -c "printf 'allow 80\n' | '$XDPPORT' apply --try 1 - </dev/null >/dev/null 2>&1"
check "--try: the limit is gone while on trial" test "$(xp list --json | jq '.limits | length')" -eq 0
for _ in $(seq 100); do
	[ "$(xp list --json | jq -c '.limits')" = "$with_limit" ] && break
	sleep 0.1
done
check "--try not confirmed: the limit is back as it was" \
	test "$(xp list --json | jq -c '.limits')" = "$with_limit"

# --table: the per-source table's size, set when the filter is created.
xp_reset
check "limit --table 1000 on a new filter" xp limit 8443/tcp 100/s per-source --table 1000
check "the pinned table holds 1000 sources" \
	grep -q "max_entries 1000 " <<<"$(bpftool map show pinned /sys/fs/bpf/xdpport/xdpport_sources)"
check "attach reuses it" in_ns xp61b "$XDPPORT" attach xp61b
check "--table again with the same size is fine" xp limit 8443/tcp 200/s per-source --table 1000
summary
