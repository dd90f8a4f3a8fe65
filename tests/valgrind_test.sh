#!/usr/bin/env bash
# The real binary under valgrind: every main command, attach and detach on a veth pair
# in namespaces, and the error paths. Each run must exit as it does without valgrind,
# with no memcheck error (invalid access, uninitialised value) and no definite leak.
#
# Runs on the plain build only: valgrind and ASan do not mix, and the sanitizer build
# (SANITIZE=1) has LeakSanitizer for the same job. tests/valgrind.supp holds the only
# suppressions, each one valgrind not knowing a bpf() detail (see there).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

BUILD=${BUILD:-build}
if [ "$BUILD" != build ]; then
	echo "skip - valgrind runs on the plain build; $BUILD is checked by ASan and LSan"
	summary
	exit
fi
XDPPORT=$PWD/build/xdpport
NETPROBE=$PWD/build/tests/tools/netprobe
tmp=$(mktemp -d /tmp/xdpport-valgrind.XXXXXX)
trap 'xp_reset; netns_cleanup; rm -rf "$tmp"' EXIT
if ! command -v valgrind >/dev/null; then
	record 0 "valgrind is installed" "run scripts/deps.sh"
	summary
	exit
fi
VALGRIND_OPTS=(-q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99)
VALGRIND=(valgrind "${VALGRIND_OPTS[@]}" --suppressions=tests/valgrind.supp)

# clean LOG: valgrind ran (with -q it leaves an empty log) and reported nothing.
clean() {
	[ -f "$1" ] && ! grep -q '^==[0-9]*== ' "$1"
}

# vg WANT ARGS...: `xdpport ARGS` under valgrind exits WANT, valgrind says nothing.
vg() {
	local want=$1 rc=0 log=$tmp/valgrind.log
	shift
	rm -f "$log"
	"${VALGRIND[@]}" --log-file="$log" "$XDPPORT" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -eq "$want" ] && clean "$log"; then
		record 1 "valgrind: xdpport $*"
	else
		record 0 "valgrind: xdpport $*" "exited $rc, want $want"
		grep '^==[0-9]*== ' "$log" | head -n 40
		head -n 5 "$tmp/err"
	fi
}

# vg_in NS WANT ARGS...: the same inside network namespace NS.
vg_in() {
	local ns=$1 want=$2 rc=0 log=$tmp/valgrind.log
	shift 2
	rm -f "$log"
	in_ns "$ns" "${VALGRIND[@]}" --log-file="$log" "$XDPPORT" "$@" >/dev/null 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ] && clean "$log"; then
		record 1 "valgrind in $ns: xdpport $*"
	else
		record 0 "valgrind in $ns: xdpport $*" "exited $rc, want $want"
		grep '^==[0-9]*== ' "$log" | head -n 40
	fi
}

xp_reset
netns_pair 58

# Rules before anything is attached: the first command creates and pins the maps.
vg 0 allow 443 8000-8100/udp ssh
vg 0 deny 53/udp 6000-6010
vg 0 delete 6005
vg 0 policy drop udp
vg 0 fragments drop
vg 0 limit 53/udp 20000/s
vg 0 limit ssh 10/min burst 3 per-source
vg 0 limit 6000-6010 5/s
vg 0 limit 6000-6010 off
vg 0 replies timeout udp 45
vg 0 replies off
vg 0 replies on
printf '# list\n198.51.100.0/24 ; SBL1\r\n2001:db8:bad::/48\n' >"$tmp/set"
vg 0 set bad "$tmp/set"
vg 0 deny from @bad 203.0.113.7
vg 0 allow 22/tcp from 198.18.0.0/25 2001:db8::/64
vg 0 delete 22/tcp from 2001:db8::/64
vg 0 sets --json
vg_in "$SERVER" 0 attach "$SERVER_IF"
vg_in "$SERVER" 0 attach "$SERVER_IF" --json
in_ns "$CLIENT" "$NETPROBE" udp "$SERVER4" 53 100 >/dev/null 2>&1	# counters to show
vg 0 list
vg 0 list --json
vg 0 status
vg 0 status --json
vg 0 flows
vg 0 flows --json
vg 0 stats
vg 0 stats --json --top all
vg 0 stats --prometheus
vg 0 save
xp save >"$tmp/saved.rules"
vg 0 apply "$tmp/saved.rules"
vg 0 apply --check --json "$tmp/saved.rules"
vg 0 apply - <"$tmp/saved.rules"
vg 0 version --json
vg 0 help stats

