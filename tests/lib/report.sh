# Test reporting for shell tests (source it): one line per case, then the summary
# line tests/run.sh reads.
#   record OK NAME [DETAIL]   records a case: passes when OK is 1; DETAIL says why not
#   check NAME CMD...         passes when CMD exits 0
#   check_exit N NAME CMD...  passes when CMD exits N
#   summary                   prints "N passed, N failed"; returns 1 if any failed
#
# A case of several clauses: join them with && in the test's own shell (not in a
# $(...)), then record the status of the chain. The first clause that fails keeps
# what it saw for the FAIL line; those after it do not run, as with plain &&.
#   is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "refusing to drop tcp/22"
#   record_status $? "apply: the guard refuses" [DETAIL]
# fails as "FAIL - apply: the guard refuses: exit status: got '0', want '1'".
#   is_eq WHAT GOT WANT          GOT is WANT (strings)
#   is_num WHAT GOT OP N         [ GOT OP N ]: OP is -eq -ne -lt -le -gt -ge
#   is_in WHAT TEXT PART         TEXT contains PART (no pattern: every byte literal)
#   is_not_in WHAT TEXT PART     TEXT does not contain PART
#   is_like WHAT TEXT PATTERN    TEXT matches the glob PATTERN ([[ TEXT == PATTERN ]]: as
#                                there, *(...), ?(...) and the like are extended globs; \[
#                                and \( are literal)
#   is_re WHAT TEXT REGEX        TEXT matches the extended regular expression REGEX
#   holds WHAT CMD...            CMD exits 0 (its output is thrown away)
#   holds_not WHAT CMD...        CMD exits non-zero
#   record_status STATUS NAME [DETAIL]  records the case: passes when STATUS is 0
PASSED=0
FAILED=0
WHY=	# what the failed clause of the case being evaluated saw

record() {	# record OK NAME [DETAIL]
	if [ "$1" -eq 1 ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $2"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL - $2${3:+: $3}"
	fi
	WHY=
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

# Keeps what a failed clause saw (after any earlier one: "; " between, when clauses
# were joined with ||); returns 1.
clause_failed() {
	WHY+=${WHY:+; }$1
	return 1
}

# A value as the FAIL line shows it: quoted, and at most 300 bytes.
shown() {
	local v=$1
	[ ${#v} -le 300 ] || v="${v:0:300}..."
	printf "'%s'" "$v"
}

is_eq() {
	[ "$2" = "$3" ] || clause_failed "$1: got $(shown "$2"), want $(shown "$3")"
}

is_num() {
	[ "$2" "$3" "$4" ] 2>/dev/null || clause_failed "$1: got $(shown "$2"), want $3 $4"
}

is_in() {
	[[ $2 == *"$3"* ]] || clause_failed "$1: no $(shown "$3") in $(shown "$2")"
}

is_not_in() {
	[[ $2 != *"$3"* ]] || clause_failed "$1: $(shown "$3") in $(shown "$2")"
}

is_like() {
	# shellcheck disable=SC2053 # $3 is a pattern
	[[ $2 == $3 ]] || clause_failed "$1: $(shown "$2") does not match $3"
}

is_re() {
	[[ $2 =~ $3 ]] || clause_failed "$1: $(shown "$2") does not match /$3/"
}

holds() {
	local what=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || clause_failed "$what: '$*' exited $rc"
}

holds_not() {
	local what=$1
	shift
	! "$@" >/dev/null 2>&1 || clause_failed "$what: '$*' exited 0"
}

record_status() {	# record_status STATUS NAME [DETAIL]
	local why=$WHY
	if [ "$1" -eq 0 ]; then
		record 1 "$2"
	else
		[ -n "${3:-}" ] && why+=${why:+; }$3
		record 0 "$2" "$why"
	fi
}
