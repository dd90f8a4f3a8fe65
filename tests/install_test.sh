#!/usr/bin/env bash
# make install into a staging folder: the files, their modes and substituted paths,
# the man page (no groff warnings), the systemd unit (systemd-analyze verify), the
# bash completion, make uninstall. Then the boot helper the unit runs, end to end in
# network namespaces: rules before attach, real TCP traffic, reload, never failing
# open (a missing interface leaves the others filtered; check fails on it and on what
# the lockout guard refuses), bad configurations, stop. Run through tests/run.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh

BUILD=${BUILD:-build}	# tests/run.sh exports it: build/sanitize for SANITIZE=1
XDPPORT=$PWD/$BUILD/xdpport
NETPROBE=$PWD/$BUILD/tests/tools/netprobe
tmp=$(mktemp -d /tmp/xdpport-install.XXXXXX)
stage=$tmp/stage
trap '"$XDPPORT" detach --all >/dev/null 2>&1; "$XDPPORT" flush >/dev/null 2>&1;
      netns_cleanup; rm -rf "$tmp"' EXIT
unset SSH_CONNECTION

ok() { "$@" >/dev/null 2>&1 && echo 1 || echo 0; }

# --- make install -----------------------------------------------------------------
make -s install DESTDIR="$stage" >"$tmp/install.log" 2>&1
record "$([ $? -eq 0 ] && echo 1 || echo 0)" "install: make install DESTDIR=... succeeds" \
	"$(cat "$tmp/install.log")"
want_file() {	# want_file PATH MODE
	local mode
	mode=$(stat -c %a "$stage$1" 2>/dev/null)
	record "$([ "$mode" = "$2" ] && echo 1 || echo 0)" "install: $1 (mode $2)" "mode '$mode'"
}
want_file /usr/local/sbin/xdpport 755
want_file /usr/local/libexec/xdpport/xdpport-boot 755
want_file /usr/local/share/man/man8/xdpport.8 644
want_file /usr/local/share/bash-completion/completions/xdpport 644
want_file /usr/local/lib/systemd/system/xdpport.service 644
want_file /usr/local/lib/systemd/system/xdpport-watch.service 644
want_file /etc/xdpport/xdpport.conf 644
want_file /etc/xdpport/rules.conf 644
record "$([ "$(find "$stage" -type f | grep -c '')" -eq 8 ] && echo 1 || echo 0)" \
	"install: nothing else (the BPF object is inside the binary)" "$(find "$stage" -type f)"
record "$(ok "$stage/usr/local/sbin/xdpport" apply --check "$stage/etc/xdpport/rules.conf")" \
	"install: the installed binary runs on its own and reads the default rules"

unit=$stage/usr/local/lib/systemd/system/xdpport.service
boot=$stage/usr/local/libexec/xdpport/xdpport-boot
holds "ExecStart" grep -qx 'ExecStart=/usr/local/libexec/xdpport/xdpport-boot start' "$unit" &&
	holds "ExecReload" grep -qx 'ExecReload=/usr/local/libexec/xdpport/xdpport-boot reload' "$unit" &&
	holds "ExecStop" grep -qx 'ExecStop=/usr/local/libexec/xdpport/xdpport-boot stop' "$unit" &&
	holds_not "no @PLACEHOLDER@ left" grep -q @ "$unit"
record_status $? "install: the unit runs the installed helper"
holds "Type" grep -q '^Type=oneshot$' "$unit" &&
	holds "RemainAfterExit" grep -q '^RemainAfterExit=yes$' "$unit" &&
	holds "Before" grep -q '^Before=network-pre.target' "$unit"
record_status $? "install: the unit is oneshot, remains after exit, runs before network-pre.target"
record "$(grep -q '^XDPPORT=${XDPPORT:-/usr/local/sbin/xdpport}' "$boot" && echo 1 || echo 0)" \
	"install: the helper runs the installed binary"
watch_unit=$stage/usr/local/lib/systemd/system/xdpport-watch.service
holds "ExecStart" grep -qx 'ExecStart=/usr/local/sbin/xdpport apply --watch /etc/xdpport/rules.conf' \
	"$watch_unit" &&
	holds "After" grep -qx 'After=xdpport.service' "$watch_unit" &&
	holds "ExecReload" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$watch_unit" &&
	holds_not "no @PLACEHOLDER@ left" grep -q @ "$watch_unit"
