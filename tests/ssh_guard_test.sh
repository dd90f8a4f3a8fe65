#!/usr/bin/env bash
# The lockout guard and --try inside a real SSH session: a real sshd on tcp/2222 in the
# server's namespace, the real ssh client in the client's, xdpport run through it.
# The guard finds the session from the sshd's socket, with SSH_CONNECTION or without
# it (as sudo leaves it) or malformed; every port sshd listens on is guarded; status
# says what drops a guarded port; --try reverts by itself unless confirmed, also when
# the session that ran it is killed at once. Run through tests/run.sh (its own PID
# namespace: no sshd of the host is seen).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh

SSHD=/usr/sbin/sshd
if ! [ -x "$SSHD" ] || ! command -v ssh >/dev/null; then
	record 0 "openssh-server and openssh-client are installed (scripts/deps.sh)"
	summary
	exit 1
fi
tmp=$(mktemp -d /tmp/xdpport-ssh.XXXXXX)	# 0700: sshd accepts keys in it
trap 'xp_reset; netns_cleanup; rm -rf "$tmp"' EXIT
unset SSH_CONNECTION SSH_CLIENT
xp_reset
netns_pair 47

# --- a real sshd on tcp/2222, root logs in with a key ---------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id"
cp "$tmp/id.pub" "$tmp/authorized_keys"
cat >"$tmp/sshd_config" <<CONF
Port 2222
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
CONF
mkdir -p /run/sshd && chmod 755 /run/sshd	# privilege separation (a private /run)
nsenter --net="/run/netns/$SERVER" "$SSHD" -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
for _ in $(seq 100); do
	in_ns "$SERVER" ss -Hltn 'sport = :2222' | grep -q . && break
	sleep 0.05
done

ssh_to() {	# ssh_to ADDR SECS CMD: the real client, from the client's namespace
	local addr=$1 secs=$2
	shift 2
	in_ns "$CLIENT" timeout $((secs * 5)) ssh -i "$tmp/id" -p 2222 -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout="$secs" "root@$addr" "$@"
}
remote_at() {	# remote_at ADDR CMD: runs CMD in an SSH session; sets RC OUT ERR
	local addr=$1
	shift
	RC=0
	OUT=$(ssh_to "$addr" 4 "$@" 2>"$tmp/err") || RC=$?
	ERR=$(cat "$tmp/err")
}
remote() { remote_at "$SERVER4" "$@"; }
ssh_works() { ssh_to "$SERVER4" 1 true 2>/dev/null; }	# a new session gets in
policy() { xp list --json | jq -r .policy.tcp; }
rules() { xp list --json | jq -c .rules; }
wait_for() {	# wait_for SECS CMD...: polls CMD until it succeeds, at most SECS
	local until=$((SECONDS + $1))
	shift
	until "$@"; do [ $SECONDS -ge $until ] && return 1; sleep 0.2; done
}

remote echo hello
is_eq "exit status" "$RC" 0 && is_eq stdout "$OUT" hello
record_status $? "a real SSH session to tcp/2222" "stderr: $ERR $(cat "$tmp/sshd.log")"
check "attach the server's end" in_ns "$SERVER" "$XDPPORT" attach "$SERVER_IF"

# --- the guard finds the session ------------------------------------------------------
SESSION_REFUSAL="refusing to drop tcp/2222, the port of the SSH session this runs in \(sshd pid ([0-9]+)\); add --force"
# The command, then the session's ancestors ("PID COMM"): the sshd it names is one.
remote "env -u SSH_CONNECTION -u SSH_CLIENT $XDPPORT policy drop; p=\$PPID
	while [ \$p -gt 1 ]; do echo \$p \$(cat /proc/\$p/comm); p=\$(awk '/^PPid/ {print \$2}' /proc/\$p/status); done"
pid=$([[ "$ERR" =~ $SESSION_REFUSAL ]] && echo "${BASH_REMATCH[1]}")
is_re stderr "$ERR" "^xdpport: policy drop: $SESSION_REFUSAL" &&
	is_num "stderr lines" "$(grep -c . <<<"$ERR")" -eq 1 &&
	holds "its sshd an ancestor" grep -qx "$pid sshd" <<<"$OUT"
record_status $? \
	"without SSH_CONNECTION (as sudo leaves it): policy drop refused, names tcp/2222 and its sshd" \
	"ancestors: $OUT"
