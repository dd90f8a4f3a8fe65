// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "help.h"

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
	"The lockout guard refuses, changing nothing, what would start dropping tcp/22\n" \
	"or, inside an SSH session, the port of that session (from SSH_CONNECTION);\n" \
	"--force overrides it.\n"

static const struct help_text texts[] = {
	{ "attach",
	  "Loads the filter onto IFACE, which is then filtered by the current rules. Set\n"
	  "them before or after: rules are kept whether or not anything is attached, and\n"
	  "every attached interface shares them. The program is attached through a bpf_link\n"
	  "pinned under /sys/fs/bpf/xdpport, so it keeps running after this command exits.\n"
	  "Attaching an interface twice is harmless.\n"
	  "\n"
	  "Modes: native runs in the driver, before the kernel allocates the packet (the\n"
	  "fast one); generic works on any interface, later and slower; auto (the default)\n"
	  "tries native and falls back to generic with a warning saying why.\n"
	  "\n"
	  "Refuses if IFACE already runs another XDP program, unless --replace.\n"
	  "\n"
	  "Refuses, changing nothing, if the current rules drop tcp/22 or, inside an SSH\n"
	  "session, the port of that session (from SSH_CONNECTION); --force overrides\n"
	  "this lockout guard.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport attach eth0\n"
	  "  xdpport attach eth1 --mode generic\n",
	  HELP_JSON | HELP_FORCE },
	{ "detach",
	  "Takes the filter off IFACE, or off every interface with --all. The rules stay\n"
	  "(see 'xdpport list') until 'xdpport flush', and the next attach uses them.\n"
	  "Detaching an interface the filter is not on is harmless; pins left behind by\n"
	  "deleted interfaces are removed on the way.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport detach eth0\n"
	  "  xdpport detach --all\n",
	  HELP_JSON },
	{ "allow",
	  "Passes frames to these ports, whatever the policy. Every argument is checked\n"
	  "before anything changes, and the whole command takes effect at once: no frame\n"
	  "sees half of a range.\n"
	  "\n" PORTSPEC_HELP
	  "\n" SOURCE_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport allow 443\n"
	  "  xdpport allow https ssh 8000-8100/udp\n"
	  "  xdpport allow 22/tcp from 203.0.113.0/24 2001:db8:1::/48\n"
	  "  xdpport allow from 198.51.100.7        (an admin host: every port)\n",
	  HELP_FORCE },
	{ "deny",
	  "Drops frames to these ports, whatever the policy. Every argument is checked\n"
	  "before anything changes, and the whole command takes effect at once.\n"
	  "\n" GUARD_HELP
	  "Inside an SSH session it also refuses to drop the client's address\n"
	  "(SSH_CONNECTION) on the session's port.\n"
	  "\n" PORTSPEC_HELP
	  "\n" SOURCE_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport deny 23\n"
	  "  xdpport deny 137-139/udp 445/tcp\n"
	  "  xdpport deny from @drop                (a blocklist: everything, ICMP too)\n"
	  "  xdpport deny 25/tcp from 192.0.2.0/24\n",
	  HELP_FORCE },
	{ "delete",
	  "Removes the rules of these ports: they follow their protocol's policy again.\n"
	  "\n" GUARD_HELP
	  "\n" PORTSPEC_HELP
	  "\n"
	  "With 'from SOURCE...' it removes source rules instead: the same PORTSPEC (none\n"
	  "for 'allow/deny from') and SOURCE they were given with; 'xdpport list' shows\n"
	  "them. A source rule that is not there is an error.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport delete 8000-8100/udp\n"
	  "  xdpport delete 22/tcp from 203.0.113.0/24\n"
	  "  xdpport delete from @drop\n",
	  HELP_FORCE },
	{ "policy",
	  "Sets the verdict for ports without a rule, for tcp and udp or for one of them.\n"
	  "A new filter passes everything; 'policy drop' plus 'allow' rules is a\n"
	  "default-deny firewall: allow your SSH port first.\n"
	  "\n" GUARD_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport allow ssh https\n"
	  "  xdpport policy drop\n"
	  "  xdpport policy pass udp\n",
	  HELP_FORCE },
	{ "fragments",
	  "Sets the verdict for non-first IP fragments. They carry no port, so no rule can\n"
	  "match them; first fragments are filtered by port like any frame. Default: pass.\n"
	  "\n"
	  "Example:\n"
	  "  xdpport fragments drop\n",
	  0 },
	{ "set",
	  "Creates the set NAME from FILE (- reads standard input), or replaces it: rules\n"
	  "that use @NAME switch to the new contents in one step, so no frame ever sees\n"
	  "half a list. FILE holds one IPv4 or IPv6 address or CIDR per line; '#' and ';'\n"
	  "start comments (the Spamhaus DROP format), blank lines and CRLF are fine. A bad\n"
	  "line (a bad address, host bits set, /33, /129) is one error naming the file and\n"
	  "line, and nothing changes. Files are read as a stream: a million prefixes take\n"
	  "about a second. --delete removes a set no rule uses.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport set drop drop.txt && xdpport deny from @drop\n"
	  "  curl -s https://www.spamhaus.org/drop/drop.txt | xdpport set drop -\n"
	  "  xdpport set drop --delete\n",
	  HELP_FORCE },
	{ "sets",
	  "Prints every set: its IPv4 and IPv6 prefixes, how many rules use it, and how\n"
	  "many frames its prefixes decided (hits, since the set was created).\n",
	  HELP_JSON },
	{ "list",
	  "Prints the policies, the fragments setting and every rule; neighbouring ports\n"
	  "with the same rule show as one range, and a rule for both protocols shows once.\n"
	  "Then the source rules, in the order given, and the sets.\n"
	  "Works whether or not the filter is attached.\n",
	  HELP_JSON },
	{ "flush",
	  "Forgets every rule and policy. With no interface attached, removes everything\n"
	  "under /sys/fs/bpf/xdpport, which is also how to start over after pins left by an\n"
	  "incompatible build; with interfaces attached, they go back to passing everything.\n",
	  0 },
	{ "status",
	  "Prints the interfaces the filter is attached to (those in other network\n"
	  "namespaces too), the mode and program of each, the policies, how many ports\n"
	  "have rules, and the port the lockout guard keeps open.\n",
	  HELP_JSON },
	{ "stats",
	  "Prints packets and bytes passed and dropped by reason, per interface, and the\n"
	  "ports with the most drops and passes.\n",
	  HELP_JSON },
	{ "version", "Prints the version.\n", HELP_JSON },
	{ "help", "Prints the list of commands, or the help of one.\n", 0 },
};

const struct help_text *help_text(const char *command)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].command, command))
			return &texts[i];
	return NULL;
}
