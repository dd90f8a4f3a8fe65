#!/usr/bin/env bash
# The command line as sysadmins expect it (issue 16): usage and help, the right message
# for a typo or a habit from ufw and iptables, which command takes --json and --force,
# permission errors, a reader that goes away, delete without a rule, attach lo.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION
tmp=$(mktemp -d /tmp/xdpport-usage.XXXXXX)
trap 'xp_reset; netns_cleanup; rm -rf "$tmp"' EXIT

# run CMD...: sets RC, OUT, ERR.
run() {
	RC=0
	"$@" >"$tmp/out" 2>"$tmp/err" || RC=$?
	OUT=$(cat "$tmp/out")
	ERR=$(cat "$tmp/err")
}

# expect NAME RC OUT_GLOB ERR_GLOB: the last run exited RC, its stdout and stderr match.
expect() {
	if [ "$RC" -eq "$2" ] && [[ "$OUT" == $3 ]] && [[ "$ERR" == $4 ]]; then
		record 1 "$1"
	else
		record 0 "$1" "exit $RC (want $2), stdout '${OUT:0:200}', stderr '${ERR:0:300}'"
	fi
}

xp_reset

run xp status
expect "status with nothing attached: 'interfaces   none', not 'attached to  nothing'" 0 \
	"interfaces   none; the rules below are kept*" ""

# --- usage and help ---------------------------------------------------------------
run xp
expect "plain xdpport: the usage on stderr, status 2" 2 "" "Usage: xdpport COMMAND*Commands:*"
run xp --help
expect "--help: the usage on stdout, status 0" 0 "Usage: xdpport COMMAND*" ""
run xp -h
expect "-h: the usage" 0 "Usage: xdpport COMMAND*" ""
run xp -v
expect "-v: unknown option, points to --version" 2 "" "xdpport: usage: unknown option '-v' (did you mean --version?)*"
run xp --json=1 status
expect "--json=1 before the command: takes no value" 2 "" "xdpport: usage: option '--json' takes no value*"
run xp status --json=1
expect "--json=1 after the command: takes no value" 2 "" "xdpport: status: option '--json' takes no value*"
run xp list -v
expect "list -v: unknown option" 2 "" "xdpport: list: unknown option '-v'*"
run xp alow 80
expect "a typo: did you mean 'allow'?" 2 "" "xdpport: alow: unknown command; did you mean 'allow'?*"
run xp stauts
expect "a swap: did you mean 'status'?" 2 "" "*did you mean 'status'?*"
run xp frobnicate
expect "nothing close: no suggestion" 2 "" "xdpport: frobnicate: unknown command (see 'xdpport help')"
run xp help apply
expect "apply --help: file format, stdin, guard, man page" 0 \
	"*standard input*policy pass|drop*xdpport(8)*lockout guard*--force*--check*--json*" ""
run xp save --help
expect "save --help: what it prints, the man page" 0 "Usage: xdpport save*apply*xdpport(8)*" ""
options=$(sed -n '/^Options:/,$p' <<<"$OUT")
is_not_in options "$options" --json && is_not_in options "$options" --force
record_status $? "save --help lists neither --json nor --force"
run xp stats --help
misaligned=$(sed -n '/^Options:/,$p' <<<"$OUT" | tail -n +2 | grep -cvE '^  .{28} [^ ]')
record "$([ "$misaligned" -eq 0 ] && echo 1 || echo 0)" \
	"stats --help: option help in one column" "$OUT"
run xp help fragments
expect "fragments --help: fragmented UDP to allowed ports" 0 "*3000-byte UDP datagram to an allowed 443/udp*" ""

# --- --json and --force only where they mean something ------------------------------
# The commands docs/json.md lists, in the order of 'xdpport help'.
json_commands="attach, detach, sets, list, apply, status, stats, capture, confirm, rollback, flows, version"
for cmd in "allow 80" "deny 80" "delete 80" "policy drop" "fragments drop" "flush" "save" "help" \
	"limit 53/udp off" "replies on" "set none /dev/null"; do
	# shellcheck disable=SC2086
	expect_error "$cmd --json: usage error, names the commands with JSON output" 2 \
		"--json is not for this command \(JSON output: $json_commands\)" xp $cmd --json
done
expect_error "--json before a command without JSON output" 2 "allow: --json is not for" xp --json allow 80
for cmd in "version" "list" "status" "stats" "save" "help" "detach --all" "sets" "flows" \
	"capture" "confirm" "rollback" "limit 53/udp off" "replies on"; do
	# shellcheck disable=SC2086
	expect_error "$cmd --force: usage error" 2 "--force is not for this command" xp $cmd --force
done
expect_error "--force --version: usage error, like version --force" 2 \
	"version: --force is not for this command" xp --force --version
run xp --json --version
expect "--json --version" 0 '{"version":"*"}' ""
run xp version --force --help
expect "version --force --help: --help is valid everywhere" 0 "Usage: xdpport version*" ""
expect_error "stats --reset --json: usage error" 2 "--reset only zeroes" xp stats --reset --json
run xp --force allow 80
expect "--force on allow is harmless" 0 "" "*warning*"
run xp version --json
expect "version --json" 0 '{"version":"*"}' ""

