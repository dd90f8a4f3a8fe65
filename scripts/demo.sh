#!/usr/bin/env bash
# The README's demo: a client and a server network namespace joined by a veth pair,
# xdpport attached to the server's end, real TCP connections and UDP datagrams.
# Runs in a private mount and network namespace with its own bpffs and /run/netns:
# it never sees or touches the host's interfaces or a filter the host runs, and
# everything it creates is gone when it ends.
#   scripts/demo.sh      (as root, after `make`; `make demo` does both)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: it creates network namespaces and loads BPF programs: run as root" >&2
	exit 1
fi
for f in build/xdpport build/tests/tools/netprobe; do
	[ -x "$f" ] || { echo "demo: $f is missing: run 'make demo'" >&2; exit 1; }
done
source tests/lib/sandbox.sh
sandbox_enter XDPPORT_DEMO_SANDBOX tool "$0" "$@"
unset SSH_CONNECTION	# inside the sandbox no SSH session can be cut off

XDPPORT=$PWD/build/xdpport
NETPROBE=$PWD/build/tests/tools/netprobe
CLIENT=demo-client SERVER=demo-server
CLIENT4=198.18.0.1 SERVER4=198.18.0.2 SERVER6=2001:db8::2

if [ -t 1 ]; then
	bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' dim=$'\e[2m' off=$'\e[0m'
else
	bold='' green='' red='' dim='' off=''
fi

cleanup() {
	ip netns pids "$SERVER" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$CLIENT" 2>/dev/null || true
	ip netns del "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n%s%s%s\n' "$bold" "$*" "$off"; }
say() { printf '  %s\n' "$*"; }

# xdpport as the server's administrator runs it: inside the server namespace.
xdpport() {
	printf '  %s$ xdpport %s%s\n' "$dim" "$*" "$off"
	nsenter --net="/run/netns/$SERVER" "$XDPPORT" "$@" 2>&1 | sed 's/^/    /'
}

# One real connection from the client; prints what happened.
try() {
	local proto=$1 addr=$2 port=$3 rc=0 what
	nsenter --net="/run/netns/$CLIENT" "$NETPROBE" "$proto" "$addr" "$port" 500 || rc=$?
	case $proto/$rc in
	tcp/0) what="${green}connected${off}" ;;
	udp/0) what="${green}echoed${off}" ;;
	*/1) what="${red}no answer: dropped${off}" ;;
	*/3) what="refused (nothing listening)" ;;
	*) what="error $rc" ;;
	esac
	printf '  client -> %s %-22s %s\n' "$proto" "[$addr]:$port" "$what"
}

step "xdpport demo: two network namespaces joined by a veth pair"
ip netns add "$CLIENT"
ip netns add "$SERVER"
ip link add "$CLIENT" netns "$CLIENT" type veth peer name "$SERVER" netns "$SERVER"
ip -n "$CLIENT" addr add "$CLIENT4/24" dev "$CLIENT"
ip -n "$SERVER" addr add "$SERVER4/24" dev "$SERVER"
ip -n "$CLIENT" addr add 2001:db8::1/64 dev "$CLIENT" nodad
ip -n "$SERVER" addr add "$SERVER6/64" dev "$SERVER" nodad
for ns in "$CLIENT" "$SERVER"; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "$ns" up
done
sleep 0.5	# veth carrier
nsenter --net="/run/netns/$SERVER" "$NETPROBE" serve 22,443,8080 >/dev/null &
sleep 0.3
say "client $CLIENT4  <--- veth --->  server $SERVER4, $SERVER6"
say "the server listens on tcp and udp ports 22, 443 and 8080"

step "1. No filter yet: every port answers"
try tcp "$SERVER4" 443
try tcp "$SERVER4" 8080

step "2. Rules first (they are kept even before anything is attached), then attach"
xdpport allow ssh 443
xdpport policy drop
xdpport attach "$SERVER"

step "3. Only what was allowed gets through"
try tcp "$SERVER4" 443
try udp "$SERVER6" 443
try tcp "$SERVER6" 22
try tcp "$SERVER4" 8080
try udp "$SERVER4" 8080

step "4. Changes take effect for the very next packet"
xdpport allow 8080/tcp
try tcp "$SERVER4" 8080
xdpport deny 443
try tcp "$SERVER4" 443

step "5. The lockout guard: dropping SSH needs --force"
xdpport deny ssh || true

step "6. What is running, and what it did"
xdpport status
xdpport list
xdpport stats --top 3

step "7. Detach: the interface is back to normal"
xdpport detach "$SERVER"
try tcp "$SERVER4" 443
try tcp "$SERVER4" 8080
xdpport flush

step "Done: namespaces, pins and programs are gone with this sandbox."
