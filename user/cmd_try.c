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

int cmd_confirm(struct cmdline *cl)
{
	return end_trial(cl, true);
}

int cmd_rollback(struct cmdline *cl)
{
	return end_trial(cl, false);
}
