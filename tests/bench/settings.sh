# What every top-level benchmark script starts with (source it after cd to the
# repository root): root, the sandbox (tests/lib/sandbox.sh, once: a script that
# bench.sh runs is already inside), and the settings from the environment, the same
# for each: BENCH_ROUNDS (default 5; 1 is a smoke run), BENCH_SMOKE, BENCH_FRAMES,
# BENCH_REPEAT, BENCH_OUT. Sets ROUNDS, SMOKE, FRAMES, REPEAT, OUT.
#   bench_start NAME "$0" "$@"
bench_start() {
	local name=$1
	shift
	if [ "$(id -u)" -ne 0 ]; then
		echo "$name: loads BPF programs and creates namespaces: run as root" >&2
		exit 1
	fi
	# shellcheck source=../lib/sandbox.sh
	source tests/lib/sandbox.sh
	sandbox_enter XDPPORT_BENCH_SANDBOX tool "$@"
	ROUNDS=${BENCH_ROUNDS:-5}
	SMOKE=${BENCH_SMOKE:-}
	[ "$ROUNDS" = 1 ] && SMOKE=1
	if [ -n "$SMOKE" ]; then
		FRAMES=${BENCH_FRAMES:-300000}
		REPEAT=${BENCH_REPEAT:-300000}
		OUT=${BENCH_OUT:-build/bench}
	else
		FRAMES=${BENCH_FRAMES:-5000000}
		REPEAT=${BENCH_REPEAT:-5000000}
		OUT=${BENCH_OUT:-docs}
	fi
}
