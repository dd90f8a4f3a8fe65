// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The end of a change on trial (--try, user/try.c): confirm keeps it, rollback puts
 * back what was there before it, now. */
#include <stdio.h>

#include "caps.h"
#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "json.h"
#include "try.h"

static void print_outcome(const struct cmdline *cl, const struct try_state *st,
			  const char *text)
{
	if (cl->json) {
		json_object_begin(NULL);
		json_string("what", st->what);
		json_bool(cl->cmd->name[0] == 'c' ? "confirmed" : "rolled_back", true);
		json_object_end();
	} else {
		printf("%s '%s'%s\n", cl->cmd->name[0] == 'c' ? "confirmed" : "rolled back",
		       st->what, text);
	}
}

/* Both take the filter's lock, so the timer either acted already or never will. */
static int end_trial(struct cmdline *cl, bool keep)
{
	struct try_state st;
	struct filter f;
	int err;

	if (!caps_have_bpf())	/* else the private state would look like no trial */
		return fail(EXIT_FAIL, cl->cmd->name, "permission denied: %s", PRIVILEGES_NEEDED);
	if (!try_pending(&st))
		return fail(EXIT_FAIL, cl->cmd->name, "no change is on trial (see 'xdpport "
						      "status')");
	err = cli_filter_open(&f, FILTER_CREATE | FILTER_LOCK, cl->cmd->name);
	if (err)
		return err;
	if (!try_pending(&st)) {
		filter_close(&f);
		return fail(EXIT_FAIL, cl->cmd->name, "the trial ended meanwhile (see 'xdpport "
						      "status')");
	}
	err = keep ? try_confirm_locked(&st) : try_revert_locked(&f, &st, cl->cmd->name);
	filter_close(&f);
	if (!err)
		print_outcome(cl, &st, keep ? ": it stays" : ": what was there before is back");
	return err;
}

static int cmd_confirm(struct cmdline *cl)
{
	return end_trial(cl, true);
}

static int cmd_rollback(struct cmdline *cl)
{
	return end_trial(cl, false);
}

const struct command cmd_confirm_def = {
	.name = "confirm", .run = cmd_confirm, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "keep the change on trial (--try): cancel its revert",
	.takes = TAKES_JSON,
	.help = "Keeps the change on trial. Changing the rules of a remote host safely:\n"
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
};

const struct command cmd_rollback_def = {
	.name = "rollback", .run = cmd_rollback, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "revert the change on trial (--try) now",
	.takes = TAKES_JSON,
	.help = "Puts back, now, what was there before the change on trial (--try), and ends\n"
		"the trial (see 'xdpport help confirm').\n",
};
