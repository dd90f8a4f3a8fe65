#!/usr/bin/env bash
# The lockout guard through the real binary: changes that would start dropping the
# SSH port (tcp/22, or the server port in SSH_CONNECTION) are refused with exit 1,
# one error line naming the argument, and no change; --force (before or after the
# command) overrides. attach is guarded too: it starts filtering with the rules.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/lib/report.sh
source tests/lib/netns.sh
source tests/lib/cli.sh

GUARD22="refusing to drop tcp/22 \(SSH\) so you cannot lock yourself out; add --force"
xp_reset
netns_pair 41
serve xp41b 22,2222

unset SSH_CONNECTION
check "attach xp41b" in_ns xp41b "$XDPPORT" attach xp41b
expect_error "deny 22" 1 "^xdpport: deny 22: $GUARD22" xp deny 22
expect_error "deny ssh among others: names the argument" 1 "^xdpport: deny ssh: " \
	xp deny 80 ssh 443
expect_error "deny 20-30/tcp" 1 "^xdpport: deny 20-30/tcp: " xp deny 20-30/tcp
check "deny 22/udp is fine" xp deny 22/udp
expect_error "policy drop" 1 "^xdpport: policy drop: $GUARD22" xp policy drop
expect_error "policy drop tcp" 1 "^xdpport: policy drop tcp: " xp policy drop tcp
check "policy drop udp is fine" xp policy drop udp
expect_open "tcp/22 still connects" xp41a tcp 22 198.18.41.2 2001:db8:41::2
check "allow 22/tcp, then policy drop" bash -c "$XDPPORT allow 22/tcp && $XDPPORT policy drop"
expect_error "delete 22 under policy drop" 1 "^xdpport: delete 22: " xp delete 22
expect_open "tcp/22 still connects under policy drop" xp41a tcp 22 198.18.41.2
check "--force before the command" xp --force delete 22
expect_dropped "forced: tcp/22 dropped" xp41a tcp 22 198.18.41.2 2001:db8:41::2
check "allow 22 again" xp allow 22

# Attaching with rules that drop tcp/22 is a change for that interface.
check "detach" in_ns xp41b "$XDPPORT" detach xp41b
check "deny 22 --force (not attached)" xp deny 22 --force
expect_error "attach with tcp/22 dropped" 1 "^xdpport: attach xp41b: $GUARD22" \
	in_ns xp41b "$XDPPORT" attach xp41b
check "nothing attached after the refusal" test -z "$(xdp_on xp41b xp41b)"
check "attach --force" in_ns xp41b "$XDPPORT" attach xp41b --force
check "allow 22" xp allow 22
check "policy pass" xp policy pass

# Inside an SSH session the session's port is guarded instead.
export SSH_CONNECTION="198.18.41.1 50022 198.18.41.2 2222"
expect_error "in session: deny 2222" 1 \
	"^xdpport: deny 2222: refusing to drop tcp/2222, the port of the SSH session" \
	xp deny 2222
check "in session: deny 22 is fine" xp deny 22
expect_error "in session: policy drop" 1 "tcp/2222" xp policy drop
check "in session: status names the port" grep -q "tcp/2222 open: the port of the SSH session" \
	<<<"$(xp status)"
check "in session: --force after the command" xp deny 2222 --force
expect_dropped "forced: tcp/2222 dropped" xp41a tcp 2222 198.18.41.2
unset SSH_CONNECTION

summary
