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

#include "errors.h"
#include "guard.h"
#include "report.h"
#include "ruleset.h"

static struct xdpport_ruleset open_all, drop_22, drop_2222, drop_all, drop_all_but_22;

static void setup(void)
{
	struct port_range r22 = { PROTO_BIT(XDPPORT_TCP), 22, 22 };
	struct port_range r2222 = { PROTOS_ALL, 2222, 2222 };

	ruleset_reset(&open_all);
	drop_22 = open_all;
	ruleset_set_rule(&drop_22, &r22, VERDICT_DROP);
	drop_2222 = open_all;
	ruleset_set_rule(&drop_2222, &r2222, VERDICT_DROP);
	drop_all = open_all;
	ruleset_set_policy(&drop_all, PROTOS_ALL, VERDICT_DROP);
	drop_all_but_22 = drop_all;
	ruleset_set_rule(&drop_all_but_22, &r22, VERDICT_PASS);
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

static bool refuses(const struct xdpport_ruleset *before, const struct xdpport_ruleset *after,
		    bool force)
{
	return guard_check(before, after, force, "guard_test") == EXIT_FAIL;
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
	report(guard_port() == 2222 && from_environment() && guard_covers(2222) &&
	       !guard_covers(22),
	       "SSH_CONNECTION: guards the session's server port");
	report(refuses(&open_all, &drop_2222, false), "in session: refuses deny 2222");
	report(!refuses(&open_all, &drop_22, false), "in session: allows deny 22");
	report(!refuses(&open_all, &drop_2222, true), "in session: --force overrides");

	setenv("SSH_CONNECTION", "2001:db8::1 50123 2001:db8::2 2200", 1);
	guard_rescan();
	report(guard_port() == 2200 && from_environment(), "SSH_CONNECTION over IPv6");
	{
		static const char *const bad[] = {
			"garbage", "198.18.0.1 50123 198.18.0.2 70000", "198.18.0.1 50123 198.18.0.2",
			"198.18.0.1 50123 198.18.0.2 22 extra", "host 50123 198.18.0.2 2222",
			"198.18.0.1 50123 198.18.0.2 0", "198.18.0.1 x 198.18.0.2 2222",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char name[96];

			setenv("SSH_CONNECTION", bad[i], 1);
			guard_rescan();
			snprintf(name, sizeof(name), "malformed SSH_CONNECTION '%s': tcp/22", bad[i]);
			report(only_default(), "%s", name);
		}
	}
	return report_summary();
}
