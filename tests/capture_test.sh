#!/usr/bin/env bash
# End-to-end tests of `xdpport capture`: exact frames (tests/tools/sendframes) go out of
# the client end of a veth pair into the server end, where the real xdpport binary is
# attached; the real tcpdump reads what capture wrote and must show exactly those
# frames. IPv6 is off on both ends so the kernel sends nothing of its own.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib/report.sh
. tests/lib/netns.sh
. tests/lib/cli.sh

SENDFRAMES=$PWD/$BUILD/tests/tools/sendframes
TMP=$(mktemp -d)
trap 'stop_capture; xp_reset; netns_cleanup; rm -rf "$TMP"' EXIT
CAP_PID=

srv() { in_ns "$SERVER" "$XDPPORT" "$@"; }
send() { in_ns "$CLIENT" "$SENDFRAMES" "$CLIENT_IF" "$@" >/dev/null; }

# start_capture NAME ARGS...: capture in the background, stdout to $TMP/NAME.out and
# stderr to $TMP/NAME.err; returns once it says it runs (or has died).
start_capture() {
	local name=$1 tries=0
	shift
	nsenter --net="/run/netns/$SERVER" "$XDPPORT" capture "$@" >"$TMP/$name.out" \
		2>"$TMP/$name.err" &
	CAP_PID=$!
	until grep -q 'Ctrl-C ends' "$TMP/$name.err" 2>/dev/null; do
		kill -0 "$CAP_PID" 2>/dev/null || return 1
		tries=$((tries + 1))
		[ $tries -gt 200 ] && return 1
		sleep 0.025
	done
	remember_hooks
}

# Waits up to 10 s for the capture to end by itself; sets CAP_RC.
wait_capture() {
	local tries=0
	while kill -0 "$CAP_PID" 2>/dev/null && [ $tries -lt 400 ]; do
		sleep 0.025
		tries=$((tries + 1))
	done
	kill -0 "$CAP_PID" 2>/dev/null && kill -KILL "$CAP_PID"
	wait "$CAP_PID"
	CAP_RC=$?
	CAP_PID=
}

