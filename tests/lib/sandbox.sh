# The sandbox that everything loading BPF programs or creating interfaces runs in
# (source it; root): private mount and network namespaces with their own bpffs,
# /run/netns and loopback, so that nothing is seen in or left behind in the host's.
#   sandbox_enter VAR PROFILE "$0" "$@"
#       unless VAR is set, sets it and runs the calling script again in a new sandbox
#       (exec); then sets up the namespaces it is in, as the script's first act there
#   sandbox_run PROFILE CMD...
#       runs CMD in a new sandbox, set up (exec)
# PROFILE is one of:
#   test   also a PID namespace with its own /proc (no host process, such as an sshd
#          the lockout guard would protect, is visible), all of /run private, and
#          XDPPORT_SSHD_CONFIG=/dev/null (the host's sshd configuration is none of a
#          test's business: the tests that want one write their own)
#   tool   mount and network namespaces only (the demo and the benchmarks)
SANDBOX_LIB=$(realpath "${BASH_SOURCE[0]}")

sandbox_unshare() {	# sandbox_unshare PROFILE CMD...
	local profile=$1
	shift
	case $profile in
	test) exec unshare --mount --net --pid --fork --mount-proc --propagation private -- "$@" ;;
	tool) exec unshare --mount --net --propagation private -- "$@" ;;
	*) echo "sandbox: unknown profile '$profile'" >&2; exit 2 ;;
	esac
}

sandbox_setup() {	# sandbox_setup PROFILE
	mount -t bpf bpf /sys/fs/bpf
	if [ "$1" = test ]; then
		mount -t tmpfs -o mode=0755 tmpfs /run
		mkdir -p /run/netns
		export XDPPORT_SSHD_CONFIG=/dev/null
	else
		mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns
	fi
	ip link set lo up
}

sandbox_enter() {
	local var=$1 profile=$2
	shift 2
	if [ -z "${!var:-}" ]; then
		export "$var=1"
		sandbox_unshare "$profile" "$@"
	fi
	sandbox_setup "$profile"
}

sandbox_run() {
	local profile=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	sandbox_unshare "$profile" bash -c 'set -e; source "$0"; sandbox_setup "$1"; shift; exec "$@"' \
		"$SANDBOX_LIB" "$profile" "$@"
}
