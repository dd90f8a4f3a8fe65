#!/usr/bin/env bash
# Every bad input and failing environment: the documented exit status (2 usage,
# 1 runtime), exactly one "xdpport: <what>: <why>" line on stderr, and the ruleset
# exactly as it was (`list --json` before and after).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

xp_reset
netns_pair 31
check "set up some rules" xp allow 443 8000-8100/udp
check "attach xp31b" in_ns xp31b "$XDPPORT" attach xp31b

# Usage errors: exit 2.
expect_error "negative port" 2 "allow -1: ports cannot be negative" xp allow -1
expect_error "negative port with protocol" 2 "negative" xp deny -5/tcp
expect_error "port over 65535" 2 "allow 65536: port is over 65535" xp allow 65536
expect_error "port far over 65535" 2 "over 65535" xp allow 99999999
expect_error "backwards range 70-60" 2 "allow 70-60: range is backwards" xp allow 70-60
expect_error "range end over 65535" 2 "FIRST-LAST" xp deny 1-65536
expect_error "abc" 2 "allow abc: unknown service name" xp allow abc
expect_error "unknown service" 2 "unknown service name" xp deny nosuchservice
expect_error "service not listed for the protocol" 2 "unknown service" xp allow ssh/udp
expect_error "443/icmp" 2 "allow 443/icmp: protocol must be tcp or udp" xp allow 443/icmp
expect_error "empty spec" 2 "allow '': empty port specification" xp allow ""
expect_error "port missing before protocol" 2 "missing port" xp allow /tcp
expect_error "hex port" 2 "not a port" xp allow 0x1bb
expect_error "one bad spec among good ones: nothing applied" 2 "allow 70-60" \
	xp allow 80 22 70-60 8080
expect_error "no PORTSPEC" 2 "allow: missing PORTSPEC" xp allow
expect_error "bad policy" 2 "policy: policy must be pass or drop" xp policy maybe
expect_error "bad policy protocol" 2 "protocol must be tcp or udp" xp policy drop icmp
expect_error "bad fragments setting" 2 "fragments: " xp fragments sometimes
expect_error "bad mode" 2 "attach: mode must be auto, native or generic" \
	xp attach xp31b --mode turbo
expect_error "unknown command" 2 "frobnicate: unknown command" xp frobnicate
check_exit 2 "no command: the usage, status 2 (tests/cli_usage_test.sh checks it)" xp
expect_error "unknown option" 2 "list: unknown option '--bogus'" xp list --bogus
expect_error "option without its value" 2 "needs a value" xp attach xp31b --mode
expect_error "detach without IFACE or --all" 2 "detach: name one interface, or --all" \
	xp detach
expect_error "too many arguments" 2 "unexpected argument" xp list extra
expect_error "interface name too long" 2 "too long to be an interface name" \
	xp attach abcdefghijklmnopqrstuvwxyz

# Runtime errors: exit 1.
expect_error "unknown interface" 1 "attach: no interface named 'nosuch0'" xp attach nosuch0
expect_error "detach an unknown interface" 1 "detach: no interface named 'nosuch0'" \
	xp detach nosuch0
expect_error "interface without native XDP" 1 "lo has no native XDP support" \
	xp attach lo --mode native
check "a failed attach leaves lo without a program" test -z "$(ip link show dev lo | grep -o ' xdp')"
expect_error "output that cannot be written" 1 "list: cannot write the output" \
	bash -c "$XDPPORT list >/dev/full"

# Not root, or root without CAP_BPF: one plain error before anything is touched.
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
for cmd in "list" "status" "allow 80" "deny 80" "policy drop udp" "stats" "flush" \
	   "attach xp31b" "detach --all"; do
	# shellcheck disable=SC2086
	missing="no CAP_BPF \(or CAP_SYS_ADMIN\); run as root"
	[[ "$cmd" == *tach* ]] && missing="no CAP_BPF \(or CAP_SYS_ADMIN\) and CAP_NET_ADMIN; run as root"
	expect_error "not root: $cmd: names the missing capabilities" 1 "permission denied: $missing" \
		"${NOBODY[@]}" "$XDPPORT" $cmd
done
NO_BPF_CAPS=(setpriv --inh-caps=-bpf,-sys_admin --bounding-set=-bpf,-sys_admin)
expect_error "root without CAP_BPF: list" 1 "permission denied: no CAP_BPF \(or CAP_SYS_ADMIN\);" \
	"${NO_BPF_CAPS[@]}" "$XDPPORT" list
expect_error "root without CAP_BPF: allow" 1 "permission denied" \
	"${NO_BPF_CAPS[@]}" "$XDPPORT" allow 80
NO_NET_ADMIN=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)
expect_error "root without CAP_NET_ADMIN: detach" 1 "detach: permission denied: no CAP_NET_ADMIN;" \
	"${NO_NET_ADMIN[@]}" "$XDPPORT" detach xp31b
check "still attached after the refused detach" test "$(xdp_on xp31b xp31b)" = xdp

# bpffs missing: mounted on the way (in a mount namespace of its own, so the rest of
# the run keeps its bpffs; every bpffs stacked there is unmounted, the host's too).
out=$(unshare --mount --propagation private -- bash -c "
	while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 1; done
	$XDPPORT list --json 2>&1 >/dev/null
	mountpoint -q /sys/fs/bpf && echo mounted")
record $([[ $out == *"mounted it on /sys/fs/bpf"*mounted ]] && echo 1 || echo 0) \
	"bpffs not mounted: xdpport mounts it and says so" "$out"

# Pins left by an older build: a rules map of another shape.
check "detach --all" xp detach --all
check "flush" xp flush
mkdir -p /sys/fs/bpf/xdpport
check "pin an old-layout xdpport_rules" bpftool map create /sys/fs/bpf/xdpport/xdpport_rules \
	type array key 4 value 8 entries 1 name xdpport_rules
STALE="incompatible xdpport build; run 'xdpport detach --all' and 'xdpport flush'"
for cmd in "list" "allow 443" "status" "stats"; do
	# shellcheck disable=SC2086
	expect_error "old pins: $cmd" 1 "$STALE" xp $cmd
done
expect_error "old pins: attach" 1 "$STALE" in_ns xp31b "$XDPPORT" attach xp31b
check "old pins: detach --all still works" xp detach --all
check "old pins: flush removes them" xp flush
check "after flush: allow works again" xp allow 443
check "after flush: attach works again" in_ns xp31b "$XDPPORT" attach xp31b

summary
