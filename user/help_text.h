/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Help text and options several commands share, for their descriptors (struct command). */
#ifndef XDPPORT_HELP_TEXT_H
#define XDPPORT_HELP_TEXT_H

#define PORTSPEC_HELP \
	"PORTSPEC is a port (443), a range (8000-8100) or a service name from\n" \
	"/etc/services (https); add /tcp or /udp for one protocol (443/tcp), otherwise\n" \
	"it means both (a service name: the protocols /etc/services lists it for).\n"

#define SOURCE_HELP \
	"With 'from SOURCE...', the rule is about source addresses (README, Source\n" \
	"addresses and sets). SOURCE is an address (203.0.113.7, 2001:db8::1), a CIDR\n" \
	"(203.0.113.0/24; host bits must be zero) or @NAME, a set ('xdpport set').\n" \
	"Without PORTSPEC the rule holds for every IP frame, ICMP too, before any port\n" \
	"rule; with PORTSPEC only for those ports. Order of decisions: 1. 'allow/deny\n" \
	"from': the longest matching prefix; 2. the port's own source rules: the longest\n" \
	"matching prefix; 3. the port's rule, then the policy. Among equal prefixes,\n" \
	"deny wins. Non-IP frames (ARP) are never touched.\n"

#define GUARD_HELP \
	"The lockout guard refuses, changing nothing, what would start dropping a TCP\n" \
	"port SSH needs: the port of the SSH session this runs in (found from its sshd's\n" \
	"socket, so also under sudo; or SSH_CONNECTION), every port an sshd listens on\n" \
	"(with no sshd running, the ports sshd_config names), and tcp/22 when none is\n" \
	"found; --force overrides it.\n"

#define TRY_HELP \
	"On a remote host, add --try SECS: the change is reverted after SECS seconds\n" \
	"unless 'xdpport confirm' runs first (see 'xdpport help confirm').\n"

/* Commands that can cut an SSH session take --try (user/try.c). */
#define OPT_TRY { "try", OPT_VALUE, "--try SECS  on trial: reverted after SECS s unless " \
				   "'xdpport confirm'" }

#endif
