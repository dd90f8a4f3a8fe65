// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The lockout guard (user/guard.c): which port it protects outside any SSH session
 * and with no sshd running (tests/run.sh gives every test its own PID namespace):
 * SSH_CONNECTION's server port, else 22; that it refuses only changes that start
 * dropping that port, and that --force overrides it. The ports found from a real sshd
 * are tested in tests/ssh_guard_test.sh.
 */
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "guard.h"
#include "report.h"
#include "rules.h"

static struct rules open_all, drop_22, drop_2222, drop_all, drop_all_but_22;
static unsigned disagree;	/* times guard_check() on the compiled bytes said otherwise */

static void setup(void)
{
	struct port_range r22 = { PROTO_BIT(XDPPORT_TCP), 22, 22 };
	struct port_range r2222 = { PROTOS_ALL, 2222, 2222 };

	rules_init(&open_all);
	rules_init(&drop_22);
	rules_set_ports(&drop_22, &r22, VERDICT_DROP);
	rules_init(&drop_2222);
	rules_set_ports(&drop_2222, &r2222, VERDICT_DROP);
	rules_init(&drop_all);
	rules_set_policy(&drop_all, PROTOS_ALL, VERDICT_DROP);
	rules_copy(&drop_all_but_22, &drop_all);
	rules_set_ports(&drop_all_but_22, &r22, VERDICT_PASS);
}

static bool from_environment(void)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);

	return n == 1 && g[0].source == GUARD_ENVIRONMENT;
}

static bool only_default(void)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);

	return n == 1 && g[0].source == GUARD_DEFAULT && g[0].port == 22;
}

/* The guard's decision on the rules; the same decision on their compiled bytes
 * (what attach asks) is counted when it differs. */
static bool refuses(const struct rules *before, const struct rules *after, bool force)
{
	static struct xdpport_ruleset a, b;
	bool refused = guard_check_rules(before, after, force, "guard_test") == EXIT_FAIL;

	rules_compile(before, &a, NULL);
	rules_compile(after, &b, NULL);
	disagree += refused != (guard_check(&a, &b, force, "guard_test") == EXIT_FAIL);
	return refused;
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"garbage", "198.18.0.1 50123 198.18.0.2 70000", "198.18.0.1 50123 198.18.0.2",
		"198.18.0.1 50123 198.18.0.2 22 extra", "host 50123 198.18.0.2 2222",
		"198.18.0.1 50123 198.18.0.2 0", "198.18.0.1 x 198.18.0.2 2222",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SSH_CONNECTION", bad[i], 1);
		guard_rescan();
		report(only_default(), "malformed SSH_CONNECTION '%s': tcp/22", bad[i]);
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The guarded ports, all from the sshd configuration, as "2200 2201 ...". */
static void config_ports(char *buf, size_t len)
{
	const struct guarded_port *g;
	int n = guard_ports(&g);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%u%s", i ? " " : "", g[i].port,
				 g[i].source == GUARD_CONFIG ? "" : "?");
}

/* No sshd runs (this test's PID namespace): the ports its configuration names. */
static void test_sshd_config(void)
{
	char dir[] = "/tmp/guard_test.XXXXXX", path[128], text[512], got[128];

	if (!mkdtemp(dir)) {
		report(false, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/d", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/d/a.conf", dir);
	write_text(path, "Port 2400\n");
	snprintf(path, sizeof(path), "%s/sshd_config", dir);
	snprintf(text, sizeof(text),
		 "# Port 1\nPort 2200\nport=2201\nListenAddress 198.18.0.2:2300\n"
		 "ListenAddress [2001:db8::2]:2301\nListenAddress 2001:db8::3\n"
		 "ListenAddress 198.18.0.3\nInclude %s/d/*.conf\nMatch User nobody\n"
		 "\tX11Forwarding no\n",
		 dir);
	write_text(path, text);
	setenv("XDPPORT_SSHD_CONFIG", path, 1);
	guard_rescan();
	config_ports(got, sizeof(got));
	report(!strcmp(got, "2200 2201 2300 2301 2400"),
	       "sshd_config: Port, Port=, ListenAddress host:port and [v6]:port, Include: '%s'", got);
	report(check_true(refuses(&open_all, &drop_all, false)) &&
		       check_true(!refuses(&open_all, &drop_22, false)) &&
		       check_true(guard_covers(2400)),
	       "sshd_config: refuses dropping its ports, not tcp/22");
	write_text(path, "# nothing set: sshd listens on 22\nPermitRootLogin no\n");
	guard_rescan();
	report(only_default(), "sshd_config without Port: tcp/22");
	snprintf(path, sizeof(path), "%s/missing", dir);
	setenv("XDPPORT_SSHD_CONFIG", path, 1);
	guard_rescan();
	report(only_default(), "no sshd_config: tcp/22");
	snprintf(text, sizeof(text), "rm -rf '%s'", dir);
	if (system(text))
		report(false, "rm -rf %s", dir);
	setenv("XDPPORT_SSHD_CONFIG", "/dev/null", 1);
	guard_rescan();
}

int main(void)
{
	if (!freopen("/dev/null", "w", stderr))
		return 1;	/* the refusals' messages */
	setup();
	unsetenv("SSH_CONNECTION");
	report(only_default(), "no SSH_CONNECTION, no sshd: guards tcp/22 only");
	report(refuses(&open_all, &drop_22, false), "refuses deny 22");
	report(refuses(&open_all, &drop_all, false), "refuses policy drop with no rule for 22");
	report(!refuses(&open_all, &drop_all_but_22, false), "allows policy drop with allow 22");
	report(refuses(&drop_all_but_22, &drop_all, false), "refuses deleting allow 22 under drop");
	report(!refuses(&open_all, &drop_2222, false), "allows deny 2222");
	report(!refuses(&open_all, &drop_22, true), "--force overrides");
	report(!refuses(&drop_22, &drop_all, false), "tcp/22 already dropped: not its business");

	setenv("SSH_CONNECTION", "198.18.0.1 50123 198.18.0.2 2222", 1);
	guard_rescan();
	report(check_eq(guard_port(), 2222) && check_true(from_environment()) &&
		       check_true(guard_covers(2222)) && check_true(!guard_covers(22)),
	       "SSH_CONNECTION: guards the session's server port");
	report(refuses(&open_all, &drop_2222, false), "in session: refuses deny 2222");
	report(!refuses(&open_all, &drop_22, false), "in session: allows deny 22");
	report(!refuses(&open_all, &drop_2222, true), "in session: --force overrides");

	setenv("SSH_CONNECTION", "2001:db8::1 50123 2001:db8::2 2200", 1);
	guard_rescan();
	report(check_eq(guard_port(), 2200) && check_true(from_environment()),
	       "SSH_CONNECTION over IPv6");
	test_malformed();
	unsetenv("SSH_CONNECTION");
	test_sshd_config();
	report(!disagree, "the guard on compiled rulesets decides as on the rules (%u differ)",
	       disagree);
	return report_summary();
}