record_status $? "install: the watch unit runs the installed binary on the rules file, after boot"

make -s install DESTDIR="$tmp/usr-stage" PREFIX=/usr >/dev/null 2>&1
holds "the binary in /usr/sbin" [ -x "$tmp/usr-stage/usr/sbin/xdpport" ] &&
	holds "the unit's ExecStart" grep -qx 'ExecStart=/usr/libexec/xdpport/xdpport-boot start' \
		"$tmp/usr-stage/usr/lib/systemd/system/xdpport.service" &&
	holds "the man page in /usr/share" [ -f "$tmp/usr-stage/usr/share/man/man8/xdpport.8" ]
record_status $? "install: PREFIX=/usr puts everything under /usr, and the unit says so"

echo "INTERFACES=mine" >"$stage/etc/xdpport/xdpport.conf"
make -s install DESTDIR="$stage" >/dev/null 2>&1
record "$([ "$(cat "$stage/etc/xdpport/xdpport.conf")" = INTERFACES=mine ] && echo 1 || echo 0)" \
	"install: installing again keeps the configuration"
cp dist/xdpport.conf "$stage/etc/xdpport/xdpport.conf"

# --- the man page ---------------------------------------------------------------------
groff -man -Tutf8 -ww "$stage/usr/local/share/man/man8/xdpport.8" >/dev/null 2>"$tmp/man.err"
is_eq "exit status" $? 0 && holds "nothing on stderr" [ ! -s "$tmp/man.err" ]
record_status $? "man: groff -man -ww prints no warnings" "$(head -c 300 "$tmp/man.err")"
# Plain text (no bold, no underline) to look for sections in.
groff -man -Tutf8 -P-cbou "$stage/usr/local/share/man/man8/xdpport.8" >"$tmp/man.txt" 2>/dev/null
missing=
for section in NAME SYNOPSIS DESCRIPTION COMMANDS PORTSPEC "FILE FORMAT" BOOT "LOCKOUT GUARD" \
	"CHANGING RULES ON A REMOTE HOST" "EXIT STATUS" \
	FILES ENVIRONMENT EXAMPLES "SEE ALSO"; do
	grep -q "^$section\$" "$tmp/man.txt" || missing+="$section; "
done
for cmd in attach detach allow deny delete policy fragments list flush status stats apply \
	confirm rollback save version help; do
	grep -qE "^   $cmd( |$)" "$tmp/man.txt" || missing+="$cmd; "
done
record "$([ -z "$missing" ] && echo 1 || echo 0)" \
	"man: every section, and one subsection per command" "missing: $missing"
missing=
for opt in --watch --json --prometheus --reset --top --check --force --mode --replace --all \
	--try --textfile --recheck; do
	grep -q -- "$opt" "$tmp/man.txt" || missing+="$opt; "
done
record "$([ -z "$missing" ] && echo 1 || echo 0)" "man: every option is documented" \
	"missing: $missing"

# --- the systemd unit -----------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	# verify wants the commands and the man page where the unit says; point it at
	# the staged ones.
	sed "s|/usr/local/libexec|$stage/usr/local/libexec|" "$unit" >"$tmp/xdpport.service"
	MANPATH=$stage/usr/local/share/man systemd-analyze verify "$tmp/xdpport.service" \
		>"$tmp/verify" 2>&1
	is_eq "exit status" $? 0 && holds "nothing printed" [ ! -s "$tmp/verify" ]
	record_status $? "unit: systemd-analyze verify: no errors, no warnings" "$(cat "$tmp/verify")"
	sed "s|/usr/local/sbin|$stage/usr/local/sbin|" "$watch_unit" >"$tmp/xdpport-watch.service"
	MANPATH=$stage/usr/local/share/man systemd-analyze verify "$tmp/xdpport-watch.service" \
		>"$tmp/verify" 2>&1
	is_eq "exit status" $? 0 && holds "nothing printed" [ ! -s "$tmp/verify" ]
	record_status $? "watch unit: systemd-analyze verify: no errors, no warnings" \
		"$(cat "$tmp/verify")"
