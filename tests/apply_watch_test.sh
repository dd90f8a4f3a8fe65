#!/usr/bin/env bash
# apply --watch through the real binary: a directory updated exactly as kubelet
# updates a ConfigMap volume (a new ..TIMESTAMP directory, a ..data_tmp symlink
# renamed over ..data, FILE a symlink through ..data), rename-over saves through a
# symlink into another directory, bad versions, versions the lockout guard refuses,
# bursts, a deleted file, the --recheck backstop, SIGHUP, SIGTERM and SIGINT with a
# real veth attached. The running rules are read back with `save` and `list --json`.
# Run through tests/run.sh (private bpffs and network namespace).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/configmap.sh

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=$PWD/$BUILD/xdpport
tmp=$(mktemp -d /tmp/xdpport-watch.XXXXXX)
WATCHERS=()
trap 'for p in "${WATCHERS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
      "$XDPPORT" detach --all >/dev/null 2>&1; "$XDPPORT" flush >/dev/null 2>&1
      netns_cleanup; rm -rf "$tmp"' EXIT
unset SSH_CONNECTION

xp() { "$XDPPORT" "$@"; }
ok() { "$@" && echo 1 || echo 0; }
running() { xp save | grep -v '^#'; }
# until_rules FILE: waits (5 s at most) until the running ruleset is FILE's.
until_rules() {
	for _ in $(seq 50); do
		[ "$(running)" = "$(cat "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}
# until_grep N PATTERN FILE: waits until FILE has at least N lines matching PATTERN.
until_grep() {
	for _ in $(seq 50); do
		[ "$(grep -c -- "$2" "$3")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
count() { grep -c -- "$1" "$2"; }

canon() { canon_rules "$XDPPORT" "$1"; }

start_watcher() {	# start_watcher OUT FILE [OPTION...]: sets WPID
	local out=$1 file=$2
	shift 2
	"$XDPPORT" apply --watch "$file" "$@" >"$out" 2>&1 &
	WPID=$!
	WATCHERS+=("$WPID")
}
alive() { kill -0 "$1" 2>/dev/null; }

xp detach --all >/dev/null 2>&1
xp flush >/dev/null 2>&1
netns_pair 57
# The filter is attached to a real veth end throughout: SIGTERM must leave it there.
check "setup: attach to a veth end" in_ns "$SERVER" "$XDPPORT" attach "$SERVER_IF"

# --- usage -------------------------------------------------------------------------
check_exit 2 "usage: --watch with --check" xp apply --watch --check /dev/null
check_exit 2 "usage: --watch on standard input" xp apply --watch -
check_exit 2 "usage: --watch with --json" xp apply --watch --json /dev/null
check_exit 2 "usage: --recheck without --watch" xp apply --recheck 5 /dev/null
check_exit 2 "usage: --recheck not a number" xp apply --watch --recheck 1e3 /dev/null
check_exit 2 "usage: --recheck zero" xp apply --watch --recheck 0 /dev/null
RC=0
ERR=$(xp apply --watch "$tmp/no/such/dir/rules.conf" 2>&1) || RC=$?
is_eq "exit status" "$RC" 1 &&
	is_like output "$ERR" "xdpport: apply --watch: cannot watch $tmp/no/such/dir: *"
record_status $? "usage: a directory that does not exist: exit 1, one line"

# --- a ConfigMap volume, updated as kubelet does ------------------------------------------
cm=$tmp/configmap
mkdir "$cm"
V1='policy drop\nallow 22/tcp 80/tcp\n'
V2='policy drop\nallow 22/tcp 80/tcp 443/tcp\ndeny 53/udp\n'
kubelet_update "$cm" "$V1"
holds "rules.conf is a symlink" [ -L "$cm/rules.conf" ] &&
	is_eq "rules.conf points to" "$(readlink "$cm/rules.conf")" ..data/rules.conf &&
	holds "..data is a symlink" [ -L "$cm/..data" ]
record_status $? "configmap: rules.conf -> ..data/rules.conf -> ..TIMESTAMP"
canon "$V1" >"$tmp/v1.save"
canon "$V2" >"$tmp/v2.save"
out=$tmp/cm.out
start_watcher "$out" "$cm/rules.conf"
record "$(ok until_rules "$tmp/v1.save")" "configmap: the first version is applied at start"
record "$(ok until_grep 1 ": applied: tcp: 2 ports with rules (+2 -0, 0 changed), policy drop (was pass); udp: 0 ports with rules (+0 -0, 0 changed), policy drop (was pass); fragments pass" "$out")" \
	"configmap: one line says what changed (counts and policies)" "$(cat "$out")"
xp list --json >"$tmp/list.json"
record "$(jq -e '.policy.tcp == "drop" and .policy.udp == "drop" and
	[.rules[] | [.action, .first, .last, .protocols]] ==
	[["allow", 22, 22, ["tcp"]], ["allow", 80, 80, ["tcp"]]]' "$tmp/list.json" >/dev/null &&
	echo 1 || echo 0)" "configmap: list --json shows the file's policies and rules" \
	"$(cat "$tmp/list.json")"

kubelet_update "$cm" "$V2"
record "$(ok until_rules "$tmp/v2.save")" "configmap: a kubelet update (..data_tmp renamed over ..data) is applied"
record "$(ok until_grep 2 ": applied:" "$out")" "configmap: one more line for it" "$(cat "$out")"
record "$(grep ': applied:' "$out" | tail -n 1 | grep -qF 'tcp: 3 ports with rules (+1 -0, 0 changed), policy drop; udp: 1 ports with rules (+1 -0, 0 changed), policy drop; fragments pass' &&
	echo 1 || echo 0)" "configmap: the line counts the rules added" "$(tail -n 1 "$out")"

# A bad version: one line with the line number, the running rules stay, still watching.
kubelet_update "$cm" 'policy drop\nallow 22/tcp\nallow 80/tcpp\nallow 7o\n'
until_grep 1 "error" "$out"
sleep 0.3
is_eq "lines starting 'xdpport: '" "$(grep -c . <(grep '^xdpport: ' "$out"))" 1 &&
	holds "the line number" grep -qF "xdpport: $cm/rules.conf:3: allow 80/tcpp:" "$out" &&
	holds "the count" grep -qF "(2 errors in this version; the running rules stay)" "$out"
record_status $? "bad version: one error line with the file's line number" "$(cat "$out")"
record "$([ "$(running)" = "$(cat "$tmp/v2.save")" ] && echo 1 || echo 0)" \
	"bad version: the running rules are unchanged"
record "$(ok alive "$WPID")" "bad version: the watcher keeps running"
kubelet_update "$cm" "$V1"
record "$(ok until_rules "$tmp/v1.save")" "bad version: the next good version is applied"

# Same rules, other bytes (a comment): nothing is switched, the timestamp stays.
stamp() { xp stats --prometheus | awk '$1 == "xdpport_rules_applied_timestamp_seconds" {print $2}'; }
before=$(stamp)
applied=$(count ": applied:" "$out")
kubelet_update "$cm" "# the same rules, commented\n$V1"
record "$(ok until_grep 1 "already running, nothing to switch" "$out")" \
	"same ruleset: reported as already running" "$(tail -n 2 "$out")"
is_eq "change timestamp" "$(stamp)" "$before" &&
	is_num "applied lines" "$(count ": applied:" "$out")" -eq "$applied"
record_status $? "same ruleset: nothing written (the change timestamp stays)"

# A burst: 20 versions within a fraction of a second: applied once or a few times,
# ending on the last one.
applied=$(count ": applied:" "$out")
for i in $(seq 1 20); do
	kubelet_update "$cm" "policy drop\nallow 22/tcp $((1000 + i))/tcp\n"
done
canon 'policy drop\nallow 22/tcp 1020/tcp\n' >"$tmp/burst.save"
record "$(ok until_rules "$tmp/burst.save")" "burst: the last version wins"
sleep 0.5
n=$(( $(count ": applied:" "$out") - applied ))
is_num "applied" "$n" -ge 1 && is_num "applied" "$n" -le 5
record_status $? "burst: 20 versions applied 1 to 5 times (debounced)"
record "$([ "$(find "$cm" -maxdepth 1 -name '..2026*' | grep -c .)" -eq 1 ] && echo 1 || echo 0)" \
	"burst: kubelet's old directories are gone, as kubelet leaves them"

# The lockout guard: a version that would start dropping tcp/22 is refused, the rules
# stay; SIGHUP tries it again (refused again); --force is the caller's choice.
kubelet_update "$cm" 'policy drop\nallow 443/tcp\n'
record "$(ok until_grep 1 "refusing to drop tcp/22" "$out")" \
	"guard: a version dropping tcp/22 is refused" "$(tail -n 2 "$out")"
is_eq "the running rules" "$(running)" "$(cat "$tmp/burst.save")" && holds "the watcher" alive "$WPID"
record_status $? "guard: the running rules stay, the watcher keeps running"
kill -HUP "$WPID"
record "$(ok until_grep 2 "refusing to drop tcp/22" "$out")" "guard: SIGHUP reads the file again"
kubelet_update "$cm" "$V2"
record "$(ok until_rules "$tmp/v2.save")" "guard: the next version is applied"

# SIGTERM: exit 0; the filter stays attached with the last rules.
kill -TERM "$WPID"
RC=0
wait "$WPID" || RC=$?
record "$([ $RC -eq 0 ] && echo 1 || echo 0)" "SIGTERM: the watcher exits 0" "rc $RC"
record "$([ "$(running)" = "$(cat "$tmp/v2.save")" ] && echo 1 || echo 0)" "SIGTERM: the rules stay"
record "$(in_ns "$SERVER" "$XDPPORT" status --json | jq -e --arg i "$SERVER_IF" \
	'any(.interfaces[]; .name == $i and .attached)' >/dev/null && echo 1 || echo 0)" \
	"SIGTERM: the filter stays attached"

# A restarted watcher on the same version switches nothing: a pod restart never
# flaps the filter.
before=$(stamp)
start_watcher "$out.2" "$cm/rules.conf"
record "$(ok until_grep 1 "already running, nothing to switch" "$out.2")" \
	"restart: the same version is reported as already running" "$(cat "$out.2")"
record "$([ "$(stamp)" = "$before" ] && echo 1 || echo 0)" "restart: nothing written"
kill -INT "$WPID"
RC=0
wait "$WPID" || RC=$?
is_eq "exit status" "$RC" 0 && is_eq "the running rules" "$(running)" "$(cat "$tmp/v2.save")"
record_status $? "SIGINT: exit 0, the rules stay"

# --- rename-over saves, FILE a symlink into another directory ---------------------------
etc=$tmp/etc real=$tmp/real
mkdir "$etc" "$real"
printf '%b' "$V1" >"$real/rules.conf"
ln -s ../real/rules.conf "$etc/rules.conf"
out=$tmp/save.out
start_watcher "$out" "$etc/rules.conf"
record "$(ok until_rules "$tmp/v1.save")" "rename-over: the first version is applied"
printf '%b' "$V2" >"$real/.rules.conf.swp" && mv "$real/.rules.conf.swp" "$real/rules.conf"
record "$(ok until_rules "$tmp/v2.save")" \
	"rename-over: a temporary file renamed over the symlink's target is applied"
printf 'policy drop\nallow 22/tcp\nfragmens drop\n' >"$real/.tmp" && mv "$real/.tmp" "$real/rules.conf"
record "$(ok until_grep 1 "rules.conf:3: unknown word 'fragmens'" "$out")" "rename-over: a bad save: its line" \
	"$(cat "$out")"
is_eq "the running rules" "$(running)" "$(cat "$tmp/v2.save")" && holds "the watcher" alive "$WPID"
record_status $? "rename-over: a bad save changes nothing, the watcher keeps running"
# The symlink is re-pointed at another file: the chain is resolved again.
printf '%b' "$V1" >"$tmp/other.conf"
ln -s ../other.conf "$etc/.new" && mv -T "$etc/.new" "$etc/rules.conf"
record "$(ok until_rules "$tmp/v1.save")" "rename-over: a re-pointed symlink is followed"
printf '%b' "$V2" >"$tmp/other.conf"
record "$(ok until_rules "$tmp/v2.save")" "rename-over: and its new target is watched"
# Deleted: one line, the rules stay; back: applied.
rm "$tmp/other.conf"
record "$(ok until_grep 1 "the running rules stay" "$out")" "deleted: one line" "$(tail -n 1 "$out")"
sleep 0.3
is_num "error lines" "$(grep -c "cannot read\|No such\|not exist" "$out")" -le 1 &&
	is_eq "the running rules" "$(running)" "$(cat "$tmp/v2.save")" && holds "the watcher" alive "$WPID"
record_status $? "deleted: the rules stay, the watcher keeps running" "$(cat "$out")"
printf '%b' "$V1" >"$tmp/other.conf"
record "$(ok until_rules "$tmp/v1.save")" "deleted: a file that comes back is applied"
kill -TERM "$WPID"
wait "$WPID"

# --- the backstop: a change inotify cannot see ---------------------------------------------
# A write through another hard link raises its events in the other directory only.
hid=$tmp/hidden
mkdir "$hid"
printf '%b' "$V1" >"$hid/rules.conf"
ln "$hid/rules.conf" "$etc/linked.conf"
out=$tmp/backstop.out
start_watcher "$out" "$etc/linked.conf" --recheck 1
record "$(ok until_rules "$tmp/v1.save")" "backstop: the first version is applied"
printf '%b' "$V2" >"$hid/rules.conf"	# in place, same inode
record "$(ok until_rules "$tmp/v2.save")" "backstop: --recheck 1 finds a change inotify missed"
kill -TERM "$WPID"
RC=0
wait "$WPID" || RC=$?
record "$([ $RC -eq 0 ] && echo 1 || echo 0)" "backstop: SIGTERM, exit 0" "rc $RC"

summary
