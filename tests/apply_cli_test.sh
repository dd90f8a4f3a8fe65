#!/usr/bin/env bash
# apply and save through the real binary: usage and exit codes, the error report's
# format, --check and --json, hostile files, and real TCP traffic switching between
# two rulesets. Run through tests/run.sh (private bpffs and network namespace).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=${XDPPORT:-$PWD/$BUILD/xdpport}
NETPROBE=$PWD/$BUILD/tests/tools/netprobe
tmp=$(mktemp -d /tmp/xdpport-apply-cli.XXXXXX)
trap '"$XDPPORT" detach --all >/dev/null 2>&1; "$XDPPORT" flush >/dev/null 2>&1;
      netns_cleanup; rm -rf "$tmp"' EXIT
unset SSH_CONNECTION

xp() { "$XDPPORT" "$@"; }

# run CMD...: sets RC, OUT, ERR.
run() {
	RC=0
	"$@" >"$tmp/out" 2>"$tmp/err" || RC=$?
	OUT=$(cat "$tmp/out")
	ERR=$(cat "$tmp/err")
}

# The running ruleset, as save prints it without its header.
running() { xp save | grep -v '^#'; }

xp detach --all >/dev/null 2>&1
xp flush >/dev/null 2>&1

# --- usage ----------------------------------------------------------------------
run xp help
is_in stdout "$OUT" "apply FILE|-" && is_in stdout "$OUT" "save "
record_status $? "help lists apply and save"
run xp help apply
record "$([[ "$OUT" == *--check* ]] && echo 1 || echo 0)" "help apply shows --check"
check_exit 2 "usage: apply without a file exits 2" xp apply
check_exit 2 "usage: apply with two files exits 2" xp apply a b
check_exit 2 "usage: apply with an unknown option exits 2" xp apply --bogus /dev/null
check_exit 2 "usage: save with an argument exits 2" xp save extra
run xp save --json
is_eq "exit status" "$RC" 2 && is_like stderr "$ERR" "*JSON output: *list*"
record_status $? "usage: save --json exits 2 and points to list" "stderr: $ERR"

# --- the error report -------------------------------------------------------------
printf 'policy drop\nallow 22/tcp\nallow 7o\n\nfoo\ndeny 1-2-3\nallow 80 # ok\npolicy maybe tcp\n' \
	>"$tmp/bad.rules"
before=$(running)
run xp apply "$tmp/bad.rules"
lines=$(printf '%s\n' "$ERR" | grep -c '')
format_ok=$(printf '%s\n' "$ERR" | head -n 4 | grep -cE "^xdpport: $tmp/bad.rules:[0-9]+: .+$")
is_eq "exit status" "$RC" 2 && is_num "stderr lines" "$lines" -eq 5 &&
	is_num "lines as FILE:LINE: why" "$format_ok" -eq 4
record_status $? "errors: exit 2, one 'xdpport: FILE:LINE: why' line per error, then one summary line" \
	"stderr: $ERR"
record "$(printf '%s\n' "$ERR" | cut -d: -f3 | head -n 4 | tr '\n' ' ' | grep -qx '3 5 6 8 ' &&
	echo 1 || echo 0)" "errors: the line numbers are 3, 5, 6 and 8" "$ERR"
record "$([[ "$(printf '%s\n' "$ERR" | tail -n 1)" == "xdpport: apply: $tmp/bad.rules: 4 errors, nothing applied" ]] &&
	echo 1 || echo 0)" "errors: the summary says how many and that nothing was applied"
record "$([ "$(running)" = "$before" ] && echo 1 || echo 0)" "errors: the ruleset is unchanged"

seq 1 500 | sed 's/^\(.*\)$/allow \1o/' >"$tmp/many.rules"
run xp apply "$tmp/many.rules"
is_eq "exit status" "$RC" 2 && is_num "stderr lines" "$(printf '%s\n' "$ERR" | grep -c '')" -eq 102 &&
	is_in stderr "$ERR" "400 more errors not shown"
record_status $? "errors: 500 errors: the first 100, a count of the rest, the summary"

# --- --check and --json -------------------------------------------------------------
printf 'policy drop\nallow 443\n' >"$tmp/lockout.rules"
run xp apply --check "$tmp/lockout.rules"
is_eq "exit status" "$RC" 1 && is_eq stdout "$OUT" "" &&
	is_like stderr "$ERR" "xdpport: apply: refusing to drop tcp/22*"
record_status $? "--check: what apply would refuse (the guard) fails, exit 1" "$OUT $ERR"
run xp apply --check --force "$tmp/lockout.rules"
is_eq "exit status" "$RC" 0 && is_in stdout "$OUT" ": ok: policy tcp drop, udp drop" &&
	is_like stderr "$ERR" "*drops tcp/22*--force*"
record_status $? "--check --force: exit 0, a summary, a warning that it drops tcp/22" "$OUT $ERR"
record "$([ "$(running)" = "$before" ] && echo 1 || echo 0)" "--check: changes nothing"
run xp apply --check --json "$tmp/bad.rules"
is_eq "exit status" "$RC" 2 &&
	is_like stdout "$OUT" '{"file":*"errors":\[{"line":3,"message":"allow 7o: *' &&
	is_like stdout "$OUT" '*"error_count":4,"valid":false}'