else
	record 1 "unit: systemd-analyze verify (skipped: systemd-analyze is not installed)"
fi

# --- bash completion ---------------------------------------------------------------------
complete_words() {	# complete_words WORD... : what TAB offers for the last word
	bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xdpport
		 echo "${COMPREPLY[*]}"' \
		"$stage/usr/local/share/bash-completion/completions/xdpport" "$@" 2>&1
}
is_eq "ap" "$(complete_words xdpport ap)" apply &&
	is_eq "--json s" "$(complete_words xdpport --json s)" "set sets status stats save"
record_status $? "completion: commands, also after a global option"
# "fro": no service name in /etc/services starts so ("f" would also offer ftp, finger...).
is_eq "deny 22/tcp fro" "$(complete_words xdpport deny 22/tcp fro)" from &&
	is_eq "set --d" "$(complete_words xdpport set --d)" --delete
record_status $? "completion: 'from' after PORTSPECs, --delete for set"
is_in "attach" " $(complete_words xdpport attach "") " " lo " &&
	is_eq "attach lo --mode" "$(complete_words xdpport attach lo --mode "")" "auto native generic"
record_status $? "completion: interfaces and modes for attach"
touch "$tmp/rules-for-completion.conf"
is_eq "apply FILE" "$(complete_words xdpport apply "$tmp/rules-for")" \
	"$tmp/rules-for-completion.conf" &&
	is_eq "apply --c" "$(complete_words xdpport apply --c)" --check
record_status $? "completion: files and --check for apply"
is_eq "policy drop" "$(complete_words xdpport policy drop "")" "tcp udp" &&
	is_eq "stats --p" "$(complete_words xdpport stats --p)" --prometheus
record_status $? "completion: policy protocols, stats options"
is_eq "co" "$(complete_words xdpport co)" confirm &&
	is_eq "policy drop --t" "$(complete_words xdpport policy drop --t)" --try &&
	is_eq "deny 80 --t" "$(complete_words xdpport deny 80 --t)" --try &&
	is_eq "allow 80 --t" "$(complete_words xdpport allow 80 --t)" ""
record_status $? "completion: confirm, and --try where it is taken"
is_eq "apply --w" "$(complete_words xdpport apply --w)" --watch &&
	is_eq "stats --tex" "$(complete_words xdpport stats --tex)" --textfile &&
	is_eq "apply --watch FILE" "$(complete_words xdpport apply --watch "$tmp/rules-for")" \
		"$tmp/rules-for-completion.conf"
record_status $? "completion: apply --watch (then a file), stats --textfile"

# --- make uninstall ---------------------------------------------------------------------
make -s install DESTDIR="$tmp/gone" >/dev/null 2>&1
make -s uninstall DESTDIR="$tmp/gone" >/dev/null 2>&1
is_eq "files left" "$(find "$tmp/gone" -type f | sort | tr '\n' ' ')" \
	"$tmp/gone/etc/xdpport/rules.conf $tmp/gone/etc/xdpport/xdpport.conf " &&
	holds "no libexec/xdpport" [ ! -e "$tmp/gone/usr/local/libexec/xdpport" ]
record_status $? "uninstall: removes everything but the configuration" \
	"$(find "$tmp/gone" -type f)"

# --- the boot helper, end to end ------------------------------------------------------------
"$XDPPORT" detach --all >/dev/null 2>&1
"$XDPPORT" flush >/dev/null 2>&1
netns_pair 44
nsenter --net="/run/netns/$SERVER" "$NETPROBE" serve 8080,8081 >"$tmp/ready" &
for _ in $(seq 50); do grep -q ready "$tmp/ready" && break; sleep 0.1; done