record "$([ "$(policy)" = pass ] && echo 1 || echo 0)" "the refusal changed nothing"
remote "env -u SSH_CONNECTION -u SSH_CLIENT $XDPPORT deny 80 2222/tcp"
is_eq "exit status" "$RC" 1 && is_re stderr "$ERR" "^xdpport: deny 2222/tcp: $SESSION_REFUSAL"
record_status $? "without SSH_CONNECTION: deny names the argument with tcp/2222"
remote "$XDPPORT deny 2222"
is_eq "exit status" "$RC" 1 && is_re stderr "$ERR" "$SESSION_REFUSAL"
record_status $? "with SSH_CONNECTION: deny 2222 refused" "stderr: $ERR"
remote "SSH_CONNECTION=garbage $XDPPORT deny 2222"
is_eq "exit status" "$RC" 1 && is_num "stderr lines" "$(grep -c . <<<"$ERR")" -eq 2 &&
	is_like "first line" "$(head -n 1 <<<"$ERR")" "xdpport: warning: SSH_CONNECTION 'garbage' is not*" &&
	is_re "last line" "$(tail -n 1 <<<"$ERR")" "$SESSION_REFUSAL"
record_status $? "malformed SSH_CONNECTION: one warning line, still guarded from the socket" \
	"stderr: $ERR"
remote "SSH_CONNECTION='198.18.47.1 1 198.18.47.2 2200' $XDPPORT deny 2200"
is_eq "exit status" "$RC" 1 &&
	is_in stderr "$ERR" "tcp/2200, the port of the SSH session this runs in (SSH_CONNECTION)"
record_status $? "SSH_CONNECTION stays a source of its own" "stderr: $ERR"
remote "env -u SSH_CONNECTION $XDPPORT deny 22"
record "$([ $RC -eq 0 ] && echo 1 || echo 0)" \
	"sshd found: tcp/22 is not guarded when nothing needs it" "rc $RC: $ERR"
check "delete 22" xp delete 22

remote "env -u SSH_CONNECTION -u SSH_CLIENT $XDPPORT status"
record "$(grep -qE "^guard +tcp/2222 open: the port of the SSH session this runs in \(sshd pid [0-9]+\), client $CLIENT4\$" <<<"$OUT" &&
	echo 1 || echo 0)" "status in the session: tcp/2222 open, the sshd and the client" "$OUT"
remote_at "$SERVER6" "env -u SSH_CONNECTION -u SSH_CLIENT $XDPPORT --json status"
record "$(jq -e --arg c "$CLIENT6" '.guard[0] | .port == 2222 and .source == "ssh_session" and
	.client == $c' <<<"$OUT" >/dev/null && echo 1 || echo 0)" \
	"over IPv6: the session found in tcp6, the client's address" "$OUT $ERR"
remote "env -u SSH_CONNECTION -u SSH_CLIENT $XDPPORT --json status"
record "$(jq -e --arg c "$CLIENT4" '.guard[0] | .port == 2222 and .source == "ssh_session" and
	.client == $c and .open and .dropped_by == null' <<<"$OUT" >/dev/null && echo 1 || echo 0)" \
	"status --json in the session: the session's port, source, client" "$OUT"

# --- outside the session: every port sshd listens on ----------------------------------
LISTEN_REFUSAL="refusing to drop tcp/2222, where sshd listens \(pid ([0-9]+)\); add --force"
err=$(xp policy drop 2>&1)
pid=$([[ "$err" =~ $LISTEN_REFUSAL ]] && echo "${BASH_REMATCH[1]}")
is_eq "the policy" "$(policy)" pass && is_re stderr "$err" "^xdpport: policy drop: $LISTEN_REFUSAL" &&
	is_eq "the pid named" "$pid" "$(cat "$tmp/sshd.pid")"
record_status $? "no session: policy drop refused, tcp/2222 is where sshd (its pid) listens" \
	"stderr: $err"
check "policy drop --force" xp policy drop --force
holds "status" grep -qE '^guard +tcp/2222 dropped by the tcp policy: where sshd listens' <<<"$(xp status)" &&
	is_eq "status --json" "$(xp --json status | jq -r '.guard[0] | "\(.open) \(.dropped_by)"')" \
		"false policy"
