# Helpers for tests that drive the real xdpport binary (source after report.sh and
# netns.sh). Dropped probes wait PROBE_DROP_MS; probes that should pass wait long
# enough never to flake.
#   xp ARGS...                    runs $BUILD/xdpport (build/, or build/sanitize)
#   xp_reset                      detach everywhere, remove every pin: a clean start
#   serve NS PORTS                starts netprobe listeners (tcp+udp, v4+v6) in NS
#   expect_open NAME NS PROTO PORT ADDR...     each probe gets through
#   expect_dropped NAME NS PROTO PORT ADDR...  each probe is silently dropped
#   expect_error NAME RC PATTERN CMD...  CMD exits RC with exactly one stderr line
#                                 "xdpport: <what>: <why>" matching PATTERN, and
#                                 leaves `xdpport list --json` as it was
BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=${XDPPORT:-$PWD/$BUILD/xdpport}
NETPROBE=${NETPROBE:-$PWD/$BUILD/tests/tools/netprobe}
PROBE_DROP_MS=${PROBE_DROP_MS:-300}
PROBE_OPEN_MS=5000

# Leave no pins behind, whatever happens (netns.sh's trap removes the namespaces).
trap 'xp_reset; netns_cleanup' EXIT

xp() {
	"$XDPPORT" "$@"
}

xp_reset() {
	xp detach --all >/dev/null 2>&1
	xp flush >/dev/null 2>&1
	! [ -e /sys/fs/bpf/xdpport ]
}

serve() {
	local ns=$1 ports=$2 fifo
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	# Not through in_ns: a function would leave a subshell waiting on the server,
	# which reports "Terminated" when netns_cleanup kills it.
	nsenter --net="/run/netns/$ns" "$NETPROBE" serve "$ports" >"$fifo" &
	read -r -t 5 _ <"$fifo"	# "ready"
	rm -f "$fifo"
}

# Runs one probe per address in parallel; passes when every one exits `want`.
probe_all() {
	local want=$1 ms=$2 name=$3 ns=$4 proto=$5 port=$6 addr pids=() rcs=() i=0 bad=
	shift 6
	for addr in "$@"; do
		in_ns "$ns" "$NETPROBE" "$proto" "$addr" "$port" "$ms" &
		pids+=($!)
	done
	for addr in "$@"; do
		local rc=0
		wait "${pids[$i]}" || rc=$?
		[ "$rc" -eq "$want" ] || bad+="$addr exited $rc; "
		i=$((i + 1))
	done
	if [ -z "$bad" ]; then record 1 "$name"; else record 0 "$name" "${bad}want $want"; fi
}

expect_open() {
	probe_all 0 "$PROBE_OPEN_MS" "$@"
}

expect_dropped() {
	probe_all 1 "$PROBE_DROP_MS" "$@"
}

expect_error() {
	local name=$1 want=$2 pattern=$3 before after err rc=0 lines
	shift 3
	before=$(xp list --json 2>/dev/null)
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	after=$(xp list --json 2>/dev/null)
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -ne "$want" ]; then
		record 0 "$name" "exited $rc, want $want: $err"
	elif [ "$lines" -ne 1 ] || ! [[ "$err" =~ ^xdpport:\ [^:]+:\ .+ ]]; then
		record 0 "$name" "stderr is not one 'xdpport: what: why' line: $err"
	elif ! grep -qE -- "$pattern" <<<"$err"; then
		record 0 "$name" "stderr '$err' does not match '$pattern'"
	elif [ "$before" != "$after" ]; then
		record 0 "$name" "the ruleset changed: $before -> $after"
	else
		record 1 "$name"
	fi
}

# The XDP program ip(8) sees on a device in a namespace: "xdp", "xdpgeneric" or "".
xdp_on() {
	ip -n "$1" link show dev "$2" | head -n 1 | grep -oE ' (xdpgeneric|xdpoffload|xdp) ' |
		tr -d ' '
}