# --watch until SIGINT: its buffers and terminal state must be given back too.
rc=0
rm -f "$tmp/valgrind.log"
timeout --preserve-status -s INT 1.5 "${VALGRIND[@]}" --log-file="$tmp/valgrind.log" \
	"$XDPPORT" stats --watch 0.2 --json >/dev/null 2>&1 || rc=$?
is_eq "exit status" "$rc" 0 && holds "valgrind says nothing" clean "$tmp/valgrind.log"
record_status $? "valgrind: xdpport stats --watch 0.2 --json, ended by SIGINT"

# apply --watch until SIGTERM, through a bad version and a good one: the buffers of
# every version, its inotify and signal descriptors must be given back too.
until_in() { for _ in $(seq 200); do grep -q -- "$1" "$2" && return 0; sleep 0.1; done; return 1; }
mkdir "$tmp/watched"
xp save >"$tmp/watched/rules.conf"
rc=0
rm -f "$tmp/valgrind.log"
"${VALGRIND[@]}" --log-file="$tmp/valgrind.log" "$XDPPORT" apply --watch \
	"$tmp/watched/rules.conf" >"$tmp/watch.out" 2>&1 &
watcher=$!
until_in "already running" "$tmp/watch.out"
printf 'allow 7o\n' >"$tmp/watched/.new" && mv "$tmp/watched/.new" "$tmp/watched/rules.conf"
until_in "allow '7o'" "$tmp/watch.out"
{ xp save; echo "allow 8080/tcp"; } >"$tmp/watched/.new" &&
	mv "$tmp/watched/.new" "$tmp/watched/rules.conf"
until_in ": applied:" "$tmp/watch.out"
kill -TERM $watcher
wait $watcher || rc=$?
is_eq "exit status" "$rc" 0 && holds "valgrind says nothing" clean "$tmp/valgrind.log" &&
	is_num "lines" "$(grep -c . "$tmp/watch.out")" -eq 3
record_status $? "valgrind: xdpport apply --watch, three versions, ended by SIGTERM" \
	"output: $(cat "$tmp/watch.out")"
vg 0 stats --textfile "$tmp/watched"
vg 1 stats --textfile "$tmp/no-such-dir"

# Error paths: the early returns must free what they took.
printf 'allow 7o\n%.0s' {1..200} >"$tmp/bad.rules"
vg 2 apply "$tmp/bad.rules"
vg 2 apply --json "$tmp/bad.rules"
vg 2 apply /proc/self/mem
printf '198.51.100.0/24\n300.1.1.1\n' >"$tmp/bad.set"
vg 2 set bad "$tmp/bad.set"
vg 2 allow 22 from @nosuchset
vg 1 set bad --delete
vg 2 apply "$tmp"
vg 2 allow 80 99999 443
vg 2 allow "４４３"
vg 2 policy maybe
vg 2 limit 53 10/fortnight
vg 1 limit 53 5/s --table 1000
vg 2 replies maybe
vg 2 replies timeout udp 0
vg 2 stats --top -1
vg 2 frobnicate
vg 2 list --bogus
vg 2 attach "a/b"
vg 1 attach nosuch0
vg 1 deny 22/tcp
vg_in "$SERVER" 0 attach lo --mode generic
vg_in "$SERVER" 1 attach "$SERVER_IF" --mode generic	# attached natively already
rc=0
mkdir -m 777 "$tmp/nobody" && chmod 711 "$tmp"	# where nobody can write its log
# Copies nobody can read: the checkout may sit in a directory only root may enter.
install -m 755 "$XDPPORT" "$tmp/nobody/xdpport"
install -m 644 tests/valgrind.supp "$tmp/nobody/valgrind.supp"
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	valgrind "${VALGRIND_OPTS[@]}" --suppressions="$tmp/nobody/valgrind.supp" \
	--log-file="$tmp/nobody/valgrind.log" "$tmp/nobody/xdpport" allow 80 \
	>/dev/null 2>&1 || rc=$?
is_eq "exit status" "$rc" 1 && holds "valgrind says nothing" clean "$tmp/nobody/valgrind.log"
record_status $? "valgrind: not root: xdpport allow 80"

vg 1 replies table-size 4096	# attached
vg_in "$SERVER" 0 flows --json
vg_in "$SERVER" 0 detach "$SERVER_IF"
vg 0 stats --reset
vg 0 detach --all
vg 0 replies table-size 4096
vg 0 flush

summary