record_status $? "status after policy drop --force: tcp/2222 dropped by the policy" "$(xp status)"
record "$(! ssh_works && echo 1 || echo 0)" "and it is: ssh no longer connects"
check "allow 2222, then deny 2222 --force" bash -c "$XDPPORT allow 2222 && $XDPPORT deny 2222 --force"
holds "status" grep -qE '^guard +tcp/2222 dropped by a deny rule' <<<"$(xp status)" &&
	is_eq "status --json" "$(xp --json status | jq -r '.guard[0].dropped_by')" rule
record_status $? "status after deny --force: tcp/2222 dropped by a rule" "$(xp status)"
check "policy pass, delete 2222" bash -c "$XDPPORT policy pass && $XDPPORT delete 2222"
record "$(ssh_works && echo 1 || echo 0)" "ssh connects again"

# --- --try ------------------------------------------------------------------------------
# Not confirmed: the session's own port cut, then given back by the timer.
remote "$XDPPORT --force policy drop --try 6" &
ssh_pid=$!
record "$(wait_for 5 bash -c '[ "$('"$XDPPORT"' list --json | jq -r .policy.tcp)" = drop ]' &&
	echo 1 || echo 0)" "--try: policy drop is in force"
record "$(! ssh_works && echo 1 || echo 0)" "--try: the session's port is cut"
record "$(xp --json status | jq -e '.try.what == "policy drop" and .try.seconds_left <= 6 and
	.try.timer_alive' >/dev/null && echo 1 || echo 0)" "--try: status --json shows the trial" \
	"$(xp --json status | jq -c .try)"
record "$(grep -qE "^on trial +'policy drop' is reverted in [0-6] s" <<<"$(xp status)" &&
	echo 1 || echo 0)" "--try: status shows the seconds left" "$(xp status)"
record "$(wait_for 10 bash -c '[ "$('"$XDPPORT"' list --json | jq -r .policy.tcp)" = pass ]' &&
	echo 1 || echo 0)" "--try not confirmed: the old rules are back by themselves"
record "$(ssh_works && echo 1 || echo 0)" "--try not confirmed: ssh connects again"
holds "status" grep -qE "^last trial +'policy drop' reverted by its timer" <<<"$(xp status)" &&
	holds "no pending" [ ! -e /run/xdpport/pending ] &&
	holds "no previous.rules" [ ! -e /run/xdpport/previous.rules ]
record_status $? "--try: status tells how the trial ended; no state left" "$(xp status)"
kill "$ssh_pid" 2>/dev/null
wait "$ssh_pid" 2>/dev/null
record "$([ "$(stat -c %a /run/xdpport)" = 700 ] && echo 1 || echo 0)" \
	"--try: its state directory is private (0700)"

# Confirmed: stays.
remote "$XDPPORT deny 8080 --try 2 && $XDPPORT confirm"
is_eq "exit status" "$RC" 0 && is_in stdout "$OUT" "confirmed 'deny 8080'"
record_status $? "--try, then confirm in the session" "$OUT $ERR"
sleep 3
record "$([ "$(rules)" = '[{"action":"deny","first":8080,"last":8080,"protocols":["tcp","udp"]}]' ] &&
	echo 1 || echo 0)" "--try confirmed: the new rules stay after the deadline" "$(rules)"

# The session that ran it killed with SIGKILL at once: the timer lives on.
before=$(rules)
remote "$XDPPORT delete 8080 --try 2 >/dev/null; kill -KILL \$PPID \$\$"
record "$([ "$(rules)" != "$before" ] && echo 1 || echo 0)" \
	"--try, session killed with SIGKILL: the change was in force" "rc $RC: $ERR"
record "$(wait_for 10 bash -c '[ "$('"$XDPPORT"' list --json | jq -c .rules)" = '"'$before'"' ]' &&
	echo 1 || echo 0)" "--try, session killed with SIGKILL: the old rules are back" "$(rules)"

# On a terminal (script(1) gives it one) --try asks: ENTER keeps, silence reverts.
before=$(rules)
out=$( (sleep 1; printf '\n') | script -qec "$XDPPORT deny 8082 --try 10" /dev/null)
is_like output "$out" "*Press ENTER within 10 s to keep it*confirmed: 'deny 8082' stays*" &&
	is_eq "rules for 8082" "$(xp list --json | jq '[.rules[] | select(.first == 8082)] | length')" 1 &&
	holds "no pending" [ ! -e /run/xdpport/pending ]