# --- rules files and the command line say the same thing the same way ---------------
run xp allow 70-60
cli_why=${ERR#xdpport: }
printf 'allow 70-60\n' >"$tmp/rules"
run xp apply "$tmp/rules"
record "$([[ "$ERR" == "xdpport: $tmp/rules:1: $cli_why"* ]] && echo 1 || echo 0)" \
	"a PORTSPEC is quoted the same in a rules file and on the command line" "cli '$cli_why', file '$ERR'"
run xp policy drop icmp
cli_why=${ERR#xdpport: }
cli_why=${cli_why% (see*}
printf 'policy drop icmp\n' >"$tmp/rules"
run xp apply --check "$tmp/rules"
record "$([[ "$ERR" == "xdpport: $tmp/rules:1: $cli_why"* ]] && echo 1 || echo 0)" \
	"policy drop icmp: the same 'policy:' message in a file" "cli '$cli_why', file '$ERR'"

# --- a reader that goes away is not an error ---------------------------------------
for json in "" "--json"; do
	rc=$( { xp stats --watch 0.1 $json 2>"$tmp/err" | head -2 >"$tmp/out"; echo "${PIPESTATUS[0]}"; } )
	is_eq "exit status" "$rc" 0 && is_num "lines" "$(wc -l <"$tmp/out")" -eq 2 &&
		holds_not "stderr is empty" [ -s "$tmp/err" ]
	record_status $? "stats --watch $json | head -2: two lines, status 0, nothing on stderr" \
		"stderr: $(cat "$tmp/err")"
done

# --- delete: rules are per port; a port without a rule says so ----------------------
xp_reset
xp allow 8000-8100 2>/dev/null
before=$(xp list --json)
run xp delete 9999
expect "delete of a port without a rule: says so, status 0" 0 "" \
	"xdpport: warning: delete 9999: no rule for this port, nothing to delete*"
record "$([ "$(xp list --json)" = "$before" ] && echo 1 || echo 0)" "delete 9999 changed nothing"
run xp delete 8050 7000-7100/udp
expect "delete of a range without a rule among others: says which" 0 "" \
	"xdpport: warning: delete 7000-7100/udp: no rule for these ports*"
record "$([ "$(xp list --json | jq -c '[.rules[] | [.first, .last]]')" = '[[8000,8049],[8051,8100]]' ] && echo 1 || echo 0)" \
	"deleting 8050 from allow 8000-8100 leaves 8000-8049 and 8051-8100 (rules are per port)"

# --- attach lo warns: it filters the host's own traffic ------------------------------
xp_reset
run xp attach lo
expect "attach lo: attached, with a warning about local DNS" 0 "attached to lo in generic mode*" \
	"*xdpport: warning: lo is loopback: the rules now filter this host's own connections*127.0.0.53*"
xp detach lo >/dev/null
netns_pair 61
run in_ns xp61b "$XDPPORT" attach xp61b
expect "attach of a veth: no loopback warning" 0 "attached to xp61b in native mode*" ""

# --- -d/--debug: libbpf's own messages, on stderr; none without it -------------------
# capture opens and loads its BPF program on every run: libbpf has things to say.
run in_ns xp61b "$XDPPORT" -d capture --duration 0.1
libbpf_lines=$(grep -c '^libbpf: ' <<<"$ERR")
is_eq "exit status" "$RC" 0 && is_num "libbpf lines" "$libbpf_lines" -gt 0 &&
	holds "a debug-level line" grep -q "^libbpf: loading object 'capture'" <<<"$ERR"
record_status $? "-d capture: libbpf's messages on stderr, debug level too" \
	"exit $RC, $libbpf_lines libbpf lines: ${ERR:0:300}"
run in_ns xp61b "$XDPPORT" capture --duration 0.1 --debug
is_eq "exit status" "$RC" 0 && holds "a libbpf line" grep -q '^libbpf: ' <<<"$ERR"
record_status $? "capture --debug: after the command too" "exit $RC, stderr ${ERR:0:300}"
run in_ns xp61b "$XDPPORT" capture --duration 0.1
is_eq "exit status" "$RC" 0 && holds_not "no libbpf line" grep -q 'libbpf' <<<"$ERR"
record_status $? "capture without -d: no libbpf message" "exit $RC, stderr ${ERR:0:300}"
plain=$(xp list)
run xp -d list
expect "-d list: taken by every command, the same output" 0 "$plain" "*"
run xp list
expect "list: no libbpf message" 0 "$plain" ""
expect_error "--debug=1: takes no value" 2 "option '--debug' takes no value" xp --debug=1 list
expect_error "list --debug=1: takes no value" 2 "option '--debug' takes no value" xp list --debug=1

# --- detach of a name xdpport is not on -------------------------------------------
xp_reset
netns_pair 62
in_ns xp62b "$XDPPORT" attach xp62b >/dev/null
run xp detach xp62b
expect "detach from another namespace: points to where the filter is" 1 "" \
	"xdpport: detach: no interface named 'xp62b' in this network namespace; xdpport is attached to xp62b@xp62b: 'nsenter --net=/run/netns/xp62b xdpport detach xp62b' there, or 'xdpport detach --all' from anywhere"
check "still attached in xp62b" test "$(xdp_on xp62b xp62b)" = xdp
run xp detach nosuch0
no_stale_err=$ERR no_stale_rc=$RC
in_ns xp61b "$XDPPORT" attach xp61b >/dev/null
ip netns del xp61a	# takes the veth pair with it: xp61b's pin goes stale
for _ in $(seq 50); do [ "$(xp status --json | jq '[.interfaces[] | select(.attached | not)] | length')" = 1 ] && break; sleep 0.1; done
run xp detach nosuch0
is_eq "exit status, against without stale pins" "$RC" "$no_stale_rc" && is_eq "exit status" "$RC" 1 &&
	is_eq "stderr, against without stale pins" "$ERR" "$no_stale_err" &&
	is_eq stdout "$OUT" "removed 1 pin left by deleted interfaces"
record_status $? "detach of an unknown name: the same error with and without stale pins (which go on the way)"
summary
