#!/usr/bin/env bash
# Hostile input, table-driven: huge, negative, hex and octal-looking numbers, white
# space, Unicode, control characters, overlong arguments and lines, NUL bytes, huge
# files, /proc/self/mem, directories, devices, FIFOs, unreadable files, impossible
# interface names, bad option values, unknown and repeated options.
#
# Every case must give the documented exit status (2 usage, 1 runtime), nothing on
# stdout, error lines that are each "xdpport: <what>: <why>", printable ASCII and
# short (a 1 MB argument is not repeated), and leave the filter exactly as it was:
# tests/tools/rulesdigest compares the bytes of the rules map (both slots), the
# interface table, every counter and the pin names before and after. A failing
# case prints its input escaped.
#
# What the rules are (README, Exit status): numbers are decimal, leading zeros
# allowed (0443 is 443, never octal); a FIFO or stdin is read until its writer
# closes it, like cat does, without holding the lock meanwhile.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=$PWD/$BUILD/xdpport
NETPROBE=$PWD/$BUILD/tests/tools/netprobe
DIGEST=$PWD/$BUILD/tests/tools/rulesdigest
tmp=$(mktemp -d /tmp/xdpport-hostile.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; xp_reset; netns_cleanup; rm -rf "$tmp"' EXIT

# An argument or file as a failure shows it: shell-escaped, long ones cut.
show_arg() {
	local a=$1
	if [ ${#a} -gt 60 ]; then
		printf '%q...(%d bytes)' "${a:0:40}" "${#a}"
	else
		printf '%q' "$a"
	fi
}
show_input() {
	local a out="xdpport"
	for a in "$@"; do out+=" $(show_arg "$a")"; done
	if [ "${1:-}" = apply ] && [ -f "${!#}" ]; then
		out+="; file of $(stat -c %s "${!#}") bytes: $(head -c 60 "${!#}" | cat -v)"
	fi
	printf '%s' "$out"
}

# hostile NAME RC LINES PATTERN ARGS...: `xdpport ARGS` exits RC with LINES lines on
# stderr, the last matching PATTERN, and changes nothing.
hostile() {
	local name=$1 want=$2 lines=$3 pattern=$4 rc=0 before after why=
	shift 4
	before=$("$DIGEST")
	"$XDPPORT" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	after=$("$DIGEST")
	if [ "$rc" -ne "$want" ]; then
		why="exited $rc, want $want"
	elif [ -s "$tmp/out" ]; then
		why="printed on stdout: $(head -c 200 "$tmp/out")"
	elif [ "$(wc -l <"$tmp/err")" -ne "$lines" ]; then
		why="$(wc -l <"$tmp/err") lines on stderr, want $lines"
	elif LC_ALL=C grep -qvE '^xdpport: [[:print:]]+: [[:print:]]+$' "$tmp/err"; then
		why="a stderr line is not one printable 'xdpport: what: why'"
	elif [ "$(wc -L <"$tmp/err")" -gt 4200 ]; then
		why="a stderr line of $(wc -L <"$tmp/err") bytes"
	elif ! tail -n 1 "$tmp/err" | grep -qE -- "$pattern"; then
		why="the error does not match '$pattern'"
	elif [ "$before" != "$after" ]; then
		why="the filter changed: $before -> $after"
	fi
	if [ -z "$why" ]; then
		record 1 "$name"
	else
		record 0 "$name" "$why"
		echo "    input:  $(show_input "$@")"
		echo "    stderr: $(head -c 300 "$tmp/err" | cat -v)"
	fi
}

# A live filter with rules, policies, an attached interface and nonzero counters:
# whatever a failed command reset or rewrote would show in the digest.
xp_reset
netns_pair 57
# IPv6 off on the pair: the kernel would send router solicitations and MLD reports
# on its own, and the counters must only move when this test sends something.
in_ns xp57a sysctl -qw net.ipv6.conf.xp57a.disable_ipv6=1
in_ns xp57b sysctl -qw net.ipv6.conf.xp57b.disable_ipv6=1
check "setup: a ruleset" xp apply <(printf 'policy drop udp\nfragments drop\n%s\n' \
	'allow 22/tcp 443 8000-8100/udp' 'deny 53/udp 6000-6010' 'limit 443 1000/s burst 50')
check "setup: attach xp57b" in_ns xp57b "$XDPPORT" attach xp57b
in_ns "$CLIENT" "$NETPROBE" udp "$SERVER4" 9 100 >/dev/null 2>&1
check "setup: the counters counted something" test "$(xp stats --json | jq .dropped.packets)" -gt 0
digest=$("$DIGEST")
record "$([[ $digest == rules*active*ifaces*totals*ports*pins*xdpport_rules* ]] && echo 1 || echo 0)" \
	"setup: rulesdigest reads the pinned maps" "$digest"
# The digest sees the smallest change there is: one port written in place.
xp allow 7777 2>/dev/null
record "$([ "$("$DIGEST")" != "$digest" ] && echo 1 || echo 0)" "setup: rulesdigest sees allow 7777"
xp delete 7777 2>/dev/null
# Every part but the time of the last change, which two changes moved.
unstamped() { sed 's/ changed [0-9]*//' <<<"$1"; }
record "$([ "$(unstamped "$("$DIGEST")")" = "$(unstamped "$digest")" ] && echo 1 || echo 0)" \
	"setup: ... and delete 7777 gives the same digest back (but the change time)"
in_ns "$CLIENT" "$NETPROBE" udp "$SERVER4" 9 100 >/dev/null 2>&1
after=$("$DIGEST")
record "$([ "${after#*totals}" != "${digest#*totals}" ] && echo 1 || echo 0)" \
	"setup: rulesdigest sees one more frame counted"

# --- numbers ------------------------------------------------------------------------
printf -v ten_to_100 '1%0100d' 0
hostile "2^32"                 2 1 "allow 4294967296: port is over 65535" allow 4294967296
hostile "2^64+1"               2 1 "port is over 65535" deny 18446744073709551617
hostile "10^100"               2 1 "too long to be a port specification" allow "$ten_to_100"
hostile "2^32 as a range end"  2 1 "FIRST-LAST" allow 1-4294967296
hostile "negative"             2 1 "ports cannot be negative" deny -1
hostile "minus zero"           2 1 "negative" delete -0
hostile "hex 0x1bb"            2 1 "not a port number" allow 0x1bb
hostile "exponent 1e3"         2 1 "not a port number" allow 1e3
hostile "plus sign"            2 1 "allow \\+443: ports have no sign" allow +443
hostile "65536 with zeros"     2 1 "over 65535" allow 0000065536
hostile "decimal point"        2 1 "not a port number" allow 443.0

hostile "limit rate 2^64+1"    2 1 "rate is too high" limit 443 18446744073709551617/s
hostile "limit burst 2^32"     2 1 "burst must be a number of packets" limit 443 5/s burst 4294967296
hostile "limit negative burst" 2 1 "burst must be a number of packets" limit 443 5/s burst -1
hostile "limit unit twice"     2 1 "unknown unit 's/s'" limit 443 5/s/s
hostile "limit escape in unit" 2 1 "unknown unit '.x1b.2J'" limit 443 $'5/\e[2J'
hostile "limit fullwidth rate" 2 1 "rate must be a whole number" limit 443 "５/s"
hostile "limit --table 2^64"   2 1 "--table takes a number of sources" limit 443 5/s --table 18446744073709551617

# --- white space, control characters, Unicode ----------------------------------------
hostile "leading space"        2 1 "no spaces" allow " 443"
hostile "trailing space"       2 1 "no spaces" allow "443 "
hostile "embedded space"       2 1 "no spaces" allow "4 43"
hostile "tab"                  2 1 "no spaces" allow $'443\t'
hostile "newline"              2 1 "allow 443\\\\x0a: control" allow $'443\n'
hostile "escape sequence"      2 1 "control character" deny $'\e[2J443'
hostile "DEL"                  2 1 "control character" deny $'443\x7f'
hostile "fullwidth digits"     2 1 "non-ASCII" allow "４４３"
hostile "right-to-left mark"   2 1 "non-ASCII" allow $'\xe2\x80\x8f443'  # U+200F
hostile "RTL override"         2 1 "non-ASCII" allow $'\xe2\x80\xae443/tcp'  # U+202E
hostile "emoji"                2 1 "non-ASCII" deny "🔥"
hostile "invalid UTF-8"        2 1 "non-ASCII" allow $'\xff\xfe'
hostile "one bad among good ones" 2 1 "allow .*non-ASCII" allow 80 "４４３" 8080
hostile "policy with a newline" 2 1 "policy must be pass or drop, not 'drop\\\\x0a'" \
	policy $'drop\n'
hostile "policy upper case"    2 1 "policy must be pass or drop" policy DROP
hostile "fragments number"     2 1 "fragments must be pass or drop" fragments 1
hostile "fragments empty"      2 1 "fragments must be pass or drop" fragments ""

# --- overlong arguments: execve takes at most 128 KiB per argument, its NUL included
# (MAX_ARG_STRLEN); 1 MiB goes in as eight of them. An error shows the start and the
# end of such an argument, not all of it.
printf -v arg128k '%0131071d' 0
printf -v opt128k -- '--%0131069d' 0
printf -v cmd128k 'x%0131070d' 0
hostile "128 KiB port number"  2 1 "allow 0+\\.\\.\\.: too long to be a port specification" \
	allow "$arg128k"
hostile "1 MiB over 8 arguments" 2 1 "too long" allow "$arg128k" "$arg128k" "$arg128k" \
	"$arg128k" "$arg128k" "$arg128k" "$arg128k" "$arg128k"
hostile "128 KiB unknown option" 2 1 "unknown option '--0+\\.\\.\\.0+' \\(see" list "$opt128k"
hostile "128 KiB unknown command" 2 1 "x0+\\.\\.\\.0+: unknown command" "$cmd128k"
hostile "128 KiB interface name" 2 1 "'0+\\.\\.\\.0+' is too long to be an interface name" \
	attach "$arg128k"
hostile "128 KiB file name"    2 1 "0+\\.\\.\\.0+: cannot open: File name too long" \
	apply "$arg128k"

# --- options ------------------------------------------------------------------------
hostile "--top -1"             2 1 "--top needs a number" stats --top -1
hostile "--top 99999999999"    2 1 "--top needs a number" stats --top 99999999999
hostile "--top with a space"   2 1 "--top needs a number" stats --top " 5"
hostile "--top hex"            2 1 "--top needs a number" stats --top 0x10
hostile "--watch 0"            2 1 "--watch needs seconds" stats --watch 0
hostile "--watch=abc"          2 1 "--watch needs seconds" stats --watch=abc
hostile "--watch abc"          2 1 "unexpected argument 'abc'" stats --watch abc
hostile "--watch inf"          2 1 "--watch needs seconds" stats --watch=inf
hostile "--mode foo"           2 1 "mode must be auto, native or generic" attach xp57a --mode foo
hostile "--mode empty"         2 1 "mode must be" attach xp57a --mode=
hostile "unknown option after valid ports" 2 1 "unknown option '--frobnicate'" \
	allow 1000 2000 --frobnicate
hostile "flag given a value"   2 1 "option '--force' takes no value" deny 7 --force=yes
hostile "--top given twice"    2 1 "option '--top' given twice" stats --top 1 --top 2
hostile "--mode given twice"   2 1 "option '--mode' given twice" \
	attach xp57a --mode native --mode=generic
hostile "--reset with --top: counters kept" 2 1 "--reset only zeroes" stats --reset --top 5
hostile "--reset --prometheus" 2 1 "--reset only zeroes" stats --reset --prometheus
hostile "unknown command with an escape" 2 1 "\\\\x1b\\[2Jfoo: unknown command" $'\e[2Jfoo'
hostile "unknown option with a newline" 2 1 "unknown option '--x\\\\x0ay'" list $'--x\ny'
hostile "two files"            2 1 "unexpected argument" apply /dev/null /dev/null

# --- interface names ----------------------------------------------------------------
hostile "empty interface name" 2 1 "interface name cannot be empty" attach ""
hostile "interface name with /" 2 1 "'a/b' cannot be an interface name" attach a/b
hostile "interface name with :" 2 1 "cannot be an interface name" attach xp57b:1
hostile "interface name .."    2 1 "cannot be an interface name" detach ..
hostile "interface name with a newline" 2 1 "'x\\\\x0ay' cannot be an interface name" \
	attach $'x\ny'
hostile "interface name of 16 bytes" 2 1 "too long to be an interface name" \
	detach abcdefghijklmnop
hostile "interface that is not here" 1 1 "no interface named 'nosuch0'" attach nosuch0

# --- files ----------------------------------------------------------------------------
mkdir "$tmp/dir"
mkfifo "$tmp/fifo"
ln -s "$tmp/loop" "$tmp/loop"
hostile "/proc/self/mem"       2 1 "/proc/self/mem: cannot read: Input/output error" apply /proc/self/mem
hostile "a directory"          2 1 "is a directory" apply "$tmp/dir"
hostile "a directory on stdin" 2 1 "stdin: is a directory" apply - <"$tmp/dir"
hostile "/dev/zero"            2 1 "larger than 16 MiB" apply /dev/zero
hostile "a missing file"       2 1 "cannot open: No such file" apply "$tmp/missing"
hostile "an empty file name"   2 1 "cannot open: No such file" apply ""
hostile "a symlink loop"       2 1 "cannot open: Too many levels" apply "$tmp/loop"

yes 'allow 1' | head -c $((17 * 1024 * 1024)) >"$tmp/17mb.rules"
hostile "a 17 MB file of valid lines" 2 1 "larger than 16 MiB" apply "$tmp/17mb.rules"
{ printf 'policy drop\nallow '; head -c $((1024 * 1024)) /dev/zero | tr '\0' 9; printf '\n'; } \
	>"$tmp/1mb-line.rules"
hostile "a 1 MB line"          2 2 "1 error, nothing applied" apply "$tmp/1mb-line.rules"
record "$(head -n 1 "$tmp/err" | grep -q ':2: line is longer than 4096 bytes' && echo 1 || echo 0)" \
	"a 1 MB line: its line number and why"
{ seq 0 2 65535 | sed 's|.*|allow &/tcp|'; yes 'deny 1-9' | head -n 30000; printf 'allow 7o\n'; } \
	>"$tmp/1mb-bad-end.rules"
hostile "1 MB of valid rules, one bad line at the end" 2 2 "1 error, nothing applied" \
	apply "$tmp/1mb-bad-end.rules"
yes x | head -c $((1024 * 1024)) >"$tmp/1mb-errors.rules"
hostile "1 MB of errors: 100 shown, then a count" 2 102 "524288 errors, nothing applied" \
	apply "$tmp/1mb-errors.rules"
printf 'allow 22/tcp\nallow 4\0\x343\n' >"$tmp/nul.rules"
hostile "a NUL byte"           2 2 "1 error" apply "$tmp/nul.rules"
printf '\xef\xbb\xbfallow \xef\xbc\x94\xef\xbc\x94\xef\xbc\x93\n' >"$tmp/fullwidth.rules"
hostile "BOM, then fullwidth digits" 2 2 "1 error" apply "$tmp/fullwidth.rules"
printf 'allow 443 \xe2\x80\xae# comment\n' >"$tmp/rtl.rules"
hostile "an RTL override before a comment" 2 2 "1 error" apply "$tmp/rtl.rules"
printf 'policy drop\rallow 22/tcp\r' >"$tmp/cr.rules"
hostile "CR line endings (old Mac)" 2 2 "1 error" apply "$tmp/cr.rules"
printf 'allow 22/tcp\nallow 99999' >"$tmp/no-newline.rules"
hostile "no final newline, bad last line" 2 2 "1 error" apply "$tmp/no-newline.rules"
record "$(head -n 1 "$tmp/err" | grep -q 'no-newline.rules:2: ' && echo 1 || echo 0)" \
	"no final newline: the last line is line 2"
printf '%s\n' 'allow 443' >"$tmp/unreadable.rules"
chmod 000 "$tmp/unreadable.rules"
NO_DAC=(setpriv --inh-caps=-dac_override,-dac_read_search
	--bounding-set=-dac_override,-dac_read_search)
before=$("$DIGEST")
rc=0
err=$("${NO_DAC[@]}" "$XDPPORT" apply "$tmp/unreadable.rules" 2>&1 >/dev/null) || rc=$?
is_eq "exit status" "$rc" 2 && is_like stderr "$err" "*cannot open: Permission denied" &&
	is_eq "the maps' digest" "$("$DIGEST")" "$before"
record_status $? "an unreadable file (mode 000, root without CAP_DAC_OVERRIDE)" "stderr: $err"
printf '\xff\n' >"$tmp/"$'\xff\e[1m.rules'
rc=0
out=$("$XDPPORT" --json apply --check "$tmp/"$'\xff\e[1m.rules' 2>"$tmp/err") || rc=$?
is_eq "exit status" "$rc" 2 && holds "UTF-8 output" iconv -f UTF-8 -t UTF-8 <<<"$out" &&
	holds "the JSON" jq -e '.valid == false and .error_count == 1 and
		(.file | endswith("\ufffd\u001b[1m.rules"))' <<<"$out" &&
	holds "the escaped error line" grep -q '\\xff\\x1b\[1m.rules: 1 error, nothing applied$' "$tmp/err"
record_status $? "a file name that is not UTF-8: valid JSON, escaped error lines" "stdout: $out"
# JSON keeps well-formed UTF-8 as it is and replaces each byte of the rest: here a
# surrogate (ed a0 80) and an overlong '/' (c0 af). The raw output is checked with
# iconv: jq would quietly repair invalid UTF-8 as it reads it.
for name in "café 🔥" $'\xed\xa0\x80' $'\xc0\xaf'; do
	: >"$tmp/$name.rules"
done
jq_file() {
	local out
	out=$("$XDPPORT" --json apply --check "$tmp/$1.rules" 2>/dev/null)
	iconv -f UTF-8 -t UTF-8 <<<"$out" >/dev/null 2>&1 && jq -r .file <<<"$out"
}
fffd=$'\xef\xbf\xbd'	# U+FFFD in UTF-8 (bash's \u needs a UTF-8 locale)
is_eq "UTF-8" "$(jq_file "café 🔥")" "$tmp/café 🔥.rules" &&
	is_eq "a surrogate" "$(jq_file $'\xed\xa0\x80')" "$tmp/$fffd$fffd$fffd.rules" &&
	is_eq "an overlong form" "$(jq_file $'\xc0\xaf')" "$tmp/$fffd$fffd.rules"
record_status $? "JSON file names: UTF-8 kept, each byte of a surrogate or an overlong form U+FFFD"

# A FIFO nobody writes to: apply waits for a writer, as for stdin, but holds no lock
# meanwhile; killed, it has changed nothing.
before=$("$DIGEST")
"$XDPPORT" apply "$tmp/fifo" >/dev/null 2>&1 &
waiting=$!
sleep 0.3
check "a FIFO nobody writes: other commands run meanwhile" xp allow 7777
check "a FIFO nobody writes: ... and undo" xp delete 7777
record "$(kill -0 $waiting 2>/dev/null && echo 1 || echo 0)" "a FIFO nobody writes: apply waits"
kill $waiting 2>/dev/null
wait $waiting 2>/dev/null
# allow + delete of one port are written in place and give the slot back as it was.
record "$([ "$(unstamped "$("$DIGEST")")" = "$(unstamped "$before")" ] && echo 1 || echo 0)" \
	"a FIFO nobody writes: killed, nothing applied"

# --- accepted on purpose ------------------------------------------------------------
saved=$(xp save | grep -v '^#')
check "0443 is accepted: leading zeros are decimal" xp allow 0443/udp 00000000000000443/tcp
record "$([ "$(xp save | grep -v '^#')" = "$saved" ] && echo 1 || echo 0)" \
	"0443 is 443 (already allowed: nothing changed), not octal 291"
check "a file with no final newline is fine" xp apply <(printf 'policy drop udp\nfragments drop\nallow 22/tcp 443 8000-8100/udp\ndeny 53/udp 6000-6010\nlimit 443 1000/s burst 50')
record "$([ "$(xp save | grep -v '^#')" = "$saved" ] && echo 1 || echo 0)" \
	"no final newline: the same ruleset as before"

summary