record_status $? "--try on a terminal: ENTER keeps the change"
check "delete 8082" xp delete 8082
out=$(sleep 4 | script -qec "$XDPPORT deny 8083 --try 2; echo rc=\$?" /dev/null)
is_like output "$out" \
	"*xdpport: deny: not confirmed in time: what was there before 'deny 8083' is back*rc=1*" &&
	is_eq "the rules" "$(rules)" "$before"
record_status $? "--try on a terminal: no answer in time reverts it, exit 1"

# The terminal hung up while --try waits for ENTER (script(1) killed: the kernel sends
# SIGHUP to the command on its pty): the timer lives on and reverts.
mkfifo "$tmp/keyboard"
script -qec "$XDPPORT deny 8084 --try 2" /dev/null <"$tmp/keyboard" >/dev/null 2>&1 &
script_pid=$!
exec 4>"$tmp/keyboard"	# a keyboard nobody types on
has_8084() { [ "$(xp list --json | jq '[.rules[] | select(.first == 8084)] | length')" = 1 ]; }
record "$(wait_for 5 has_8084 && echo 1 || echo 0)" "--try on a terminal: in force, waiting for ENTER"
kill -KILL "$script_pid"
wait "$script_pid" 2>/dev/null
exec 4>&-
holds "reverted" wait_for 10 bash -c '[ "$('"$XDPPORT"' list --json | jq -c .rules)" = '"'$before'"' ]' &&
	holds "status" grep -qE "^last trial +'deny 8084' reverted by its timer" <<<"$(xp status)"
record_status $? "--try, its terminal hung up: the timer reverts it" "$(rules) $(xp status)"

# A bad file changes nothing and starts no trial.
before=$(rules)
remote "printf 'allow 80/tcpp\n' | $XDPPORT apply --try 2 -"
is_eq "exit status" "$RC" 2 && is_like stderr "$ERR" "*stdin:1: allow *tcpp*" &&
	is_eq "the rules" "$(rules)" "$before" && holds "no pending" [ ! -e /run/xdpport/pending ]
record_status $? "apply --try with a bad file: exit 2, nothing changed, no trial" "stderr: $ERR"

# apply --try from a file, a second try refused, rollback.
printf 'policy drop\nallow 2222/tcp 443\n' >"$tmp/new.rules"
check "apply --try 30 FILE" xp apply --try 30 "$tmp/new.rules"
record "$([ "$(policy)" = drop ] && echo 1 || echo 0)" "apply --try: the file is in force"
err=$(xp deny 9999 --try 30 2>&1)
is_like stderr "$err" \
	"*'apply $tmp/new.rules' is already on trial (reverts in * s): 'xdpport confirm' or 'xdpport rollback' first" &&
	is_eq "rules for 9999" "$(xp list --json | jq '[.rules[] | select(.first == 9999)] | length')" 0
record_status $? "a second --try while one is pending is refused"
out=$(xp rollback 2>&1)
is_like output "$out" "rolled back 'apply $tmp/new.rules'*" && is_eq "the policy" "$(policy)" pass &&
	is_eq "the rules" "$(rules)" "$before"
record_status $? "rollback: the previous rules, now"
check_exit 1 "rollback with nothing on trial: exit 1" xp rollback
check_exit 1 "confirm with nothing on trial: exit 1" xp confirm
check_exit 2 "--try 0 is a usage error" xp policy drop --try 0
check_exit 2 "--try on a command without it is a usage error" xp allow 80 --try 5
check_exit 2 "--try with apply --check is a usage error" xp apply --check --try 5 /dev/null

# attach --try: rolled back, the interface is unfiltered again.
check "detach" in_ns "$SERVER" "$XDPPORT" detach "$SERVER_IF"
check "attach --try 2" in_ns "$SERVER" "$XDPPORT" attach "$SERVER_IF" --try 2
record "$([ -n "$(xdp_on "$SERVER" "$SERVER_IF")" ] && echo 1 || echo 0)" "attach --try: attached"
record "$(wait_for 10 bash -c '[ -z "$(ip -n '"$SERVER"' link show dev '"$SERVER_IF"' | grep -oE " xdp(generic)? ")" ]' &&
	echo 1 || echo 0)" "attach --try not confirmed: detached again by the timer"

summary
