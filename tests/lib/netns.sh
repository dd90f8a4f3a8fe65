# Network namespaces for end-to-end tests (source it). Everything created here is
# removed on exit. tests/run.sh already runs each test in a private network and
# mount namespace with a private /run/netns, so nothing can leak to the host.
#
#   netns_pair N     namespaces xp<N>a (client) and xp<N>b (server), joined by veth
#                    xp<N>a/xp<N>b with 198.18.N.1/.2 and 2001:db8:N::1/::2;
#                    sets CLIENT SERVER CLIENT_IF SERVER_IF CLIENT4 SERVER4 CLIENT6 SERVER6
#   in_ns NS CMD...  runs CMD in namespace NS, with the bpffs pins visible
#                    (ip netns exec would remount /sys and hide them)
NETNS_CREATED=()

netns_cleanup() {
	local ns
	for ns in "${NETNS_CREATED[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	NETNS_CREATED=()
}
trap netns_cleanup EXIT

in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

netns_pair() {
	local n=$1 a="xp${1}a" b="xp${1}b"
	ip netns del "$a" 2>/dev/null || true
	ip netns del "$b" 2>/dev/null || true
	ip netns add "$a" && NETNS_CREATED+=("$a")
	ip netns add "$b" && NETNS_CREATED+=("$b")
	ip link add "$a" netns "$a" type veth peer name "$b" netns "$b"
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		# No duplicate address detection: addresses work at once.
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$a" addr add "198.18.$n.1/24" dev "$a"
	ip -n "$b" addr add "198.18.$n.2/24" dev "$b"
	ip -n "$a" addr add "2001:db8:$n::1/64" dev "$a" nodad
	ip -n "$b" addr add "2001:db8:$n::2/64" dev "$b" nodad
	ip -n "$a" link set "$a" up
	ip -n "$b" link set "$b" up
	# veth reports carrier a moment after both ends are up; traffic sent before
	# that is lost and TCP would only retry a second later.
	local tries=0
	until [ "$(ip -n "$a" -br link show "$a" | awk '{print $2}')" = UP ] &&
	      [ "$(ip -n "$b" -br link show "$b" | awk '{print $2}')" = UP ]; do
		tries=$((tries + 1))
		[ $tries -gt 100 ] && { echo "netns_pair: veth $a/$b never came up" >&2; return 1; }
		sleep 0.05
	done
	CLIENT=$a SERVER=$b CLIENT_IF=$a SERVER_IF=$b
	CLIENT4="198.18.$n.1" SERVER4="198.18.$n.2"
	CLIENT6="2001:db8:$n::1" SERVER6="2001:db8:$n::2"
}
