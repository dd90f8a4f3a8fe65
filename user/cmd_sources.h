/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef XDPPORT_CMD_SOURCES_H
#define XDPPORT_CMD_SOURCES_H

struct cmdline;

/* allow/deny/delete with "from" at argv[from]: action 0 allow, 1 deny, 2 delete. */
int sources_edit(struct cmdline *cl, int action, int from);

#endif
