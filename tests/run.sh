#!/usr/bin/env bash
# Runs every test: build/tests/*_test binaries and tests/*_test.sh scripts.
# Each test prints one line per case and ends with "N passed, N failed"; this runner
# adds them up and ends with the same line for the whole run.
#
# Tests run in their own mount, network and PID namespaces, with a private bpffs, /proc
# and /run (/run/netns, /run/xdpport): they never see the host's filter or its
# processes (an sshd the lockout guard would protect), nothing they create outlives
# them, and nothing an earlier failed run left behind can reach them.
#   tests/run.sh [NAME...]    run only tests whose name contains NAME
#   BUILD=build/sanitize tests/run.sh   run the sanitizer build's tests
set -uo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}

if [ "$(id -u)" -ne 0 ]; then
	echo "tests/run.sh: the tests load BPF programs and create namespaces: run as root" >&2
	exit 1
fi

source tests/lib/sandbox.sh
sandbox_enter XDPPORT_TEST_SANDBOX test "$0" "$@"

# Sanitizer reports (SANITIZE=1 builds, fuzz targets) abort the process and are also
# written to files here: a report from a command whose exit status or stderr a test
# does not look at (a `$(xp status)`, a 2>/dev/null) still fails that test.
sanitizer_logs=$(mktemp -d /tmp/xdpport-sanitizer.XXXXXX)
chmod 1777 "$sanitizer_logs"	# commands run as nobody report too
trap 'rm -rf "$sanitizer_logs"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:log_path=$sanitizer_logs/asan}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:log_path=$sanitizer_logs/ubsan}

tests=()
for t in "$BUILD"/tests/*_test tests/*_test.sh; do
	[ -x "$t" ] || continue
	if [ $# -gt 0 ]; then
		keep=
		for want in "$@"; do [[ "$t" == *"$want"* ]] && keep=1; done
		[ -n "$keep" ] || continue
	fi
	tests+=("$t")
done

passed=0 failed=0 broken=()
for t in "${tests[@]}"; do
	echo "=== $t"
	out=$(mktemp)
	"$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$summary" ]; then
		echo "$t: exited $rc without a summary line"
		broken+=("$t")
		failed=$((failed + 1))
		continue
	fi
	read -r p _ f _ <<<"$summary"
	passed=$((passed + p))
	failed=$((failed + f))
	if compgen -G "$sanitizer_logs/*" >/dev/null; then
		echo "$t: sanitizer reports:"
		cat "$sanitizer_logs"/*
		rm -f "$sanitizer_logs"/*
		broken+=("$t")
		failed=$((failed + 1))
		continue
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited $rc"
		broken+=("$t")
		failed=$((failed + 1))
	fi
done

echo
[ ${#broken[@]} -gt 0 ] && echo "broken: ${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#tests[@]} -gt 0 ]
