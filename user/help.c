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
	"The lockout guard refuses, changing nothing, what would start dropping a TCP\n" \
	"port SSH needs: the port of the SSH session this runs in (found from its sshd's\n" \
	"socket, so also under sudo; or SSH_CONNECTION), every port an sshd listens on\n" \
	"(with no sshd running, the ports sshd_config names), and tcp/22 when none is\n" \
	"found; --force overrides it.\n"

#define TRY_HELP \
	"On a remote host, add --try SECS: the change is reverted after SECS seconds\n" \
	"unless 'xdpport confirm' runs first (see 'xdpport help confirm').\n"

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
	  "It starts filtering with the current rules, so the lockout guard applies.\n"
	  GUARD_HELP
	  "\n" TRY_HELP "With --try, the interface is detached again unless confirmed.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport attach eth0\n"
	  "  xdpport attach eth0 --try 60 && xdpport confirm\n"
	  "  xdpport attach eth1 --mode generic\n",
	  HELP_JSON | HELP_FORCE },
	{ "detach",
	  "Takes the filter off IFACE, or off every interface with --all. The rules stay\n"
	  "(see 'xdpport list') until 'xdpport flush', and the next attach uses them.\n"
	  "Detaching an interface the filter is not on is harmless; pins left behind by\n"
	  "deleted interfaces are removed on the way. A name with no interface in this\n"
	  "network namespace is an error, which says where the filter runs on one of that\n"
	  "name in another namespace.\n"
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
	  "\n" TRY_HELP
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
	  "Rules are per port, whatever command made them: deleting a range deletes the\n"
	  "ports in it, and deleting 8050 from 'allow 8000-8100' leaves 8000-8049 and\n"
	  "8051-8100. A PORTSPEC none of whose ports has a rule gets a warning, and the\n"
	  "status stays 0.\n"
	  "\n" GUARD_HELP
	  "\n" TRY_HELP
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
	  "\n" TRY_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport allow ssh https\n"
	  "  xdpport policy drop --try 60\n"
	  "  xdpport confirm\n"
	  "  xdpport policy pass udp\n",
	  HELP_FORCE },
	{ "fragments",
	  "Sets the verdict for non-first IP fragments. They carry no port, so no rule can\n"
	  "match them; first fragments are filtered by port like any frame. Default: pass.\n"
	  "\n"
	  "'fragments drop' also breaks datagrams larger than the path MTU to ports you\n"
	  "allow: a 3000-byte UDP datagram to an allowed 443/udp (QUIC, DNS with EDNS, NFS,\n"
	  "VPNs) loses its later fragments and is never reassembled.\n"
	  "\n"
	  "Example:\n"
	  "  xdpport fragments drop\n",
	  HELP_FORCE },
	{ "limit",
	  "A flood limit on a port: at most RATE new TCP connections (SYN without ACK)\n"
	  "or UDP datagrams, N/s or N/min, with a bucket of burst N packets (default 5,\n"
	  "as nftables) that fills while the port is quiet. Over the limit, frames are\n"
	  "dropped and counted drop-limit. Segments of established TCP connections are\n"
	  "never limited. per-source: every source address (IPv6: its /64) has its own\n"
	  "bucket, in a table of --table N sources (default 65536; fixed when the filter\n"
	  "is created, so only on the first command after 'flush'). A limit applies to\n"
	  "what the port's rules pass: a denied port stays denied, and keeps its limit\n"
	  "for when it is allowed. Rule and policy changes keep limits; 'off' removes one.\n"
	  "The change switches in with the whole ruleset, at once.\n"
	  "\n" PORTSPEC_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport limit 53/udp 20000/s\n"
	  "  xdpport limit ssh 10/min burst 3 per-source\n"
	  "  xdpport limit 443/tcp 5000/s burst 500\n"
	  "  xdpport limit 53/udp off\n",
	  0 },
	{ "replies",
	  "  xdpport replies on|off\n"
	  "  xdpport replies timeout tcp-syn|tcp|tcp-closing|udp|udp-answered SECS\n"
	  "  xdpport replies table-size N\n"
	  "\n"
	  "Answers to connections this host opened pass, whatever rule or policy would\n"
	  "drop them (counted as pass-reply): an egress program on every attached\n"
	  "interface records each TCP/UDP flow the host sends out, and a frame that is\n"
	  "exactly its reverse (protocol, both addresses, both ports) passes while the\n"
	  "flow is fresh. A SYN without ACK never passes as a reply. Packets the host\n"
	  "sends from a port the rules pass inbound (its servers) record nothing. DHCP\n"
	  "requests (68->67, 546->547) are recorded by their ports alone, so the server's\n"
	  "answer passes from any address. On by default; off makes the filter stateless.\n"
	  "\n"
	  "timeout KIND SECS: how long a flow lives without the host sending on it:\n"
	  "  tcp-syn       SYN sent, no answer yet          (default 120)\n"
	  "  tcp           established                      (default 432000, 5 days)\n"
	  "  tcp-closing   FIN or RST seen                  (default 120)\n"
	  "  udp           sent, never answered             (default 30)\n"
	  "  udp-answered  answered                         (default 120)\n"
	  "SECS is 1 to 2147483647. Settings and timeouts are part of the ruleset (list,\n"
	  "save, apply).\n"
	  "\n"
	  "table-size N: flows kept, 1024 to 16777216 (default 262144, 30 MiB of kernel\n"
	  "memory: 120 bytes a flow); the least recently used go first when full. The\n"
	  "size is fixed while attached: detach every interface first. It recreates the\n"
	  "table empty; flush with nothing attached goes back to the default.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport replies off\n"
	  "  xdpport replies timeout udp 60\n"
	  "  xdpport detach --all && xdpport replies table-size 1048576\n",
	  0 },
	{ "flows",
	  "Prints the flows the host sent out that are still fresh, one a line, like\n"
	  "conntrack -L: PROTO LOCAL:PORT -> REMOTE:PORT STATE expires SECSs. States:\n"
	  "tcp-syn, established, closing, udp, udp-answered. DHCP flows show addresses 0.\n",
	  HELP_JSON },
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
	  "  xdpport set drop --delete\n"
	  "\n" TRY_HELP,
	  HELP_FORCE },
	{ "sets",
	  "Prints every set: its IPv4 and IPv6 prefixes, how many rules use it, and how\n"
	  "many frames its prefixes decided (hits, since the set was created).\n",
	  HELP_JSON },
	{ "list",
	  "Prints the policies, the fragments and replies settings (timeouts that are not\n"
	  "the default) and every rule; neighbouring ports\n"
	  "with the same rule show as one range, and a rule for both protocols shows once.\n"
	  "Then the source rules, in the order given, and the sets.\n"
	  "Works whether or not the filter is attached.\n",
	  HELP_JSON },
	{ "apply",
	  "Replaces the whole ruleset (policies, fragments, rules) with the one in FILE, or\n"
	  "standard input for -, in one atomic switch: traffic sees the old ruleset or the\n"
	  "new one, never a mix. The file is read and checked in full first; with any error,\n"
	  "every error is printed as FILE:LINE: message and nothing changes (status 2).\n"
	  "\n"
	  "The file is the command line's own words, one rule per line, applied in order to\n"
	  "a clean ruleset (all pass, no rules); later lines win; # starts a comment:\n"
	  "  policy pass|drop [tcp|udp]\n"
	  "  fragments pass|drop\n"
	  "  allow|deny|delete PORTSPEC...\n"
	  "  set NAME ADDRESS|CIDR...   (a named set; repeated lines add members)\n"
	  "  allow|deny|delete [PORTSPEC...] from SOURCE...\n"
	  "'xdpport save' writes one. Details: xdpport(8), FILE FORMAT.\n"
	  "\n"
	  "--check changes nothing and fails where apply would: errors, and what the\n"
	  "lockout guard refuses, judged against the running ruleset.\n"
	  "\n"
	  "--watch applies FILE now and again whenever it changes (a Kubernetes ConfigMap\n"
	  "volume, a file renamed over it), one line per version, until SIGTERM or SIGINT,\n"
	  "which leave the filter and its rules in place; SIGHUP reads FILE again at once,\n"
	  "and --recheck SECS (default 60) re-reads it anyway. A bad version is one error\n"
	  "line with its line number, and the last good rules stay.\n"
	  "\n" GUARD_HELP
	  "\n" TRY_HELP
	  "\n"
	  "Examples:\n"
	  "  xdpport apply --check /etc/xdpport/rules.conf\n"
	  "  xdpport apply --try 60 /etc/xdpport/rules.conf && xdpport confirm\n"
	  "  xdpport apply --watch /etc/xdpport/rules.conf\n"
	  "  xdpport save | sed 's/^allow 8080$/deny 8080/' | xdpport apply -\n",
	  HELP_JSON | HELP_FORCE },
	{ "save",
	  "Prints the running ruleset as a rules file, the input of 'xdpport apply': a\n"
	  "comment saying which host and when, the policies, the fragments setting, then the\n"
	  "rules as ranges in port order. 'xdpport save | xdpport apply -' changes nothing.\n"
	  "Always the file format: for JSON, 'xdpport list --json'. Details: xdpport(8).\n"
	  "\n"
	  "Example:\n"
	  "  xdpport save > /etc/xdpport/rules.conf\n",
	  0 },
	{ "flush",
	  "Forgets every rule, limit and policy. With no interface attached, removes\n"
	  "everything under /sys/fs/bpf/xdpport, which is also how to start over after pins\n"
	  "left by an incompatible build; with interfaces attached, they go back to passing\n"
	  "everything.\n",
	  HELP_FORCE },
	{ "status",
	  "Prints the interfaces the filter is attached to (those in other network\n"
	  "namespaces too), the mode and program of each and its egress program (tcx or\n"
	  "tc), the policies, replies on or off, the flows per protocol and how full the\n"
	  "flow table is, how many ports have rules and limits, every port the lockout\n"
	  "guard protects (why, and whether the running rules pass it or what drops it),\n"
	  "and a change on trial (--try) with the seconds left before it is reverted.\n",
	  HELP_JSON },
	{ "stats",
	  "Prints packets and bytes passed and dropped by reason, per interface, the\n"
	  "ports with the most drops and passes, and the flow table's inserts, insert\n"
	  "failures and evictions (inserts minus entries: only a full table removes one).\n"
	  "\n"
	  "--textfile DIR writes the Prometheus format to DIR/xdpport.prom for\n"
	  "node_exporter's textfile collector, replaced whole (a temporary file renamed\n"
	  "over it); with --watch SECS every SECS until SIGTERM. A filter that cannot be\n"
	  "read gives xdpport_up 0.\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport stats --top 20\n"
	  "  xdpport stats --textfile /var/lib/prometheus/node-exporter --watch 15\n",
	  HELP_JSON },
	{ "capture",
	  "Shows the frames the filter drops on every attached interface (--all: passed\n"
	  "ones too), as pcap with -w (Ethernet frames, for tcpdump and Wireshark; '-w -'\n"
	  "writes to stdout, flushed per frame), else as one line each: time, interface,\n"
	  "reason, length, port. --json: a JSON object per frame with its reason and\n"
	  "interface, which pcap cannot carry. Ends after COUNT frames, SECS seconds or\n"
	  "Ctrl-C, then prints one line on stderr: captured, left out by the rate cap,\n"
	  "lost. The kernel copies at most --rate frames a second per CPU (default 10000),\n"
	  "so a capture cannot slow the filter down; --reason and --all choose in the\n"
	  "kernel, before the cap, --port and EXPRESSION (a tcpdump filter) after it.\n"
	  "Nothing stays attached after it ends, however it ends. REASON: the names\n"
	  "'xdpport stats' uses (drop-rule, drop-policy, ...).\n"
	  "\n"
	  "Examples:\n"
	  "  xdpport capture -c 1000 --port 443 -w flood.pcap\n"
	  "  xdpport capture -w - --reason drop-policy | tcpdump -nr -\n"
	  "  xdpport capture --duration 10 --json udp and not port 53\n",
	  HELP_JSON },
	{ "confirm",
	  "Keeps the change on trial. Changing the rules of a remote host safely:\n"
	  "\n"
	  "  xdpport apply --try 60 new.rules   # in force; the old rules are back in 60 s\n"
	  "  ssh host true                      # from another terminal: still reachable?\n"
	  "  xdpport confirm                    # ... unless you confirm in time\n"
	  "\n"
	  "--try SECS works on apply, policy, deny, delete and attach. The revert is done\n"
	  "by a timer process of its own, so it happens even if the session that ran the\n"
	  "change dies or is cut by it. On a terminal --try asks: ENTER keeps the change.\n"
	  "One trial at a time: a second --try is refused until confirm or rollback.\n"
	  "'xdpport status' shows the trial and the seconds left. State: /run/xdpport.\n",
	  HELP_JSON },
	{ "rollback",
	  "Puts back, now, what was there before the change on trial (--try), and ends\n"
	  "the trial (see 'xdpport help confirm').\n",
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
