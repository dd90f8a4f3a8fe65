#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12 (as root), and mounts
# bpffs if it is missing. Idempotent: when everything is there it only checks.
#   scripts/deps.sh          build, tests and demo
#   scripts/deps.sh bench    also what `make bench` compares against
set -euo pipefail

# netbase: /etc/services, where PORTSPEC service names (https, ssh/tcp) come from.
packages=(make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev bpftool
	  linux-libc-dev iproute2 util-linux procps libclang-rt-14-dev netbase)
if [ "${1:-}" = bench ]; then
	packages+=(xdp-tools nftables iptables ipset gnuplot-nox)
	packages+=(iperf3)	# tests/bench/bench-replies.sh: the host's outbound TCP throughput
fi
packages+=(jq)	# the stats tests read JSON output with it
packages+=(python3)	# tests/tools/jsoncheck.py: every --json output against docs/json.md
packages+=(bash-completion)	# tests/completion_test.sh runs the completion with its helpers
packages+=(valgrind)	# tests/valgrind_test.sh: leaks and memory errors of the real binary
# xdpport capture: libpcap (filter expressions, pcap files), linked statically with the
# static libdbus-1 it needs; tcpdump reads what the capture tests wrote.
packages+=(libpcap-dev libdbus-1-dev tcpdump)
packages+=(openssh-server openssh-client)	# tests/ssh_guard_test.sh: a real SSH session
# tests/replies_*_test.sh: real servers and clients in the world the filtered host talks
# to: dnsmasq (DNS, DHCPv4, DHCPv6), dhclient, busybox httpd, curl, dig.
packages+=(dnsmasq-base isc-dhcp-client busybox curl bind9-dnsutils)
packages+=(python3-yaml)	# tests/deploy_test.sh parses the manifests in deploy/
# tests/cli_sources_test.sh: a real country list (libloc's database and its `location`
# tool, for tests and benches only: xdpport reads plain address files), and ping.
packages+=(libloc-database location)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Servers the tests run (sshd, dnsmasq...) are started by the tests inside their
	# own namespaces, never by the package in the host's: deny service starts while
	# installing (policy-rc.d, exit 101), unless the machine has a policy already.
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$(id -u)" -eq 0 ] && ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf
fi