# The helper logs every xdpport command it runs, in order, through this wrapper.
cat >"$tmp/xdpport-logged" <<EOF
#!/usr/bin/env bash
echo "\$*" >>"$tmp/commands"
exec "$XDPPORT" "\$@"
EOF
chmod +x "$tmp/xdpport-logged"
conf=$tmp/xdpport.conf
boot() {	# boot ACTION: the installed helper, in the server's namespace; sets RC, ERR
	RC=0
	: >"$tmp/commands"
	XDPPORT=$tmp/xdpport-logged XDPPORT_CONF=$conf in_ns "$SERVER" "$boot" "$1" \
		>"$tmp/boot.out" 2>"$tmp/boot.err" || RC=$?
	ERR=$(cat "$tmp/boot.err")
}
probe() {	# probe NAME WANT PORT [MS]
	local rc=0
	in_ns "$CLIENT" "$NETPROBE" tcp "$SERVER4" "$3" "${4:-2000}" || rc=$?
	record "$([ $rc -eq "$2" ] && echo 1 || echo 0)" "boot: $1" "exited $rc, want $2"
}
attached() {
	in_ns "$SERVER" "$XDPPORT" status --json |
		jq -e --arg i "$SERVER_IF" 'any(.interfaces[]; .name == $i and .attached)' >/dev/null
}

printf 'policy drop\nallow 22/tcp 8080/tcp\n' >"$tmp/a.rules"
printf 'policy drop\nallow 22/tcp 8081/tcp\n' >"$tmp/b.rules"
cat >"$conf" <<EOF
# test configuration
INTERFACES="$SERVER_IF"   # the server's end
MODE=auto
RULES=$tmp/rules.conf
WAIT=1
EOF
cp "$tmp/a.rules" "$tmp/rules.conf"

boot check
is_eq "exit status" "$RC" 0 &&
	is_eq "commands" "$(cat "$tmp/commands")" "apply --check $tmp/rules.conf" &&
	holds_not "not attached" attached
record_status $? "boot: check reads everything and changes nothing" "$ERR"
boot start
is_eq "exit status" "$RC" 0 && holds "attached" attached
record_status $? "boot: start attaches" "$ERR"
record "$([ "$(cut -d' ' -f1 "$tmp/commands" | tr '\n' ' ')" = "apply attach " ] &&
	echo 1 || echo 0)" "boot: start applies the rules before it attaches" \
	"$(cat "$tmp/commands")"
record "$([ -z "$ERR" ] && echo 1 || echo 0)" "boot: start says nothing when all is well" "$ERR"
probe "rules.conf applied: tcp/8080 connects" 0 8080
probe "rules.conf applied: tcp/8081 is dropped" 1 8081 300

cp "$tmp/b.rules" "$tmp/rules.conf"
boot reload
record "$([ $RC -eq 0 ] && echo 1 || echo 0)" "boot: reload" "$ERR"
probe "after reload: tcp/8080 is dropped" 1 8080 300
probe "after reload: tcp/8081 connects" 0 8081

printf 'policy drop\nallow 22/tcp 8080/tcpp\n' >"$tmp/rules.conf"
boot reload
is_eq "exit status" "$RC" 2 && is_in stderr "$ERR" "rules.conf:2: allow 8080/tcpp"
record_status $? "boot: reload of a file with errors fails (exit 2) and names the line" \
	"stderr: $ERR"
probe "after a failed reload: the old rules (tcp/8081 connects)" 0 8081

boot stop
is_eq "exit status" "$RC" 0 && holds_not "not attached" attached
record_status $? "boot: stop detaches" "$ERR"
probe "after stop: nothing filtered (tcp/8080 connects)" 0 8080

# Never fail open: a missing interface (a renamed NIC) leaves the others filtered,
# and start says which one it could not filter; check finds it before a reboot does.
cp "$tmp/a.rules" "$tmp/rules.conf"
sed -i "s|^INTERFACES=.*|INTERFACES=\"$SERVER_IF nosuchif0\"|; s|^WAIT=.*|WAIT=0|" "$conf"
boot check
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "no such interface: nosuchif0" &&
	holds_not "not attached" attached
record_status $? "boot: check fails on an interface that does not exist" "stderr: $ERR"
boot start
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "not filtered, no such interface: nosuchif0" &&
	holds "attached" attached
record_status $? "boot: an interface missing: start fails, names it, and filters the one there is" \
	"stderr: $ERR"
probe "an interface missing: the rules filter the other (tcp/8080 connects)" 0 8080
probe "an interface missing: the rules filter the other (tcp/8081 is dropped)" 1 8081 300
boot stop
sed -i "s|^INTERFACES=.*|INTERFACES=$SERVER_IF|" "$conf"

