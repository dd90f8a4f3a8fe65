# A filtered host and a world of real servers for the replies tests (source it after
# report.sh, netns.sh and cli.sh). Everything runs in the two namespaces and in a
# temporary directory; no server reads a file of the machine's /etc.
#
#   replies_world N    netns_pair N: HOST (xp<N>b, .2, ::2) is the filtered host,
#                      WORLD (xp<N>a, .1, ::1, and a second address .3, ::3) runs
#                      dnsmasq (DNS on 53 with www.example.test; DHCPv4 and DHCPv6),
#                      busybox httpd on 80, a TCP echo server on 7 and one answering
#                      each line 3 s late on 8007, a UDP server on 5300 answering
#                      from .1 and .3 (::1 and ::3), one on 5301 answering 3 s late;
#                      HOST listens (netprobe) on tcp+udp 22 and 8080
#   http ADDR          an HTTP GET from HOST; prints the page
#   dns ADDR TYPE [+tcp]   a DNS query from HOST for www.example.test; prints the answer
#   dhcp_lease [-6]    dhclient in HOST takes a lease from WORLD's dnsmasq; prints the
#                      address it was given
#   probe_host ARGS... replyprobe in HOST; probe_world ARGS... in WORLD
#   counter REASON     packets counted under REASON so far (stats --json)
#   session_start ADDR PORT MS   a TCP session from HOST (replyprobe session; one at a
#                      time); true once connected
#   session_say SECS   sends a line on it; prints what the session says within SECS:
#                      "echo" (back within its MS), "silent", or nothing
#   session_end        closes it
#   has_flow PROTO LOCAL REMOTE REMOTE_PORT [STATE]   flows --json lists that flow
REPLYPROBE=${REPLYPROBE:-$PWD/$BUILD/tests/tools/replyprobe}
WORLD_TMP=

replies_world() {
	local n=$1
	netns_pair "$n" || return 1
	HOST=$SERVER HOST_IF=$SERVER_IF HOST4=$SERVER4 HOST6=$SERVER6
	WORLD=$CLIENT WORLD_IF=$CLIENT_IF WORLD4=$CLIENT4 WORLD6=$CLIENT6
	OTHER4="198.18.$n.3" OTHER6="2001:db8:$n::3"
	ip -n "$WORLD" addr add "$OTHER4/24" dev "$WORLD_IF"
	ip -n "$WORLD" addr add "$OTHER6/64" dev "$WORLD_IF" nodad
	WORLD_TMP=$(mktemp -d /tmp/xdpport-replies.XXXXXX)
	trap 'xp_reset; netns_cleanup; rm -rf "$WORLD_TMP"' EXIT

	mkdir "$WORLD_TMP/www"
	echo "hello from the world" >"$WORLD_TMP/www/index.html"
	: >"$WORLD_TMP/httpd.conf"
	nsenter --net="/run/netns/$WORLD" busybox httpd -f -p 80 -h "$WORLD_TMP/www" -c "$WORLD_TMP/httpd.conf" &
	nsenter --net="/run/netns/$WORLD" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
		--no-hosts --bind-interfaces --interface="$WORLD_IF" --user=root --group=root \
		--pid-file= --log-facility="$WORLD_TMP/dnsmasq.log" \
		--host-record="www.example.test,$WORLD4,$WORLD6" \
		--dhcp-range="198.18.$n.100,198.18.$n.150,255.255.255.0,2m" \
		--dhcp-range="2001:db8:$n::100,2001:db8:$n::1ff,64,2m" \
		--dhcp-leasefile="$WORLD_TMP/dnsmasq.leases" --dhcp-authoritative &
	background_ready "$WORLD" "$REPLYPROBE" echo 7
	background_ready "$WORLD" "$REPLYPROBE" echo 8007 3000
	background_ready "$WORLD" "$REPLYPROBE" answer "$WORLD4" 5300 0 "$WORLD4" "$OTHER4"
	background_ready "$WORLD" "$REPLYPROBE" answer "$WORLD6" 5300 0 "$WORLD6" "$OTHER6"
	background_ready "$WORLD" "$REPLYPROBE" answer "$WORLD4" 5301 3000 "$WORLD4"
	serve "$HOST" 22,8080
	# Wait until dnsmasq and httpd answer (no filter yet).
	local tries=0
	until [ -n "$(dns "$WORLD4" A)" ] && http "$WORLD4" >/dev/null; do
		tries=$((tries + 1))
		[ $tries -gt 50 ] && { echo "replies_world: servers never came up" >&2; return 1; }
		sleep 0.1
	done
}

# Starts CMD in NS in the background and waits for its "ready" line (as serve does).
background_ready() {
	local ns=$1 fifo
	shift
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	nsenter --net="/run/netns/$ns" "$@" >"$fifo" &
	read -r -t 5 _ <"$fifo"
	rm -f "$fifo"
}

http() {
	local url=$1
	[[ $url == *:* ]] && url="[$url]"
	in_ns "$HOST" curl -sf --noproxy '*' --max-time 2 "http://$url/index.html"
}

dns() {
	in_ns "$HOST" dig +short +tries=1 +time=1 ${3:-} "@$1" www.example.test "$2" 2>/dev/null |
		grep -v '^;'
}

dhcp_lease() {
	local six=${1:-} dir
	dir=$(mktemp -d "$WORLD_TMP/dhclient.XXXXXX")
	# The script only writes down what it was given: it configures nothing.
	printf '#!/bin/sh\necho "$reason ${new_ip_address:-$new_ip6_address}" >>%s/events\n' \
		"$dir" >"$dir/script"
	chmod 755 "$dir/script"
	printf 'timeout 6;\nretry 1;\n' >"$dir/conf"
	in_ns "$HOST" timeout 10 dhclient $six -1 -sf "$dir/script" -cf "$dir/conf" \
		-lf "$dir/leases" -pf "$dir/pid" -df "$dir/duid" "$HOST_IF" >/dev/null 2>&1
	[ -r "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null
	awk '$1 ~ /^(BOUND|BOUND6)$/ { print $2 }' "$dir/events" 2>/dev/null | head -n 1
}

probe_host() {
	in_ns "$HOST" "$REPLYPROBE" "$@"
}

probe_world() {
	in_ns "$WORLD" "$REPLYPROBE" "$@"
}

counter() {
	xp stats --json | jq -r --arg r "$1" '.reasons[$r].packets // 0'
}

has_flow() {
	local json
	json=$(xp flows --json) && [ -n "$json" ] &&
		jq -e --arg p "$1" --arg l "$2" --arg r "$3" --argjson rp "$4" --arg s "${5:-}" \
			'any(.flows[]; .protocol == $p and .local == $l and .remote == $r and
			     .remote_port == $rp and ($s == "" or .state == $s))' <<<"$json" >/dev/null
}

session_start() {
	local line=
	coproc SESSION { probe_host session "$@"; }
	# bash unsets SESSION and SESSION_PID when the coprocess exits: keep them
	session_pid=$SESSION_PID session_out=${SESSION[0]} session_in=${SESSION[1]}
	read -r -t 3 line <&"$session_out"
	[ "$line" = connected ]
}

session_say() {
	local line=
	{ echo ping >&"$session_in"; } 2>/dev/null && read -r -t "$1" line <&"$session_out"
	echo "$line"
}

session_end() {
	exec {session_in}>&-
	wait "$session_pid" 2>/dev/null
}
