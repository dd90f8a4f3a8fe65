# Test reporting for shell tests (source it): one line per case, then the summary
# line tests/run.sh reads.
#   check NAME CMD...         passes when CMD exits 0
#   check_exit N NAME CMD...  passes when CMD exits N
#   summary                   prints "N passed, N failed"; returns 1 if any failed
PASSED=0
FAILED=0

record() {	# record OK NAME [DETAIL]
	if [ "$1" -eq 1 ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $2"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL - $2${3:+: $3}"
	fi
}

check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then record 1 "$name"; else record 0 "$name" "'$*' exited $?"; fi
}

check_exit() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >/dev/null 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ]; then record 1 "$name"; else record 0 "$name" "'$*' exited $rc, want $want"; fi
}

summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
