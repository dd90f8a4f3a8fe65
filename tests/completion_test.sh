#!/usr/bin/env bash
# The bash completion (dist/xdpport.bash-completion), driven as bash-completion's own
# tests drive one: its helpers sourced, COMP_WORDS/COMP_CWORD set for a command line,
# the completion function called, COMPREPLY checked. Interfaces are real: a veth pair
# in this test's namespace, one end with xdpport attached.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh
unset SSH_CONNECTION

if ! [ -r /usr/share/bash-completion/bash_completion ]; then
	echo "skip - bash-completion is not installed (scripts/deps.sh installs it)"
	summary
	exit
fi
# bash_completion reads unset variables and ends in non-zero statuses: not under -u.
set +u
source /usr/share/bash-completion/bash_completion
source dist/xdpport.bash-completion
set -u

# complete_line LINE: COMPREPLY as completing LINE gives it (a trailing space starts
# a new, empty word).
complete_line() {
	local line=$1
	read -ra COMP_WORDS <<<"$line"
	[[ "$line" == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_xdpport
}

# offers NAME LINE WANT: completing LINE offers exactly the words WANT, in any order.
offers() {
	local got want
	complete_line "$2"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | grep . | sort | tr '\n' ' ')
	want=$(printf '%s\n' $3 | grep . | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then record 1 "$1"; else record 0 "$1" "got '$got', want '$want'"; fi
}

# includes NAME LINE WORD...: completing LINE offers every WORD (and maybe more).
includes() {
	local name=$1 w missing=
	complete_line "$2"
	shift 2
	for w in "$@"; do
		printf '%s\n' "${COMPREPLY[@]}" | grep -qx -- "$w" || missing+="$w "
	done
	if [ -z "$missing" ]; then record 1 "$name"; else record 0 "$name" "missing: $missing"; fi
}

# --- commands -----------------------------------------------------------------------
commands=$(xp help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }' | tr '\n' ' ')
offers "the commands are those of 'xdpport help', and the global options" "xdpport " \
	"$commands --json --force --debug --help --version"
offers "a command after a global option" "xdpport --json st" "status stats"
offers "a command after -d" "xdpport -d st" "status stats"
offers "help COMMAND" "xdpport help de" "detach deny delete"

# --- options are not arguments ------------------------------------------------------
offers "policy --force <TAB>: pass drop, not tcp udp" "xdpport policy --force " "pass drop"
offers "policy drop --force <TAB>: tcp udp" "xdpport policy drop --force " "tcp udp"
offers "--force policy drop <TAB>: tcp udp" "xdpport --force policy drop " "tcp udp"
offers "fragments --force <TAB>" "xdpport fragments --force " "pass drop"
offers "fragments drop <TAB>: nothing more" "xdpport fragments drop " ""
offers "attach --mode generic <TAB>: the interface is still to come" \
	"xdpport attach --mode generic l" "lo"
offers "--mode <TAB>" "xdpport attach lo --mode " "auto native generic"
offers "--top <TAB>" "xdpport stats --top " "5 10 20 50 all"

# --- each command offers its own options ---------------------------------------------
offers "attach --<TAB>" "xdpport attach --" "--mode --replace --try --json --force --help"
offers "detach --<TAB>" "xdpport detach --" "--all --json --help"
offers "stats --<TAB>" "xdpport stats --" "--top --watch --prometheus --reset --textfile --json --help"
offers "stats --top 5 --<TAB>: still stats' options" "xdpport stats --top 5 --w" "--watch"
offers "stats --watch --<TAB>: SECS is optional" "xdpport stats --watch --p" "--prometheus"
offers "apply --<TAB>" "xdpport apply --" "--check --try --watch --recheck --json --force --help"
offers "deny --<TAB>: --try" "xdpport deny --" "--try --force --help"
offers "--try <TAB>" "xdpport policy drop --try " "30 60 120 300"
offers "policy --try 60 <TAB>: SECS is no argument" "xdpport policy --try 60 " "pass drop"
offers "confirm --<TAB>" "xdpport confirm --" "--json --help"
offers "list --<TAB>: no --force" "xdpport list --" "--json --help"
offers "allow --<TAB>: no --json" "xdpport allow --" "--force --help"
offers "save --<TAB>: only --help" "xdpport save --" "--help"
offers "version --<TAB>" "xdpport version --" "--json --help"

# --- PORTSPEC: service names, protocols -----------------------------------------------
offers "allow 443/<TAB>" "xdpport allow 443/" "443/tcp 443/udp"
includes "allow ht<TAB>: service names" "xdpport allow ht" https http
includes "deny 80 ss<TAB>: service names after a port" "xdpport deny 80 ss" ssh
offers "allow 44<TAB>: no service name for digits" "xdpport allow 44" ""

# --- interfaces: attach offers them all, detach the attached ones ---------------------
xp_reset
ip link add xc81a type veth peer name xc81b
ip link set xc81a up && ip link set xc81b up
trap 'xp_reset; ip link del xc81a 2>/dev/null; netns_cleanup' EXIT
xp attach xc81a >/dev/null 2>&1
check "xdpport attached to xc81a" test "$(xp status --json | jq -r '.interfaces[0].name')" = xc81a
includes "attach <TAB>: the interfaces" "xdpport attach xc" xc81a xc81b
offers "detach <TAB>: the attached interfaces only" "xdpport detach " "xc81a"
offers "detach --json <TAB>" "xdpport detach --json xc" "xc81a"
xp detach xc81a >/dev/null
offers "detach <TAB>: nothing attached, nothing offered" "xdpport detach " ""
summary