record_status $? "--check --json: errors as a JSON list with line numbers"
printf 'policy pass\nallow 22/tcp 443\n' >"$tmp/ok.rules"
run xp --json apply "$tmp/ok.rules"
is_eq "exit status" "$RC" 0 && is_like stdout "$OUT" '*"valid":true,"applied":true}'
record_status $? "--json apply: says it applied" "stdout: $OUT"
run xp apply "$tmp/lockout.rules"
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "refusing to drop tcp/22"
record_status $? "guard: a file that starts dropping tcp/22 exits 1" "stderr: $ERR"

# --- hostile files: one clear error, nothing applied ---------------------------------
before=$(running)
hostile() {	# hostile NAME PATTERN FILE
	run xp apply "$3"
	is_eq "exit status" "$RC" 2 && is_like stderr "$ERR" "*$2*" &&
		is_eq "the running rules" "$(running)" "$before"
	record_status $? "hostile: $1" "stderr: $ERR"
}
hostile "a directory" "is a directory" "$tmp"
hostile "/proc/self/mem" "cannot read" /proc/self/mem
hostile "a missing file" "No such file" "$tmp/missing"
hostile "/dev/zero (endless)" "larger than 16 MiB" /dev/zero
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '\n' >"$tmp/big.rules"
hostile "a file of 16 MiB + 1 byte" "larger than 16 MiB" "$tmp/big.rules"
printf 'allow 1\nallow 2\0\n' >"$tmp/nul.rules"
hostile "a NUL byte" "nul.rules:2: NUL byte" "$tmp/nul.rules"
printf 'allow 1\xe2\x80\xa8\n' >"$tmp/unicode.rules"
hostile "a Unicode line separator" "unicode.rules:1: non-ASCII" "$tmp/unicode.rules"
head -c 1048576 /dev/urandom >"$tmp/random.rules"
hostile "1 MiB of random bytes" "nothing applied" "$tmp/random.rules"

# What is fine: CRLF, no final newline, a FIFO, a big valid file, an empty file.
printf 'policy drop\r\nallow 22/tcp\r\nallow 443' >"$tmp/crlf.rules"
check "CRLF and no final newline: applied" xp apply "$tmp/crlf.rules"
record "$([ "$(running)" = "$(printf 'policy drop\nfragments pass\nallow 22/tcp\nallow 443')" ] &&
	echo 1 || echo 0)" "CRLF: the ruleset is what the file says"
mkfifo "$tmp/fifo"
printf 'policy drop\nallow 22/tcp\n' >"$tmp/fifo" &
check "a FIFO is read to its end" xp apply "$tmp/fifo"
seq 0 2 65535 | sed 's|^\(.*\)$|allow \1/tcp\ndeny \1/udp|' >"$tmp/big-valid.rules"
check "131072 lines (1.4 MB): applied" xp --force apply "$tmp/big-valid.rules"
record "$([ "$(running | grep -c '')" -eq 65538 ] && echo 1 || echo 0)" \
	"131072 lines: save prints them back, one range per port and protocol"
check "an empty file: applied (the clean ruleset)" xp apply /dev/null
record "$([ "$(running)" = "$(printf 'policy pass\nfragments pass')" ] && echo 1 || echo 0)" \
	"an empty file: every policy pass, no rules"

# --- real traffic: apply switches what gets through ----------------------------------
netns_pair 43
in_ns "$SERVER" "$XDPPORT" attach "$SERVER_IF" >/dev/null
nsenter --net="/run/netns/$SERVER" "$NETPROBE" serve 8080,8081 >"$tmp/ready" &
for _ in $(seq 50); do grep -q ready "$tmp/ready" && break; sleep 0.1; done
probe() {	# probe NAME WANT PORT
	local rc=0
	in_ns "$CLIENT" "$NETPROBE" tcp "$SERVER4" "$3" "${4:-2000}" || rc=$?
	record "$([ $rc -eq "$2" ] && echo 1 || echo 0)" "traffic: $1" "exited $rc, want $2"
}
printf 'policy drop\nallow 22/tcp 8080/tcp\n' >"$tmp/a.rules"
printf 'policy drop\nallow 22/tcp 8081/tcp\n' >"$tmp/b.rules"
check "traffic: apply A" xp apply "$tmp/a.rules"
probe "A: tcp/8080 connects" 0 8080
probe "A: tcp/8081 is dropped" 1 8081 300
check "traffic: apply B from stdin" xp apply - <"$tmp/b.rules"
probe "B: tcp/8080 is dropped" 1 8080 300
probe "B: tcp/8081 connects" 0 8081
xp apply "$tmp/bad.rules" 2>/dev/null
probe "after a file with errors: still B (tcp/8081 connects)" 0 8081

# --- the not-attached warning counts live attachments, not pins ----------------------
run xp apply "$tmp/a.rules"
is_eq "exit status" "$RC" 0 && is_not_in stderr "$ERR" "not attached"
record_status $? "attached: apply does not warn" "stderr: $ERR"
ip -n "$CLIENT" link del "$CLIENT_IF"	# both ends go: the server's link is defunct
run xp apply "$tmp/b.rules"
is_eq "exit status" "$RC" 0 && is_in stderr "$ERR" "not attached to any interface"
record_status $? "the only interface deleted (its pin left): apply warns it filters nothing" \
	"stderr: $ERR"

summary