stop_capture() {
	[ -n "$CAP_PID" ] || return 0
	kill -KILL "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# tcpdump's lines as "PROTO PORT", one per frame from the client.
frames_of() {
	sed -nE 's/.* 198\.18\.[0-9]+\.1\.[0-9]+ > 198\.18\.[0-9]+\.2\.([0-9]+): (Flags|UDP).*/\2 \1/p' |
		sed 's/^Flags/tcp/; s/^UDP/udp/'
}

# The frames the real tcpdump reads from a pcap file.
frames_in() { tcpdump -nn -r "$1" 2>/dev/null | frames_of; }

expect_eq() {	# expect_eq NAME GOT WANT
	if [ "$2" = "$3" ]; then record 1 "$1"; else record 0 "$1" "got [$(echo $2)], want [$(echo $3)]"; fi
}

summary_of() { grep -E 'captured, [0-9]+ left out by the rate cap, [0-9]+ lost' "$TMP/$1.err"; }

# How many copies of the capture program are loaded (bpftool sees every program).
# Program ids are global: other filters on the machine (another test run) have capture
# programs too. So this test counts only the programs its own captures put in its
# filter's hook (remembered in HOOK_IDS when each capture starts) that are still loaded.
HOOK_IDS=()
remember_hooks() { HOOK_IDS+=($(hook_map_dump | jq -r '.[].formatted.value')); }
hook_programs() {
	local n=0 id
	remember_hooks
	for id in "${HOOK_IDS[@]}"; do
		bpftool prog show id "$id" 2>/dev/null | grep -q 'name capture_hook' && n=$((n + 1))
	done
	echo $n
}
# The filled slots of the capture hook of the filter program on the server's interface.
hook_map_dump() {
	local prog map
	prog=$(srv status --json | jq '.interfaces[0].program_id')
	map=$(for m in $(bpftool prog show id "$prog" -j | jq '.map_ids[]'); do
		bpftool map show id "$m" -j; done | jq 'select(.name == "xdpport_capture") | .id')
	bpftool map dump id "$map" -j
}
hook_entries() { hook_map_dump | jq length; }

repeat() { local i; for ((i = 0; i < $1; i++)); do echo "$2"; done; }

netns_pair 41
for ns in "$CLIENT" "$SERVER"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
xp_reset

# --- errors: one line, nothing started
expect_error "capture with nothing attached says so" 1 'nothing to capture' srv capture -c 1
srv deny 7 >/dev/null 2>&1
srv policy drop udp >/dev/null 2>&1
srv allow 53/udp >/dev/null 2>&1
srv attach "$SERVER_IF" >/dev/null
expect_error "capture --reason of no such reason is a usage error" 2 "--reason 'drop-everything': not a reason" \
	srv capture --reason drop-everything
expect_error "capture --port with a bad PORTSPEC is a usage error" 2 "--port 7o" srv capture --port 7o
expect_error "capture with a bad EXPRESSION is a usage error" 2 'not a filter expression' \
	srv capture tcp port port
expect_error "capture -w into a directory that does not exist fails" 1 'capture -w: .*No such file' \
	srv capture -w "$TMP/no/such/dir/x.pcap"
expect_error "capture -c 0 is a usage error" 2 '-c needs a number' srv capture -c 0
expect_error "capture --duration x is a usage error" 2 '--duration needs seconds' srv capture --duration x
expect_error "capture -w - --json is a usage error" 2 'cannot go there too' srv capture -w - --json
expect_error "capture --all --reason is a usage error" 2 'not with --reason' srv capture --all --reason drop-rule
expect_error "capture -x is an unknown option" 2 "unknown option '-x'" srv capture -x
check "a failed capture leaves no capture program behind" test "$(hook_programs)" = 0

# --- exactly COUNT dropped frames, the ones sent; passed frames absent
start_capture count -c 5 -w "$TMP/count.pcap" || record 0 "capture starts" "$(cat "$TMP/count.err")"
drop_reasons=$("$XDPPORT" stats --help | awk '/^Reasons/ { on = 1; next } on && $2 == "drop"' | wc -l)
check "while capturing, the hook holds a program per drop reason ($drop_reasons)" \
	test "$(hook_entries)" = "$drop_reasons"
send 3 tcp4 8080	# passes (policy pass)
send 8 tcp4 7		# drop-rule
wait_capture
expect_eq "capture -c 5: tcpdump reads exactly the 5 frames to tcp/7, not the passed ones" \
	"$(frames_in "$TMP/count.pcap")" "$(repeat 5 'tcp 7')"
check "capture -c 5 exits 0" test "$CAP_RC" = 0
check "capture -c 5 ends with the summary line" grep -q 'capture: 5 captured, 0 left out by the rate cap, 0 lost' "$TMP/count.err"
check "after the capture, the hook is empty" test "$(hook_entries)" = 0

# --- --all: passed frames too, in order
start_capture all -c 6 --all -w "$TMP/all.pcap"
send 3 tcp4 8080
send 3 udp4 7
wait_capture
expect_eq "capture --all: the passed frames and the dropped ones" \
	"$(frames_in "$TMP/all.pcap")" "$(repeat 3 'tcp 8080'; repeat 3 'udp 7')"

# --- --reason: only drop-policy (udp without a rule), not drop-rule (7)
start_capture reason -c 3 --reason drop-policy -w "$TMP/reason.pcap"
send 4 tcp4 7
send 3 udp4 9999
wait_capture
expect_eq "capture --reason drop-policy: only the frames dropped by policy" \
	"$(frames_in "$TMP/reason.pcap")" "$(repeat 3 'udp 9999')"

# --reason twice, --json lines: the reason and interface of each frame
start_capture json -c 4 --reason drop-rule --reason drop-policy --json
send 2 tcp4 7
send 2 udp4 9999
wait_capture
expect_eq "capture --json: one line per frame with its reason, interface, port and length" \
	"$(jq -r '"\(.reason) \(.name) \(.protocol)/\(.port) \(.length) \(.captured) \(.data | length)"' "$TMP/json.out")" \
	"$(repeat 2 "drop-rule $SERVER_IF tcp/7 72 72 144"; repeat 2 "drop-policy $SERVER_IF udp/9999 60 60 120")"

check "capture --json: every line matches the capture schema of docs/json.md" \
	python3 tests/tools/jsoncheck.py docs/json.md capture <"$TMP/json.out"

# --- --port: the filter's own parser picks the port
start_capture port -c 2 --port 9999/udp -w "$TMP/port.pcap"
send 3 tcp4 7
send 2 udp4 9999
wait_capture
expect_eq "capture --port 9999/udp: only those frames" "$(frames_in "$TMP/port.pcap")" "$(repeat 2 'udp 9999')"
check "capture --port counts the others as not matching" grep -q '2 captured, 0 left out by the rate cap, 0 lost, 3 not matching' "$TMP/port.err"

# --- a tcpdump expression
start_capture expr -c 2 -w "$TMP/expr.pcap" tcp and dst port 7
send 3 udp4 9999
send 2 tcp4 7
wait_capture
expect_eq "capture EXPRESSION: only the frames it matches" "$(frames_in "$TMP/expr.pcap")" "$(repeat 2 'tcp 7')"

# --- -s: the snap length written, the original length kept
start_capture snap -c 3 -s 40 -w "$TMP/snap.pcap"
send 3 tcp4 7 200
wait_capture
expect_eq "capture -s 40: every record holds 40 bytes (file size)" "$(stat -c %s "$TMP/snap.pcap")" $((24 + 3 * (16 + 40)))
expect_eq "capture -s 40: tcpdump sees the snap length and the frames' full length" \
	"$(tcpdump -nn -r "$TMP/snap.pcap" 2>&1 | grep -c 'snapshot length 40'; tcpdump -nn -e -r "$TMP/snap.pcap" 2>/dev/null | grep -c 'length 254')" "$(printf '1\n3')"

# --- -w - into tcpdump -r -
nsenter --net="/run/netns/$SERVER" "$XDPPORT" capture -c 4 -w - 2>"$TMP/pipe.err" |
	tcpdump -nn -r - >"$TMP/pipe.txt" 2>/dev/null &
PIPE_PID=$!
for _ in $(seq 200); do grep -q 'Ctrl-C ends' "$TMP/pipe.err" && break; sleep 0.025; done
send 4 udp4 7
for _ in $(seq 400); do kill -0 $PIPE_PID 2>/dev/null || break; sleep 0.025; done
wait $PIPE_PID
expect_eq "capture -w - | tcpdump -r -: tcpdump reads the 4 frames" \
	"$(frames_of <"$TMP/pipe.txt")" \
	"$(repeat 4 'udp 7')"

# --- SIGINT and --duration end cleanly, with the summary
start_capture int -w "$TMP/int.pcap"
send 2 tcp4 7
sleep 0.3
kill -INT "$CAP_PID"
wait_capture
check "Ctrl-C (SIGINT) ends the capture with status 0" test "$CAP_RC" = 0
check "Ctrl-C: the summary line counts the frames" grep -q 'capture: 2 captured, 0 left out by the rate cap, 0 lost' "$TMP/int.err"
expect_eq "Ctrl-C: the file holds the frames" "$(frames_in "$TMP/int.pcap")" "$(repeat 2 'tcp 7')"
start_capture term -w "$TMP/term.pcap"
kill -TERM "$CAP_PID"
wait_capture
check "SIGTERM ends the capture with status 0 and the summary" test "$CAP_RC" = 0 -a -n "$(summary_of term)"
started=$(date +%s%N)
start_capture dur --duration 1
send 1 tcp4 7
wait_capture
elapsed=$((($(date +%s%N) - started) / 1000000))
check "--duration 1 ends by itself after a second, status 0 (${elapsed} ms)" test "$CAP_RC" = 0 -a "$elapsed" -ge 1000 -a "$elapsed" -lt 5000
check "--duration: the summary line, and a text line for the frame" \
	grep -q "drop-rule 72 bytes tcp/7" "$TMP/dur.out"
check "--duration: summary" test -n "$(summary_of dur)"
check "nothing of the capture stays loaded after it ends" test "$(hook_programs)" = 0

# --- the rate cap and sampling: counted, never silent
start_capture rate --rate 5 --duration 1
send 40 tcp4 7
wait_capture
read -r got capped < <(sed -nE 's/.*capture: ([0-9]+) captured, ([0-9]+) left out by the rate cap.*/\1 \2/p' "$TMP/rate.err")
ncpus=$(nproc)
check "--rate 5: 5 frames a second per CPU captured (got ${got:-?}), the rest counted as left out (${capped:-?})" \
	test "${got:-0}" -ge 5 -a "${got:-0}" -le $((5 * ncpus)) -a $((${got:-0} + ${capped:-0})) -eq 40
start_capture sample --sample 4 --duration 1 --rate 0
send 40 tcp4 7
wait_capture
read -r got out < <(sed -nE 's/.*capture: ([0-9]+) captured.*, ([0-9]+) left out by --sample.*/\1 \2/p' "$TMP/sample.err")
check "--sample 4: one frame in 4 (got ${got:-?}, ${out:-?} left out)" \
	test "${got:-0}" -ge 10 -a "${got:-0}" -le $((10 + ncpus)) -a $((${got:-0} + ${out:-0})) -eq 40

# --- one capture at a time
start_capture first -w "$TMP/first.pcap"
expect_error "a second capture while one runs is refused" 1 'another capture runs' srv capture -c 1
stop_capture

# --- SIGKILL: the kernel empties the hook; the next capture works, even at once
# (the one before was just killed too: capture waits out the kernel's deferred emptying)
start_capture killed -w "$TMP/killed.pcap" ||
	record 0 "a capture starts right after one was killed" "$(cat "$TMP/killed.err")"
check "a running capture has its programs loaded" test "$(hook_programs)" -gt 0
kill -KILL "$CAP_PID"
wait "$CAP_PID" 2>/dev/null
CAP_PID=
for _ in $(seq 100); do [ "$(hook_programs)" = 0 ] && [ "$(hook_entries)" = 0 ] && break; sleep 0.05; done
check "after SIGKILL the hook is empty and no capture program stays loaded" \
	test "$(hook_programs)" = 0 -a "$(hook_entries)" = 0
send 2 tcp4 8080
start_capture after -c 1 -w "$TMP/after.pcap"
send 1 tcp4 7
wait_capture
expect_eq "after SIGKILL the next capture works" "$(frames_in "$TMP/after.pcap")" "tcp 7"
check "after SIGKILL, frames that passed still counted as passed" \
	test "$(srv stats --json | jq '.reasons["pass-policy"].packets')" -ge 5

# --- the verdicts while capturing: a capture never changes what passes
serve "$SERVER" 8080
start_capture verdicts --all -w "$TMP/verdicts.pcap"
expect_open "while capturing --all, an allowed TCP port still connects" "$CLIENT" tcp 8080 "$SERVER4"
expect_dropped "while capturing --all, a denied port is still dropped" "$CLIENT" tcp 7 "$SERVER4"
kill -INT "$CAP_PID"
wait_capture
check "capture --all saw the connection's frames (tcp/8080) and the dropped SYN (tcp/7)" \
	test "$(frames_in "$TMP/verdicts.pcap" | grep -c 'tcp 8080')" -ge 1 -a "$(frames_in "$TMP/verdicts.pcap" | grep -c 'tcp 7')" -ge 1

# --- capture while apply switches rulesets: each frame with the reason of its ruleset
printf 'deny 7\nallow 8\n' >"$TMP/a.rules"
printf 'deny 8\nallow 7\n' >"$TMP/b.rules"
start_capture apply -c 16 --json
want=
for round in 1 2 3 4; do
	srv apply "$TMP/a.rules" >/dev/null 2>&1
	send 2 tcp4 7
	send 2 tcp4 8
	srv apply "$TMP/b.rules" >/dev/null 2>&1
	send 2 tcp4 7
	send 2 tcp4 8
	want+="$(repeat 2 'drop-rule tcp/7')"$'\n'"$(repeat 2 'drop-rule tcp/8')"$'\n'
done
wait_capture
check "capture --json while apply switches rulesets: every line matches the schema" \
	python3 tests/tools/jsoncheck.py docs/json.md capture <"$TMP/apply.out"
expect_eq "capture while apply switches rulesets: the frames each ruleset drops, in order" \
	"$(jq -r '"\(.reason) \(.protocol)/\(.port)"' "$TMP/apply.out")" "$(printf '%s' "$want" | sed '/^$/d')"

summary
