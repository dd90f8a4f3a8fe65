#!/usr/bin/env bash
# The fleet deployment files (deploy/), statically and as plain processes, since
# containers cannot run here:
#  - every YAML file parses; the DaemonSet, ConfigMap, removal Job, Containerfile,
#    alert rules and scrape config have what they must (tests/tools/manifests.py),
#    and the checker refuses manifests that lack it;
#  - the image's root as the Containerfile assembles it (deploy/kubernetes/rootfs.sh),
#    and in it, through chroot in a network namespace playing the node (its interface
#    named eth0, as the DaemonSet says), exactly the commands the DaemonSet runs: the
#    init containers, the watcher and the metrics writer, the ConfigMap a directory
#    updated as kubelet does; real TCP connections through the filter; a pod stop and
#    restart that do not flap the filter; the removal Job's commands;
#  - `stats --textfile`: valid (tests/tools/promcheck) and atomic under a reader.
# Run through tests/run.sh (private bpffs, mount and network namespaces).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/configmap.sh

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=$PWD/$BUILD/xdpport
NETPROBE=$PWD/$BUILD/tests/tools/netprobe
PROMCHECK=$PWD/$BUILD/tests/tools/promcheck
MANIFESTS=$PWD/tests/tools/manifests.py
tmp=$(mktemp -d /tmp/xdpport-deploy.XXXXXX)
root=$tmp/rootfs
PIDS=()
MOUNTS=()
cleanup() {
	local m p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ((m = ${#MOUNTS[@]} - 1; m >= 0; m--)); do umount -l "${MOUNTS[m]}" 2>/dev/null; done
	"$XDPPORT" detach --all >/dev/null 2>&1
	"$XDPPORT" flush >/dev/null 2>&1
	netns_cleanup
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
unset SSH_CONNECTION

xp() { "$XDPPORT" "$@"; }
ok() { "$@" && echo 1 || echo 0; }
running() { xp save | grep -v '^#'; }
until_true() {	# until_true CMD...: polls CMD for 5 s at most
	for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done
	return 1
}

# --- static checks ------------------------------------------------------------------------
xp detach --all >/dev/null 2>&1
xp flush >/dev/null 2>&1
xp allow 1 >/dev/null 2>&1
xp stats --prometheus >"$tmp/metrics.prom"
xp flush >/dev/null 2>&1
manifest_checks() {	# manifest_checks DIR: records every check of the manifests in DIR
	local ok name found
	while IFS=$'\t' read -r ok name found; do
		record "$ok" "$name" "$found"
	done < <(python3 "$MANIFESTS" check "$1" "$tmp/metrics.prom")
}
manifest_checks deploy

# The checker must see what is wrong: a copy with a subPath, a toleration for one
# taint only, no CAP_BPF on the watcher, and a broken YAML file.
cp -r deploy "$tmp/broken"
python3 - "$tmp/broken/kubernetes/daemonset.yaml" <<'EOF'
import sys, yaml
p = sys.argv[1]
d = yaml.safe_load(open(p))
pod = d["spec"]["template"]["spec"]
pod["tolerations"] = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]
watch = [c for c in pod["containers"] if c["name"] == "watch"][0]
watch["securityContext"] = {"capabilities": {"add": ["NET_ADMIN", "SYS_ADMIN"]}}
watch["volumeMounts"][1]["subPath"] = "rules.conf"
yaml.safe_dump(d, open(p, "w"))
EOF
printf 'groups: [\n' >"$tmp/broken/prometheus/extra.yaml"
found=$(python3 "$MANIFESTS" check "$tmp/broken" "$tmp/metrics.prom" | awk -F'\t' '$1 == 0 {print $2}')
for want in "yaml: prometheus/extra.yaml parses" "daemonset: tolerates every taint" \
	"daemonset: every container has CAP_BPF" "manifests: no subPath anywhere"; do
	record "$([[ "$found" == *"$want"* ]] && echo 1 || echo 0)" \
		"checker: refuses a broken copy: $want" "$found"
done

eval "$(python3 "$MANIFESTS" dump deploy)"
printf '%s' "$RULES_CONF" >"$tmp/rules.conf"
check "configmap: its rules.conf passes apply --check" xp apply --check "$tmp/rules.conf"

# --- the image's root ------------------------------------------------------------------------
deploy/kubernetes/rootfs.sh "$XDPPORT" "$root" >"$tmp/rootfs.log" 2>&1
is_eq "exit status" $? 0 && holds "the entry point" [ -x "$root${ENTRYPOINT[0]}" ]
record_status $? "image: rootfs.sh puts the binary at the entry point" "$(cat "$tmp/rootfs.log")"

bind() {	# bind SRC DEST [OPTIONS]: a bind mount undone on exit
	mkdir -p "$2" && mount --bind "$1" "$2" && MOUNTS+=("$2") &&
		{ [ -z "${3:-}" ] || mount -o "remount,bind,$3" "$2"; }
}
# What the container runtime provides: /proc, /sys (read-only: libbpf counts the
# CPUs there), the hostPath and ConfigMap volumes. Sanitizer builds write their
# reports where ASAN_OPTIONS says: that directory too.
mount -t proc proc "$root/proc" && MOUNTS+=("$root/proc")
mount -t sysfs -o ro sysfs "$root/sys" && MOUNTS+=("$root/sys")
bind /sys/fs/bpf "$root/sys/fs/bpf"
for dir in $(echo "${ASAN_OPTIONS:-}:${UBSAN_OPTIONS:-}" | tr ':' '\n' |
	sed -n 's|^log_path=\(.*\)/[^/]*$|\1|p' | sort -u); do
	bind "$dir" "$root$dir"
done
record "$(chroot "$root" "${ENTRYPOINT[@]}" apply --check - <<<'allow https ssh' \
	>/dev/null 2>&1 && echo 1 || echo 0)" \
	"image: the binary runs alone in it, service names included (/etc/services)"
cm=$tmp/configmap textfile=$tmp/textfile
mkdir "$cm" "$textfile"
kubelet_update "$cm" "$RULES_CONF"
bind "$cm" "$root$RULES_MOUNT" ro
bind "$textfile" "$root$TEXTFILE_MOUNT"

# The node: its own network namespace (hostNetwork) with eth0; a client beside it.
node=xpd59 client=xpc59
for ns in $node $client; do ip netns add $ns && NETNS_CREATED+=($ns); done
ip link add xpc59 netns $client type veth peer name eth0 netns $node
ip -n $client addr add 198.18.59.1/24 dev xpc59
ip -n $node addr add 198.18.59.2/24 dev eth0
for ns in $node $client; do ip -n $ns link set lo up; done
ip -n $client link set xpc59 up
ip -n $node link set eth0 up
until_true [ "$(ip -n $node -br link show eth0 | awk '{print $2}')" = UP ]
in_ns $node "$NETPROBE" serve 443,8080 >"$tmp/ready" &
PIDS+=($!)
until_true grep -q ready "$tmp/ready"

container() {	# container ARG...: the image's entry point with ARGs, on the node
	in_ns $node chroot "$root" "${ENTRYPOINT[@]}" "$@"
}
# The same without a shell in between, for `exec_container ... &`: its $! is the
# process itself, which the signals of a pod stop must reach.
exec_container() { exec nsenter --net=/run/netns/$node chroot "$root" "${ENTRYPOINT[@]}" "$@"; }
connects() { in_ns $client "$NETPROBE" tcp 198.18.59.2 "$1" "${2:-2000}"; }
attached_id() {	# the program id on eth0, or nothing
	in_ns $node "$XDPPORT" status --json | jq -r '.interfaces[] | select(.name == "eth0" and .attached) | .program_id'
}
stamp() { xp stats --prometheus | awk '$1 == "xdpport_rules_applied_timestamp_seconds" {print $2}'; }
canon() { canon_rules "$XDPPORT" "$1"; }

# --- a pod starts ---------------------------------------------------------------------------
check "pod: init container 'apply' (${INIT_0[*]})" container "${INIT_0[@]}"
record "$([ "$(running)" = "$(canon "$RULES_CONF")" ] && echo 1 || echo 0)" \
	"pod: the ConfigMap's rules are running" "$(running)"
container "${INIT_1[@]}" >"$tmp/attach.out" 2>&1
is_eq "exit status" $? 0 && holds "attached" [ -n "$(attached_id)" ]
record_status $? "pod: init container 'attach' (${INIT_1[*]}) attaches to the node's eth0" \
	"$(cat "$tmp/attach.out")"
exec_container "${WATCH[@]}" >"$tmp/watch.out" 2>&1 &
watch_pid=$!
PIDS+=($watch_pid)
exec_container "${METRICS[@]}" >"$tmp/metrics.out" 2>&1 &
metrics_pid=$!
PIDS+=($metrics_pid)
record "$(ok until_true grep -q "already running, nothing to switch" "$tmp/watch.out")" \
	"pod: the watcher starts on the rules the init container applied" "$(cat "$tmp/watch.out")"
record "$(ok connects 443)" "traffic: tcp/443 (allowed) connects"
record "$([ "$(connects 8080 300; echo $?)" = 1 ] && echo 1 || echo 0)" \
	"traffic: tcp/8080 (no rule, policy drop) is dropped"
record "$(ok until_true [ -s "$textfile/xdpport.prom" ])" "metrics: the textfile appears"
"$PROMCHECK" <"$textfile/xdpport.prom" >/dev/null 2>"$tmp/promcheck.err"
is_eq "promcheck's exit status" $? 0 && holds "up" grep -qx 'xdpport_up 1' "$textfile/xdpport.prom" &&
	holds "one interface" grep -qx 'xdpport_attached_interfaces 1' "$textfile/xdpport.prom"
record_status $? "metrics: the writer's file is valid, up, one interface" \
	"$(cat "$tmp/promcheck.err" "$tmp/metrics.out"; head -n 9 "$textfile/xdpport.prom")"
# Its next rewrite is up to 15 s away: the same command once, without --watch.
args=("${METRICS[@]}")
container "${args[@]:0:3}" 2>/dev/null
record "$(grep -q '^xdpport_packets_total{interface="eth0",reason="drop-policy"} [1-9]' \
	"$textfile/xdpport.prom" && echo 1 || echo 0)" "metrics: the dropped SYNs are counted" \
	"$(grep drop-policy "$textfile/xdpport.prom")"

# --- the ConfigMap changes ---------------------------------------------------------------------
stamp1=$(stamp)
kubelet_update "$cm" "$RULES_CONF"$'allow 8080/tcp\n'
record "$(ok until_true grep -q ": applied: tcp: .* (+1 -0, 0 changed)" "$tmp/watch.out")" \
	"configmap update: the watcher applies it, one line" "$(tail -n 1 "$tmp/watch.out")"
record "$(ok connects 8080)" "configmap update: tcp/8080 connects now"
stamp2=$(stamp)
holds "later" awk -v a="$stamp1" -v b="$stamp2" 'BEGIN { exit !(b > a) }' &&
	holds "a time" awk -v b="$stamp2" 'BEGIN { exit !(b > 1e9) }'
record_status $? "configmap update: xdpport_rules_applied_timestamp_seconds moves" "$stamp1 -> $stamp2"
kubelet_update "$cm" "$RULES_CONF"$'allow 8080/tcp\nallow 8081/tpc\n'
line=$(($(printf '%s' "$RULES_CONF" | grep -c '') + 2))
record "$(ok until_true grep -q "rules.conf:$line: allow 8081/tpc:" "$tmp/watch.out")" \
	"configmap update: a bad version is one line with its line number" "$(tail -n 1 "$tmp/watch.out")"
holds "tcp/8080 connects" connects 8080 && holds "the watcher" kill -0 $watch_pid
record_status $? "configmap update: after a bad version the last good rules stay, the watcher runs"

# --- the pod stops and starts again: no flap -----------------------------------------------------
id=$(attached_id)
before=$(running)
kill -TERM $watch_pid $metrics_pid
rc_w=0 rc_m=0
wait $watch_pid || rc_w=$?
wait $metrics_pid || rc_m=$?
is_eq "the watcher's exit status" "$rc_w" 0 && is_eq "the metrics writer's exit status" "$rc_m" 0
record_status $? "pod stop: SIGTERM ends the watcher and the metrics writer with status 0"
is_eq "the attached program" "$(attached_id)" "$id" && is_eq "the running rules" "$(running)" "$before"
record_status $? "pod stop: the filter stays attached with its rules (pins outlive the pod)"
record "$(ok connects 8080)" "pod stop: traffic still filtered by the last rules"
record "$([ -z "$(find "$textfile" -name '.*')" ] && echo 1 || echo 0)" \
	"pod stop: no temporary file left in the textfile directory" "$(ls -A "$textfile")"
kubelet_update "$cm" "$RULES_CONF"$'allow 8080/tcp\n'	# fixed while the pod was down
check "pod restart: init 'apply' again" container "${INIT_0[@]}"
container "${INIT_1[@]}" >"$tmp/attach.out" 2>&1
record "$([ $? -eq 0 ] && echo 1 || echo 0)" "pod restart: init 'attach' again: harmless" \
	"$(cat "$tmp/attach.out")"
exec_container "${WATCH[@]}" >"$tmp/watch2.out" 2>&1 &
watch_pid=$!
PIDS+=($watch_pid)
until_true grep -q "already running" "$tmp/watch2.out"
stamp3=$(stamp)
is_eq "the attached program" "$(attached_id)" "$id" && is_eq "the change stamp" "$stamp3" "$stamp2" &&
	is_eq "the running rules" "$(running)" "$before"
record_status $? "pod restart: same program, same rules, nothing written (no flap)"
kill -TERM $watch_pid
wait $watch_pid

# --- stats --textfile: atomic, and honest when the filter is gone -----------------------------------
xp stats --textfile "$tmp/fast" >/dev/null 2>&1
is_eq "exit status" $? 1 && holds "no file" [ ! -e "$tmp/fast/xdpport.prom" ]
record_status $? "textfile: a directory that does not exist: exit 1, no file"
mkdir "$tmp/fast"
"$XDPPORT" stats --textfile "$tmp/fast" --watch 0.1 --top all 2>"$tmp/fast.err" &
fast=$!
PIDS+=($fast)
until_true [ -s "$tmp/fast/xdpport.prom" ]
bad=0
for i in $(seq 300); do
	"$PROMCHECK" <"$tmp/fast/xdpport.prom" >/dev/null 2>&1 || bad=$((bad + 1))
done
record "$([ $bad -eq 0 ] && echo 1 || echo 0)" \
	"textfile: 300 reads while it is rewritten every 0.1 s: every one whole and valid" "$bad bad"

# --- removal: the Job's commands --------------------------------------------------------------
record "$([ "$(connects 9999 300; echo $?)" = 1 ] && echo 1 || echo 0)" \
	"remove: before, tcp/9999 (no rule) is dropped: no answer"
check "remove: '${REMOVE_0[*]}'" container "${REMOVE_0[@]}"
check "remove: '${REMOVE_1[*]}'" container "${REMOVE_1[@]}"
is_eq "the attached program" "$(attached_id)" "" && holds "no pins" [ ! -e /sys/fs/bpf/xdpport ]
record_status $? "remove: nothing attached, no pins left" "$(ls /sys/fs/bpf)"
record "$([ "$(connects 9999; echo $?)" = 3 ] && echo 1 || echo 0)" \
	"remove: nothing filtered: tcp/9999 answers (refused: nobody listens)"
record "$(ok until_true grep -qx 'xdpport_up 0' "$tmp/fast/xdpport.prom")" \
	"textfile: with the filter gone, the writer says xdpport_up 0"
"$PROMCHECK" <"$tmp/fast/xdpport.prom" >/dev/null 2>&1
is_eq "promcheck's exit status" $? 0 && holds "down" grep -qx 'xdpport_up 0' "$tmp/fast/xdpport.prom" &&
	holds "the writer" kill -0 $fast
record_status $? "textfile: that file is valid, the writer keeps going" "$(cat "$tmp/fast/xdpport.prom")"
kill -TERM $fast
wait $fast
is_eq "exit status" $? 0 && is_eq "files" "$(ls -A "$tmp/fast")" xdpport.prom
record_status $? "textfile: SIGTERM: exit 0, nothing but xdpport.prom left"

summary