# The lockout guard: rules that drop tcp/22 need FORCE=yes; check says so first.
printf 'policy drop\nallow 8080/tcp\n' >"$tmp/rules.conf"
boot check
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "refusing to drop tcp/22" &&
	holds_not "not attached" attached
record_status $? "boot: check fails on rules the guard refuses" "stderr: $ERR"
boot start
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "refusing to drop tcp/22" &&
	holds_not "not attached" attached
record_status $? "boot: rules dropping tcp/22 are refused, nothing attached" "stderr: $ERR"
echo "FORCE=yes" >>"$conf"
boot check
is_eq "exit status" "$RC" 0 &&
	is_eq "commands" "$(cat "$tmp/commands")" "--force apply --check $tmp/rules.conf"
record_status $? "boot: check with FORCE=yes passes, as start would" "stderr: $ERR"
boot start
is_eq "exit status" "$RC" 0 && holds "attached" attached
record_status $? "boot: FORCE=yes applies them" "$ERR"
sed -i '/^FORCE=yes$/d' "$conf"
boot check
record "$([ $RC -eq 0 ] && echo 1 || echo 0)" \
	"boot: check judges against the running ruleset (it drops tcp/22 already)" "rc $RC: $ERR"
boot stop

# At boot sshd may not run yet: the guard reads the ports its configuration names.
"$XDPPORT" flush >/dev/null
printf 'Include %s/sshd_config.d/*.conf\n' "$tmp" >"$tmp/sshd_config"
mkdir -p "$tmp/sshd_config.d" && printf 'Port 2222\n' >"$tmp/sshd_config.d/port.conf"
printf 'policy drop\nallow 22/tcp 8080/tcp\n' >"$tmp/rules.conf"
XDPPORT_SSHD_CONFIG=$tmp/sshd_config boot check
is_eq "exit status" "$RC" 1 &&
	is_in stderr "$ERR" \
		"refusing to drop tcp/2222, the port $tmp/sshd_config gives sshd (not running yet)"
record_status $? "boot: check fails on rules that drop the port sshd_config names" \
	"stderr: $ERR"
XDPPORT_SSHD_CONFIG=$tmp/sshd_config boot start
is_eq "exit status" "$RC" 1 && is_in stderr "$ERR" "refusing to drop tcp/2222" &&
	holds_not "not attached" attached
record_status $? "boot: start refuses them too, nothing attached" "stderr: $ERR"

# Bad configurations: the line and what is wrong, exit 2, nothing done.
bad_conf() {	# bad_conf NAME PATTERN LINE...
	local name=$1 pattern=$2
	shift 2
	printf '%s\n' "$@" >"$conf"
	boot start
	is_eq "exit status" "$RC" 2 && is_like stderr "$ERR" "*$pattern*" &&
		holds_not "not attached" attached && holds "no command run" [ ! -s "$tmp/commands" ]
	record_status $? "boot: bad configuration: $name" "stderr: $ERR"
}
bad_conf "an unknown setting" "xdpport.conf:2: unknown setting 'INTERFACE'" \
	"RULES=$tmp/a.rules" "INTERFACE=$SERVER_IF"
bad_conf "not KEY=VALUE" "xdpport.conf:1: expected KEY=VALUE" "INTERFACES $SERVER_IF"
bad_conf "a bad MODE" "MODE must be auto, native or generic" "MODE=fast"
bad_conf "a bad FORCE" "FORCE must be yes or no" "FORCE=1"
bad_conf "shell code is data, never run" "unknown setting" "X=\$(touch $tmp/pwned)" \
	"INTERFACES=\`touch $tmp/pwned\`"
record "$([ ! -e "$tmp/pwned" ] && echo 1 || echo 0)" "boot: nothing in the configuration ran"
rm -f "$conf"
boot start
is_eq "exit status" "$RC" 2 && is_in stderr "$ERR" "cannot read it"
record_status $? "boot: no configuration file: exit 2" "stderr: $ERR"
boot bogus
is_eq "exit status" "$RC" 2 && is_like stderr "$ERR" "Usage:*"
record_status $? "boot: an unknown action: usage, exit 2" "stderr: $ERR"

summary
