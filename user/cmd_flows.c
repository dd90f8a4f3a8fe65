// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `flows`: the flows the host sent out that replies pass, like `conntrack -L`. */
#include <arpa/inet.h>
#include <stdio.h>

#include "cli.h"
#include "cli_lib.h"
#include "errors.h"
#include "filter.h"
#include "flowtable.h"
#include "json.h"
#include "portspec.h"

/* An address of the table as text ("198.18.0.1", "2001:db8::1"). */
static void format_addr(char *buf, size_t len, const __u32 *addr, __u8 family)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

/* "198.18.0.1:80", "[2001:db8::1]:443" */
static void format_endpoint(char *buf, size_t len, const __u32 *addr, __u16 port, __u8 family)
{
	char a[INET6_ADDRSTRLEN];

	format_addr(a, sizeof(a), addr, family);
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", a, ntohs(port));
}

static void flows_text(const struct flow_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct flow_entry *e = &t->entry[i];
		char local[INET6_ADDRSTRLEN + 8], remote[INET6_ADDRSTRLEN + 8];

		if (e->expires_s <= 0)
			continue;
		format_endpoint(local, sizeof(local), e->key.local, e->key.local_port,
				e->key.family);
		format_endpoint(remote, sizeof(remote), e->key.remote, e->key.remote_port,
				e->key.family);
		printf("%s %s -> %s %s expires %llds\n", proto_name(e->key.proto & 1), local, remote,
		       flowtable_state_name(e->flow.state), (long long)e->expires_s);
	}
}

static void flows_json(const struct flow_table *t)
{
	json_object_begin(NULL);
	json_array_begin("flows");
	for (size_t i = 0; i < t->n; i++) {
		const struct flow_entry *e = &t->entry[i];
		char addr[INET6_ADDRSTRLEN];

		if (e->expires_s <= 0)
			continue;
		json_object_begin(NULL);
		json_string("protocol", proto_name(e->key.proto & 1));
		json_uint("family", e->key.family);
		format_addr(addr, sizeof(addr), e->key.local, e->key.family);
		json_string("local", addr);
		json_uint("local_port", ntohs(e->key.local_port));
		format_addr(addr, sizeof(addr), e->key.remote, e->key.family);
		json_string("remote", addr);
		json_uint("remote_port", ntohs(e->key.remote_port));
		json_string("state", flowtable_state_name(e->flow.state));
		json_uint("expires_s", e->expires_s);
		json_object_end();
	}
	json_array_end();
	json_object_begin("count");
	for (int p = 0; p < XDPPORT_NPROTO; p++)
		json_uint(proto_name(p), t->live[p]);
	json_object_end();
	json_uint("table_size", t->size);
	json_object_end();
}

static int cmd_flows(struct cmdline *cl)
{
	struct flow_table t = { .size = XDPPORT_FLOWS_DEFAULT };
	struct filter f;
	int err = cli_filter_open(&f, 0, cl->cmd->name);

	if (err == NOT_SET_UP) {	/* nothing set up: nothing recorded */
		t.size = filter_flow_table_size();
	} else if (err) {
		return err;
	} else {
		err = cli_flowtable_read(&f, &t, true, cl->cmd->name);
		filter_close(&f);
		if (err)
			return err;
	}
	if (cl->json)
		flows_json(&t);
	else
		flows_text(&t);
	flowtable_free(&t);
	return EXIT_OK;
}

const struct command cmd_flows_def = {
	.name = "flows", .run = cmd_flows, .min_args = 0, .max_args = 0,
	.args = "",
	.summary = "show the flows replies pass, like conntrack -L",
	.takes = TAKES_JSON,
	.help = "Prints the flows the host sent out that are still fresh, one a line, like\n"
		"conntrack -L: PROTO LOCAL:PORT -> REMOTE:PORT STATE expires SECSs. States:\n"
		"tcp-syn, established, closing, udp, udp-answered. DHCP flows show addresses 0.\n",
};
